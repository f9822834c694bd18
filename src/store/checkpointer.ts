import type { Worker } from "node:worker_threads";
import { startTsWorker } from "../tsWorker.ts";

/**
 * Checkpoints the database's write-ahead log on a thread of its own. A checkpoint copies the log into
 * the database file and syncs it to disk, milliseconds that would otherwise fall, now and then, on
 * whichever commit crossed the log's size limit: on the thread answering requests. A passive
 * checkpoint never blocks a writer, so commits stay short. Connections that commit then open the
 * database with `autoCheckpoint: false`.
 *
 * The thread survives a full disk by itself; should it die all the same (it could not open the
 * file), it is started again after a pause that doubles each time, and its error is reported rather
 * than left to end the process.
 */
export function startCheckpointer(file: string, onError: (err: Error) => void = () => {}): { stop(): void } {
  let worker: Worker | null = null;
  let stopped = false;
  let backoff = 1000;
  let restart: NodeJS.Timeout | null = null;
  const start = () => {
    const started = Date.now();
    const w = startTsWorker(new URL("./checkpointWorker.ts", import.meta.url), { workerData: { file } });
    worker = w;
    w.unref();
    w.on("error", (err) => onError(err));
    w.on("exit", () => {
      if (stopped || worker !== w) return;
      // A thread that ran a good while before dying starts again quickly; one that keeps dying, ever slower.
      backoff = Date.now() - started > 60_000 ? 1000 : Math.min(60_000, backoff * 2);
      restart = setTimeout(start, backoff);
      restart.unref();
    });
  };
  start();
  return {
    stop() {
      stopped = true;
      if (restart) clearTimeout(restart);
      void worker?.terminate();
    },
  };
}
