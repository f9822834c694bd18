import { startTsWorker } from "../tsWorker.ts";
import type { ClassifyMany, RowInput, RowVerdict } from "./pipeline.ts";
import type { Lang } from "./rowVerdict.ts";

export interface WorkerPool {
  readonly classifyMany: (lang: Lang) => ClassifyMany;
  close(): Promise<void>;
}

/**
 * Classification spread over worker threads, so a bulk run uses every core while the main
 * thread parses and writes. Chunks go to the least busy worker; answers keep their order
 * because the pipeline awaits chunks in the order it sent them.
 */
export interface WorkerPoolOptions {
  /**
   * Background work in a server: the threads run at the lowest priority, and with a larger young
   * generation, so they collect garbage less often (V8's collector helpers run at normal priority,
   * beside the thread answering requests). The CLI keeps the small one, for its memory bound.
   */
  readonly background?: boolean;
}

export function createWorkerPool(size: number, dataDir?: string, options: WorkerPoolOptions = {}): WorkerPool {
  const background = options.background ?? false;
  const workers = Array.from({ length: Math.max(1, size) }, () => {
    // Bounded heaps: a worker's live data is the lists, the vocabulary and its caches, a few tens of MB.
    const worker = startTsWorker(new URL("./classifyWorker.ts", import.meta.url), {
      workerData: { dataDir, lowPriority: background },
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: background ? 48 : 8 },
    });
    worker.unref();
    return { worker, busy: 0 };
  });
  const pending = new Map<number, { resolve: (v: RowVerdict[]) => void; reject: (e: Error) => void; slot: (typeof workers)[number] }>();
  let nextId = 1;

  for (const slot of workers) {
    slot.worker.on("message", (m: { id: number; verdicts?: RowVerdict[]; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      p.slot.busy--;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.verdicts ?? []);
    });
    slot.worker.on("error", (err) => {
      for (const [id, p] of pending) {
        if (p.slot !== slot) continue;
        pending.delete(id);
        p.reject(err);
      }
    });
  }

  return {
    classifyMany: (lang) => (rows: RowInput[]) =>
      new Promise<RowVerdict[]>((resolve, reject) => {
        const slot = workers.reduce((a, b) => (b.busy < a.busy ? b : a));
        const id = nextId++;
        slot.busy++;
        pending.set(id, { resolve, reject, slot });
        slot.worker.postMessage({ id, rows, lang });
      }),
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
