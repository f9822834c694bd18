import { workerData } from "node:worker_threads";
import { createClassifier } from "../core/classify.ts";
import { serveRequests } from "../threadPool.ts";
import type { ListData } from "../data/loadListData.ts";
import type { RowInput } from "./pipeline.ts";
import { type Lang, createRowClassifier } from "./rowVerdict.ts";
import { lowerThisThreadPriority } from "./threadPriority.ts";

/** A worker thread: given the validated list data once, it classifies chunks of rows on request. */
const { listData, lowPriority } = workerData as { listData: ListData; lowPriority?: boolean };

// Bulk work is throughput work: in a server, this thread yields the CPU to the threads answering requests.
if (lowPriority) lowerThisThreadPriority();
const classifier = createClassifier({ ...listData, cacheSize: 0 });

const classifyRow = createRowClassifier(classifier);

serveRequests(({ rows, lang }: { rows: RowInput[]; lang: Lang }) => rows.map((r) => classifyRow(r, lang)));
