import { workerData } from "node:worker_threads";
import { createClassifier } from "../core/classify.ts";
import { serveRequests } from "../threadPool.ts";
import { loadListData } from "../data/loadListData.ts";
import type { RowInput } from "./pipeline.ts";
import { type Lang, createRowClassifier } from "./rowVerdict.ts";
import { lowerThisThreadPriority } from "./threadPriority.ts";

/** A worker thread: loads the list data once, then classifies chunks of rows on request. */
const { dataDir, lowPriority } = workerData as { dataDir?: string; lowPriority?: boolean };

// Bulk work is throughput work: in a server, this thread yields the CPU to the threads answering requests.
if (lowPriority) lowerThisThreadPriority();
const classifier = createClassifier({ ...(dataDir ? loadListData(dataDir) : loadListData()), cacheSize: 0 });

const classifyRow = createRowClassifier(classifier);

serveRequests(({ rows, lang }: { rows: RowInput[]; lang: Lang }) => rows.map((r) => classifyRow(r, lang)));
