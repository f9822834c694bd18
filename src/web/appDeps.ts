import { type ModelNumberRules, createModelReader } from "../core/modelNumber.ts";
import { loadModelNumberRules } from "../data/loadListData.ts";
import { precedentColumn } from "../app/precedents.ts";
import { createClassifier } from "../core/classify.ts";
import type { ListData } from "../data/loadListData.ts";
import { classifyOnThisThread } from "../bulk/rowVerdict.ts";
import { createClassifyPool } from "../threads/classifyPool.ts";
import { type ClassifyService, classifyHere } from "./classifyService.ts";
import type { ClassificationStore } from "../store/classificationStore.ts";
import { createBatchJobs } from "../app/batchJobs.ts";
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
  /**
   * Classification threads, one pool for single classifications and bulk chunks alike (the
   * server); 0, the default, classifies on the thread answering requests (tests).
   */
  readonly threads?: number;
  /** The module each classification thread runs, when a test puts a failing one in the classifier's place. */
  readonly threadModule?: URL;
  readonly now?: () => Date;
  readonly security?: Partial<SecuritySettings>;
  /** How texts name a model or part number (data/model-numbers.json when unset). */
  readonly modelRules?: ModelNumberRules;
  /** Where logs go; JSON lines on stdout at info when unset. */
  readonly logger?: Logger;
}

/** Everything createApp needs, wired the same way for the server, the tests and the scripts. */
export function buildAppDeps(options: AppDepsOptions): { deps: AppDeps; close: () => Promise<void> } {
  const classifier = createClassifier(options.listData);
  const now = options.now ?? (() => new Date());
  const metrics = createMetrics();
  const pool =
    options.threads && options.threads > 0
      ? createClassifyPool({
          threads: options.threads,
          listData: options.listData,
          // A thread's live data is the lists, the vocabulary, its cache and a chunk of rows, a few tens
          // of MB; a bounded young generation keeps each thread's garbage from growing with a batch.
          resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 },
          ...(options.threadModule ? { module: options.threadModule } : {}),
        })
      : null;
  const readModel = createModelReader(options.modelRules ?? loadModelNumberRules());
  const classifyService: ClassifyService = pool ?? classifyHere(classifier);
  const jobs = createBatchJobs({
    store: options.store,
    classifyMany: pool ? pool.classifyMany : (lang) => classifyOnThisThread(classifier, lang),
    batchDir: options.batchDir,
    now,
    metrics,
    maxColumns: options.maxColumns,
    precedents: (lang) => precedentColumn({ precedents: options.store.precedents, readModel }, lang),
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
      precedents: options.store.precedents,
      readModel,
    },
    close: async () => {
      jobs.stop();
      await classifyService.close();
    },
  };
}
