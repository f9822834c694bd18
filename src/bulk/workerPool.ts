import { createThreadPool } from "../threadPool.ts";
import type { ListData } from "../data/loadListData.ts";
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

/** The threads get the list data validated once by the caller, never a folder to read again. */
export function createWorkerPool(size: number, listData: ListData, options: WorkerPoolOptions = {}): WorkerPool {
  const background = options.background ?? false;
  const pool = createThreadPool<{ rows: RowInput[]; lang: Lang }, RowVerdict[]>(new URL("./classifyWorker.ts", import.meta.url), size, {
    workerData: { listData, lowPriority: background },
    // Bounded heaps: a worker's live data is the lists, the vocabulary and its caches, a few tens of MB.
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: background ? 48 : 8 },
  });
  return {
    classifyMany: (lang) => (rows) => pool.call({ rows, lang }),
    close: () => pool.close(),
  };
}
