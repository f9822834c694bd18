import { workerData } from "node:worker_threads";
import { openDatabase } from "./classificationStore.ts";

/** The checkpointer thread (see checkpointer.ts). */
const db = openDatabase((workerData as { file: string }).file, { autoCheckpoint: false });

/** Log pages (4 KB) the checkpoint could not copy yet: a busy log is checkpointed again soon. */
const BEHIND = 1000;
/** After a failed checkpoint (a full disk), wait longer each time, up to this. */
const MAX_BACKOFF_MS = 30_000;
let backoff = 0;

const checkpoint = () => {
  let next: number;
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)") as { log: number; checkpointed: number }[];
    backoff = 0;
    next = result && result.log - result.checkpointed > BEHIND ? 50 : 250;
  } catch {
    // A full disk or a passing I/O error: the log keeps every commit safe meanwhile, and a later
    // checkpoint copies it once space returns. The thread must not die of it.
    backoff = Math.min(MAX_BACKOFF_MS, backoff === 0 ? 1000 : backoff * 2);
    next = backoff;
  }
  setTimeout(checkpoint, next);
};
setTimeout(checkpoint, 250);
