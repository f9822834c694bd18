import { workerData } from "node:worker_threads";
import { openDatabase } from "./classificationStore.ts";

/** The checkpointer thread (see checkpointer.ts). */
const db = openDatabase((workerData as { file: string }).file, { autoCheckpoint: false });

/** Log pages (4 KB) the checkpoint could not copy yet: a busy log is checkpointed again soon. */
const BEHIND = 1000;

const checkpoint = () => {
  const [result] = db.pragma("wal_checkpoint(PASSIVE)") as { log: number; checkpointed: number }[];
  setTimeout(checkpoint, result && result.log - result.checkpointed > BEHIND ? 50 : 250);
};
setTimeout(checkpoint, 250);
