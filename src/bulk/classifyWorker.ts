import fs from "node:fs";
import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { createClassifier } from "../core/classify.ts";
import { loadListData } from "../data/loadListData.ts";
import type { RowInput } from "./pipeline.ts";
import { type Lang, createRowClassifier } from "./rowVerdict.ts";

/** A worker thread: loads the list data once, then classifies chunks of rows on request. */
const { dataDir, lowPriority } = workerData as { dataDir?: string; lowPriority?: boolean };

// Bulk work is throughput work: in a server, this thread yields the CPU to the threads answering
// requests. On Linux a thread has its own id, and setpriority on it affects that thread alone.
if (lowPriority) {
  try {
    const tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid)) os.setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: run at the normal priority.
  }
}
const classifier = createClassifier({ ...(dataDir ? loadListData(dataDir) : loadListData()), cacheSize: 0 });

const classifyRow = createRowClassifier(classifier);

parentPort?.on("message", (message: { id: number; rows: RowInput[]; lang: Lang }) => {
  try {
    const verdicts = message.rows.map((r) => classifyRow(r, message.lang));
    parentPort?.postMessage({ id: message.id, verdicts });
  } catch (err) {
    parentPort?.postMessage({ id: message.id, error: (err as Error).message });
  }
});
