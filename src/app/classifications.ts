import { type Classifier, ENGINE_VERSION } from "../core/classify.ts";
import { todayInChina } from "../core/dates.ts";
import type { TraceStep } from "../core/extract.ts";
import type { Classification, ClassificationInput } from "../core/result.ts";
import type { ResultJson } from "../core/resultJson.ts";
import type { ClassificationStore } from "../store/classificationStore.ts";

/**
 * Use cases of single classifications, shared by the form, the API and anything else that asks:
 * classify and store one request; say how a stored result's text was read.
 */
export interface ClassificationDeps {
  /** Classifies and serialises (on threads of its own in the server). */
  readonly classifyService: { classify(input: ClassificationInput): Promise<ResultJson> };
  /** The same engine on the calling thread, for the step-by-step reading of a stored result. */
  readonly classifier: Classifier;
  readonly store: Pick<ClassificationStore, "saveSoon">;
  readonly metrics: { classified(result: ResultJson): void };
  readonly now: () => Date;
}

/** A request to classify, as validated at the edge: blank fields are absent. */
export interface ClassifyCommand {
  readonly description?: string | undefined;
  readonly hsCode?: string | undefined;
  /** YYYY-MM-DD; today in China when absent. */
  readonly asOf?: string | undefined;
}

/** Classifies one request, stores it durably and counts it: the record's id and JSON as stored. */
export async function classifyAndStore(deps: ClassificationDeps, input: ClassifyCommand): Promise<{ id: string; json: string }> {
  const result = await deps.classifyService.classify({
    description: input.description?.trim() ? input.description : undefined,
    hsCode: input.hsCode?.trim() ? input.hsCode : undefined,
    asOf: input.asOf ?? todayInChina(deps.now()),
  });
  const stored = await deps.store.saveSoon(result, deps.now());
  deps.metrics.classified(result);
  return stored;
}

/**
 * How a stored classification's description was read, step by step, recomputed by this engine: the
 * engine is deterministic, so for a record of the same engine version it is the reading that gave
 * the result. Null for a record of another version, whose reading this engine cannot show.
 */
export function readingOf(deps: Pick<ClassificationDeps, "classifier">, record: Pick<Classification, "engineVersion" | "asOf" | "input">): TraceStep[] | null {
  if (record.engineVersion !== ENGINE_VERSION) return null;
  const { description, hsCode } = record.input;
  return deps.classifier.classify({ description: description ?? undefined, hsCode: hsCode ?? undefined, asOf: record.asOf }, { trace: true }).trace ?? [];
}
