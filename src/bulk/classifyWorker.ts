import { parentPort, workerData } from "node:worker_threads";
import { createClassifier } from "../core/classify.ts";
import { loadListData } from "../data/loadListData.ts";
import type { RowInput, RowVerdict } from "./pipeline.ts";
import { type Lang, toRowVerdict } from "./rowVerdict.ts";

/** A worker thread: loads the list data once, then classifies chunks of rows on request. */
const { dataDir } = workerData as { dataDir?: string };
const classifier = createClassifier({ ...(dataDir ? loadListData(dataDir) : loadListData()), cacheSize: 0 });

// Catalogues repeat the same product names many times. The compact row verdicts are cached
// (not whole classifications), so a large cache stays small in memory.
const CACHE_SIZE = 100_000;
const cache = new Map<string, RowVerdict>();
function classifyRow(r: RowInput, lang: Lang): RowVerdict {
  const key = `${lang}\u0000${r.asOf}\u0000${r.hsCode ?? ""}\u0000${r.description ?? ""}`;
  let verdict = cache.get(key);
  if (!verdict) {
    verdict = toRowVerdict(classifier.classify(r), lang);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, verdict);
  }
  return verdict;
}

parentPort?.on("message", (message: { id: number; rows: RowInput[]; lang: Lang }) => {
  try {
    const verdicts = message.rows.map((r) => classifyRow(r, message.lang));
    parentPort?.postMessage({ id: message.id, verdicts });
  } catch (err) {
    parentPort?.postMessage({ id: message.id, error: (err as Error).message });
  }
});
