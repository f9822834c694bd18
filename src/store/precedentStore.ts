import type Database from "better-sqlite3";
import type { Review } from "./reviewStore.ts";

/** The model or part number a record's text names, as read when it was stored. */
export interface RecordModel {
  readonly recordId: string;
  readonly modelKey: string;
  readonly modelText: string;
}

/** A reviewed record of a model: the record, its model and its last review per direction. */
export interface ReviewedProduct extends RecordModel {
  readonly description: string | null;
  readonly reviews: Review[];
}

/**
 * The models records name: a record's model is written with the record itself (recordInserter, in
 * classificationStore.ts); this reads them back with the reviews of their records.
 */
export interface PrecedentStore {
  modelOf(recordId: string): RecordModel | null;
  /** The reviews of other records of this model, newest first. */
  reviewsOfModel(modelKey: string, exceptRecordId: string | null): (Review & { readonly modelText: string })[];
  /** Records that have a review and a model, newest review first (for the products page and bulk). */
  reviewedProducts(limit: number): ReviewedProduct[];
}

const REVIEW_COLUMNS = "r.id, r.record_id AS recordId, r.direction, r.action, r.verdict, r.entry, r.reason, r.reviewer, r.created_at AS createdAt";

export function precedentStore(db: Database.Database): PrecedentStore {
  db.exec(`
    CREATE TABLE IF NOT EXISTS record_models (
      record_id TEXT PRIMARY KEY,
      model_key TEXT NOT NULL,
      model_text TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS record_models_key ON record_models (model_key);
  `);
  const selectModel = db.prepare<[string], RecordModel>("SELECT record_id AS recordId, model_key AS modelKey, model_text AS modelText FROM record_models WHERE record_id = ?");
  const selectReviews = db.prepare<[string, string], Review & { modelText: string }>(
    `SELECT ${REVIEW_COLUMNS}, m.model_text AS modelText FROM record_models m JOIN reviews r ON r.record_id = m.record_id
     WHERE m.model_key = ? AND m.record_id != ? ORDER BY r.id DESC LIMIT 200`,
  );
  const selectReviewed = db.prepare<[number], RecordModel & { description: string | null }>(
    `SELECT m.record_id AS recordId, m.model_key AS modelKey, m.model_text AS modelText, json_extract(c.result_json, '$.input.description') AS description
     FROM record_models m JOIN classifications c ON c.id = m.record_id
     WHERE EXISTS (SELECT 1 FROM reviews r WHERE r.record_id = m.record_id)
     ORDER BY (SELECT MAX(r.id) FROM reviews r WHERE r.record_id = m.record_id) DESC LIMIT ?`,
  );
  const selectReviewsOf = db.prepare<[string], Review>(`SELECT ${REVIEW_COLUMNS} FROM reviews r WHERE r.record_id = ? ORDER BY r.id`);
  return {
    modelOf: (recordId) => selectModel.get(recordId) ?? null,
    reviewsOfModel: (modelKey, except) => selectReviews.all(modelKey, except ?? ""),
    reviewedProducts: (limit) => selectReviewed.all(limit).map((p) => ({ ...p, reviews: selectReviewsOf.all(p.recordId) })),
  };
}
