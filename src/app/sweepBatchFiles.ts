import fs from "node:fs";
import path from "node:path";
import type { BatchStore } from "../store/batchStore.ts";

/** What a sweep removed, for the log. */
export interface SweepReport {
  readonly orphans: number;
  readonly partialResults: number;
  readonly expired: number;
}

const BATCH_FILE = /^([A-Za-z0-9_-]{22})\.(upload|csv)$/;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Keeps the batch folder to what the batches still need:
 * - at start-up (`startUp`), files that no batch owns: an upload cut off by a crash never got its
 *   batch, so its partial file would stay for ever (a running upload has no batch yet either, which
 *   is why only a start-up sweep removes these);
 * - the partial result of a batch that failed or was interrupted (it cannot be downloaded; its
 *   upload stays, for a re-run);
 * - with a retention of N days (0 keeps everything), every file of a batch created more than N days ago.
 */
export function sweepBatchFiles(
  batchDir: string,
  batches: Pick<BatchStore, "fileStates">,
  options: { readonly retentionDays: number; readonly now: Date; readonly startUp: boolean },
): SweepReport {
  const states = new Map(batches.fileStates().map((b) => [b.id, b]));
  const cutoff = options.retentionDays > 0 ? options.now.getTime() - options.retentionDays * DAY_MS : null;
  let orphans = 0;
  let partialResults = 0;
  let expired = 0;
  let names: string[];
  try {
    names = fs.readdirSync(batchDir);
  } catch {
    return { orphans, partialResults, expired };
  }
  for (const name of names) {
    const m = BATCH_FILE.exec(name);
    if (!m) continue;
    const [, id, kind] = m as unknown as [string, string, "upload" | "csv"];
    const state = states.get(id);
    let remove = false;
    if (!state) {
      if (options.startUp) {
        remove = true;
        orphans++;
      }
    } else if (cutoff !== null && Date.parse(state.createdAt) < cutoff) {
      remove = true;
      expired++;
    } else if (kind === "csv" && (state.status === "failed" || state.status === "interrupted")) {
      remove = true;
      partialResults++;
    }
    if (remove) fs.rmSync(path.join(batchDir, name), { force: true });
  }
  return { orphans, partialResults, expired };
}

