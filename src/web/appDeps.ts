import { createClassifier } from "../core/classify.ts";
import type { ListData } from "../data/loadListData.ts";
import { batchThreadRunner } from "../bulk/batchThread.ts";
import { type BatchRunner, sameThreadRunner } from "../bulk/batchRunner.ts";
import { classifyOnThisThread } from "../bulk/rowVerdict.ts";
import { type ClassifyService, classifyHere, classifyOnThreads } from "./classifyService.ts";
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
  /** Columns a CSV record may have (1,000 when unset). */
  readonly maxColumns?: number;
  /** Run batches on a thread of their own (the server), rather than on the thread answering requests. */
  readonly batchThread?: boolean;
  /** Classification threads the batch thread starts (0 classifies on the batch thread itself). */
  readonly workers?: number;
  /** Threads for single classifications (the API and the form); 0, the default, classifies on the thread answering. */
  readonly classifyThreads?: number;
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
  const runner: BatchRunner =
    options.batchThread === true
      ? batchThreadRunner({ listData: options.listData, workers: options.workers ?? 0 })
      : sameThreadRunner((lang) => classifyOnThisThread(classifier, lang));
  const classifyService: ClassifyService =
    options.classifyThreads && options.classifyThreads > 0 ? classifyOnThreads(options.classifyThreads, options.listData) : classifyHere(classifier);
  const jobs = createBatchJobs({
    store: options.store,
    runner,
    batchDir: options.batchDir,
    now,
    metrics,
    maxColumns: options.maxColumns,
  });
  return {
    deps: {
      classifier,
      classifyService,
      store: options.store,
      listData: options.listData,
      now,
      bulk: { jobs, batchDir: options.batchDir, maxUploadBytes: options.maxUploadBytes ?? 200 * 1024 * 1024 },
      security: { ...DEFAULT_SECURITY, ...options.security },
      logger: options.logger ?? createLogger(),
      metrics,
      // Accounts, reviews, audit log: the store's, on the same database.
      users: options.store.users,
      reviews: options.store.reviews,
      audit: options.store.audit,
    },
    close: async () => {
      await Promise.all([runner.close(), classifyService.close()]);
    },
  };
}
