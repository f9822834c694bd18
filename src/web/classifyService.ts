import type { Classifier } from "../core/classify.ts";
import type { ClassificationInput } from "../core/result.ts";
import { type ResultJson, toResultJson } from "../core/resultJson.ts";

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
