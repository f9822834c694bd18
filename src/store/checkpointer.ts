import type { Worker } from "node:worker_threads";
import { startTsWorker } from "../tsWorker.ts";

/**
 * Checkpoints the database's write-ahead log on a thread of its own. A checkpoint copies the log into
 * the database file and syncs it to disk, milliseconds that would otherwise fall, now and then, on
 * whichever commit crossed the log's size limit: on the thread answering requests. A passive
 * checkpoint never blocks a writer, so commits stay short. Connections that commit then open the
 * database with `autoCheckpoint: false`.
 */
export function startCheckpointer(file: string): { stop(): void } {
  const worker: Worker = startTsWorker(new URL("./checkpointWorker.ts", import.meta.url), { workerData: { file } });
  worker.unref();
  return {
    stop() {
      void worker.terminate();
    },
  };
}
