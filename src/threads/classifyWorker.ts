import { workerData } from "piscina";
import { type Classifier, createClassifier } from "../core/classify.ts";
import type { ListData } from "../data/loadListData.ts";
import { toResultJson } from "../core/resultJson.ts";
import { createRowClassifier } from "../bulk/rowVerdict.ts";
import type { PoolTask, SingleAnswer } from "./classifyPool.ts";

/**
 * A pool thread (see classifyPool.ts): given the list data validated once by the main thread, it
 * answers single classifications serialised and bulk chunks as compact row verdicts.
 */
const { listData, rowsOnly } = workerData as { listData: ListData; rowsOnly?: boolean };
// Single requests keep the engine's small cache (a form resubmitted, a script retrying); bulk rows
// have their own adaptive one (see rowVerdict.ts), so their engine caches nothing. The engine for
// single requests is made at start, so no request waits for it (but in a pool for rows alone, the
// CLI's); the one for rows when the first chunk comes, which a quiet server never sends.
let single: Classifier | null = rowsOnly ? null : createClassifier(listData);
let classifyRow: ReturnType<typeof createRowClassifier> | null = rowsOnly ? createRowClassifier(createClassifier({ ...listData, cacheSize: 0 })) : null;

export default function handle(task: PoolTask) {
  if (task.kind === "singles") {
    single ??= createClassifier(listData);
    // Each single is its own request: one the engine trips on fails alone, with its reason.
    const answers = new Array<SingleAnswer>(task.inputs.length);
    for (let i = 0; i < task.inputs.length; i++) {
      try {
        answers[i] = toResultJson(single.classify(task.inputs[i]!));
      } catch (err) {
        answers[i] = { failed: err instanceof Error ? err.message : String(err) };
      }
    }
    return answers;
  }
  classifyRow ??= createRowClassifier(createClassifier({ ...listData, cacheSize: 0 }));
  const out = new Array(task.rows.length);
  for (let i = 0; i < task.rows.length; i++) out[i] = classifyRow(task.rows[i]!, task.lang);
  return out;
}
