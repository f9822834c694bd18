import { createClassifier } from "../core/classify.ts";
import type { ListData } from "../data/loadListData.ts";
import { classifyOnThisThread } from "../bulk/rowVerdict.ts";
import { createWorkerPool, type WorkerPool } from "../bulk/workerPool.ts";
import type { ClassificationStore } from "../store/classificationStore.ts";
import { createBatchJobs } from "./batchJobs.ts";
import type { AppDeps } from "./createApp.ts";
import { DEFAULT_SECURITY, type SecuritySettings } from "./security.ts";
import { createMetrics } from "./metrics.ts";
import { createLogger, type Logger } from "./requestLog.ts";

export interface AppDepsOptions {
  readonly listData: ListData;
  readonly store: ClassificationStore;
  readonly batchDir: string;
  readonly maxUploadBytes?: number;
  /** Worker threads for bulk classification; 0 (the default) classifies on the main thread. */
  readonly workers?: number;
  /** Folder of the list data, for the workers to load the same data (bundled data when unset). */
  readonly dataDir?: string | undefined;
  readonly now?: () => Date;
  readonly security?: Partial<SecuritySettings>;
  /** Where logs go; JSON lines on stdout at info when unset. */
  readonly logger?: Logger;
}

/** Everything createApp needs, wired the same way for the server, the tests and the scripts. */
export function buildAppDeps(options: AppDepsOptions): { deps: AppDeps; close: () => Promise<void> } {
  const classifier = createClassifier(options.listData);
  const now = options.now ?? (() => new Date());
  const metrics = createMetrics();
  const pool: WorkerPool | null = options.workers && options.workers > 0 ? createWorkerPool(options.workers, options.dataDir, { lowPriority: true }) : null;
  const jobs = createBatchJobs({
    store: options.store,
    classifyMany: (lang) => (pool ? pool.classifyMany(lang) : classifyOnThisThread(classifier, lang)),
    batchDir: options.batchDir,
    now,
    metrics,
  });
  return {
    deps: {
      classifier,
      store: options.store,
      listData: options.listData,
      now,
      bulk: { jobs, batchDir: options.batchDir, maxUploadBytes: options.maxUploadBytes ?? 200 * 1024 * 1024 },
      security: { ...DEFAULT_SECURITY, ...options.security },
      logger: options.logger ?? createLogger(),
      metrics,
    },
    close: async () => {
      await pool?.close();
    },
  };
}
