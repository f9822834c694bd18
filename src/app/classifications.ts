import type { ModelNumber } from "../core/modelNumber.ts";
import { type Classifier, ENGINE_VERSION } from "../core/classify.ts";
import { todayInChina } from "../core/dates.ts";
import type { TraceStep } from "../core/extract.ts";
import type { Classification, ClassificationInput } from "../core/result.ts";
import type { ResultJson } from "../core/resultJson.ts";
import type { Answers } from "../core/questions.ts";
import type { ClassificationStore } from "../store/classificationStore.ts";
import type { AuditStore } from "../store/auditStore.ts";
import { type Actor, recordAuditSoon } from "./audit.ts";

/**
 * Use cases of single classifications, shared by the form, the API and anything else that asks:
 * classify and store one request; say how a stored result's text was read.
 */
export interface ClassificationDeps {
  /** Classifies and serialises (on threads of its own in the server). */
  readonly classifyService: { classify(input: ClassificationInput): Promise<ResultJson> };
  /** The same engine on the calling thread, for the step-by-step reading of a stored result. */
  readonly classifier: Classifier;
  readonly store: Pick<ClassificationStore, "saveSoon" | "get" | "linkAnswer">;
  readonly metrics: { classified(result: ResultJson): void };
  readonly now: () => Date;
  /** Where "classification made" lines go; none is written without it. */
  readonly audit?: AuditStore;
  /** Reads the model a text names, stored with its record for precedents (see precedents.ts). */
  readonly readModel?: (text: string) => ModelNumber | null;
}

/** A request to classify, as validated at the edge: blank fields are absent. */
export interface ClassifyCommand {
  readonly description?: string | undefined;
  readonly hsCode?: string | undefined;
  /** YYYY-MM-DD; today in China when absent. */
  readonly asOf?: string | undefined;
  /** Answers to the questions of an earlier result. */
  readonly answers?: Answers | undefined;
  /** Who asks: kept on the record and in the audit log. */
  readonly by?: Actor | undefined;
}

/** Classifies one request, stores it durably and counts it: the record's id and JSON as stored. */
export async function classifyAndStore(deps: ClassificationDeps, input: ClassifyCommand): Promise<{ id: string; json: string }> {
  const result = await deps.classifyService.classify({
    description: input.description?.trim() ? input.description : undefined,
    hsCode: input.hsCode?.trim() ? input.hsCode : undefined,
    asOf: input.asOf ?? todayInChina(deps.now()),
    ...(input.answers && Object.keys(input.answers).length > 0 ? { answers: input.answers } : {}),
  });
  // The model the text names is stored with the record, in the same commit, for precedents.
  const model = input.description && deps.readModel ? deps.readModel(input.description) : null;
  const stored = await deps.store.saveSoon(result, deps.now(), input.by?.name ?? null, model);
  deps.metrics.classified(result);
  if (deps.audit) recordAuditSoon({ audit: deps.audit, now: deps.now }, input.by ?? { name: null }, "classified", stored.id, `import ${result.importVerdict}, export ${result.exportVerdict}`);
  return stored;
}

/**
 * How a stored classification's description was read, step by step, recomputed by this engine: the
 * engine is deterministic, so for a record of the same engine version it is the reading that gave
 * the result. Null for a record of another version, whose reading this engine cannot show.
 */
export function readingOf(deps: Pick<ClassificationDeps, "classifier">, record: Pick<Classification, "engineVersion" | "asOf" | "input">): TraceStep[] | null {
  if (record.engineVersion !== ENGINE_VERSION) return null;
  const { description, hsCode, answers } = record.input;
  return deps.classifier.classify({ description: description ?? undefined, hsCode: hsCode ?? undefined, asOf: record.asOf, answers }, { trace: true }).trace ?? [];
}

/**
 * Answers the questions of a stored result: the same description, HS code and date, with the
 * answers given (added to any the record already had), classified and stored as a new record linked
 * to the one it answers. The earlier record is never edited: its permalink stays what it was.
 */
export async function answerQuestions(deps: ClassificationDeps, answeredId: string, answers: Answers, by?: Actor): Promise<{ id: string } | null> {
  const record = deps.store.get(answeredId);
  if (!record) return null;
  const { id } = await classifyAndStore(deps, {
    description: record.input.description ?? undefined,
    hsCode: record.input.hsCode ?? undefined,
    asOf: record.asOf,
    answers: { ...record.input.answers, ...answers },
    by,
  });
  deps.store.linkAnswer(answeredId, id, deps.now(), by?.name ?? null);
  if (deps.audit) recordAuditSoon({ audit: deps.audit, now: deps.now }, by ?? { name: null }, "questions_answered", answeredId, `answered in ${id}: ${Object.keys(answers).join(", ")}`);
  return { id };
}

