import type { Classifier } from "../core/classify.ts";
import type { ClassificationInput } from "../core/result.ts";
import { type ResultJson, toResultJson } from "../core/resultJson.ts";
import { createThreadPool } from "../threadPool.ts";
import type { ListData } from "../data/loadListData.ts";

/**
 * Single classifications (the API and the form), answered serialised: the record is made by putting
 * an id and a time in front of the JSON, so the result is never serialised twice.
 */
export interface ClassifyService {
  classify(input: ClassificationInput): Promise<ResultJson>;
  close(): Promise<void>;
}

/** On the calling thread: tests, and where one thread is all there is. */
export function classifyHere(classifier: Classifier): ClassifyService {
  return {
    classify: async (input) => toResultJson(classifier.classify(input)),
    close: async () => {},
  };
}

/**
 * On threads of their own, at normal priority: classifying and serialising are most of what a
 * request costs, and the thread answering requests is the server's narrowest point. It is left
 * with the HTTP work and the commit.
 */
export function classifyOnThreads(size: number, listData: ListData): ClassifyService {
  const pool = createThreadPool<ClassificationInput, ResultJson>(new URL("./classifyServiceWorker.ts", import.meta.url), size, {
    workerData: { listData },
  });
  return { classify: (input) => pool.call(input), close: () => pool.close() };
}
