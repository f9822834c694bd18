import type Database from "better-sqlite3";
import type { Direction } from "../core/listSchema.ts";
import type { Verdict } from "../core/result.ts";

export type ReviewAction = "confirm" | "override";

/** One review of one direction of a record: appended, never edited. */
export interface Review {
  readonly id: number;
  readonly recordId: string;
  readonly direction: Direction;
  readonly action: ReviewAction;
  /** The verdict the reviewer settled on (for a confirmation, the result's own). */
  readonly verdict: Verdict;
  readonly entry: string | null;
  readonly reason: string | null;
  readonly reviewer: string;
  readonly createdAt: string;
}

export interface ReviewStore {
  add(review: Omit<Review, "id" | "createdAt">, now: Date): Review;
  /** A record's reviews, oldest first. */
  of(recordId: string): Review[];
}

export const REVIEW_SCHEMA = `
  CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    action TEXT NOT NULL,
    verdict TEXT NOT NULL,
    entry TEXT,
    reason TEXT,
    reviewer TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS reviews_record ON reviews (record_id, id);
`;

const COLUMNS = "id, record_id AS recordId, direction, action, verdict, entry, reason, reviewer, created_at AS createdAt";

export function reviewStore(db: Database.Database): ReviewStore {
  db.exec(REVIEW_SCHEMA);
  const insert = db.prepare("INSERT INTO reviews (record_id, direction, action, verdict, entry, reason, reviewer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  const selectOne = db.prepare<[number], Review>(`SELECT ${COLUMNS} FROM reviews WHERE id = ?`);
  const selectOf = db.prepare<[string], Review>(`SELECT ${COLUMNS} FROM reviews WHERE record_id = ? ORDER BY id`);
  return {
    add(r, now) {
      const { lastInsertRowid } = insert.run(r.recordId, r.direction, r.action, r.verdict, r.entry, r.reason, r.reviewer, now.toISOString());
      return selectOne.get(Number(lastInsertRowid)) as Review;
    },
    of: (recordId) => selectOf.all(recordId),
  };
}
