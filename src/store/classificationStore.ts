import { type PrecedentStore, precedentStore } from "./precedentStore.ts";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import type { Classification } from "../core/result.ts";
import { type ResultJson, toResultJson } from "../core/resultJson.ts";
import { type BatchStore, batchStore } from "./batchStore.ts";
import { type RecheckStore, recheckStore } from "./recheckStore.ts";
import { startCheckpointer } from "./checkpointer.ts";
import { addColumnIfMissing } from "./migrations.ts";
import { type UserStore, userStore } from "./userStore.ts";
import { type ReviewStore, reviewStore } from "./reviewStore.ts";
import { type AuditStore, auditStore } from "./auditStore.ts";

/** A stored classification: what was decided, when, under which editions and engine version. */
export interface ClassificationRecord extends Classification {
  readonly id: string;
  readonly createdAt: string;
}

export interface ClassificationStore {
  /** Stores a classification now, in a transaction of its own; the record's id and JSON as stored. */
  save(result: Classification, now?: Date, by?: string | null): { id: string; json: string };
  /**
   * Stores a result already serialised (see toResultJson), committed together with the other saves
   * of the same moment: one transaction for all the requests that arrive in one turn of the event
   * loop (group commit). Resolves, with the record's id and JSON, once the record is durably stored.
   */
  saveSoon(result: ResultJson, now?: Date, by?: string | null, model?: { readonly key: string; readonly text: string } | null): Promise<{ id: string; json: string }>;
  get(id: string): ClassificationRecord | null;
  /** The stored JSON of a record, as it was saved. */
  getJson(id: string): string | null;
  /** Records that answer another's questions: a new record is linked to the one it answers, neither is edited. */
  linkAnswer(answeredId: string, answeringId: string, now?: Date, by?: string | null): void;
  /** The account that made a record (null: the implicit local user, or a record older than accounts). */
  madeBy(id: string): string | null;
  /** The records that answer this one's questions, oldest first. */
  answeredIn(id: string): string[];
  /** The record whose questions this one answers, if any. */
  answers(id: string): string | null;
  /** Bulk batches and their rows, in the same database. */
  readonly batches: BatchStore;
  /** Re-check runs and the records they made, in the same database. */
  readonly rechecks: RecheckStore;
  /** Accounts, API tokens and sessions; reviews of records; the audit log: in the same database. */
  readonly users: UserStore;
  readonly reviews: ReviewStore;
  readonly audit: AuditStore;
  /** The model each record's text names, for earlier decisions on the same product. */
  readonly precedents: PrecedentStore;
  /** Cheap liveness probe for /healthz. */
  ping(): boolean;
  close(): void;
}

/** Random bytes drawn from the system's generator a few kilobytes at a time: one call per 256 ids, not per id. */
let randomPool = Buffer.alloc(0);
let poolOffset = 0;

/** 128 random bits, URL-safe: record ids must not be guessable from one another. */
export function newRecordId(): string {
  if (poolOffset + 16 > randomPool.length) {
    randomPool = randomBytes(4096);
    poolOffset = 0;
  }
  poolOffset += 16;
  return randomPool.toString("base64url", poolOffset - 16, poolOffset);
}

export const RECORD_ID = /^[A-Za-z0-9_-]{22}$/;

export class StoreOpenError extends Error {}


/**
 * The record as one row: its JSON is the result's with the id and time put in front, exactly what
 * serialising `{ id, createdAt, ...result }` gives, without serialising the result again.
 */
function recordRow(result: ResultJson, now: Date, createdBy: string | null = null, model: RecordRow["model"] = null): RecordRow {
  const id = newRecordId();
  const createdAt = now.toISOString();
  return { ...result, id, createdAt, createdBy, model, json: `{"id":${JSON.stringify(id)},"createdAt":${JSON.stringify(createdAt)},${result.json.slice(1)}` };
}

/** A record as one row of the classifications table: the serialised result with its id and time. */
export interface RecordRow extends ResultJson {
  readonly id: string;
  readonly createdAt: string;
  /** The account that made it; null for the implicit local user. */
  readonly createdBy?: string | null;
  /** The model or part number its text names, kept with it for precedents (see precedentStore.ts). */
  readonly model?: { readonly key: string; readonly text: string } | null;
}

/**
 * Opens (creating if needed) the SQLite file with its tables. WAL keeps readers off the writers'
 * backs and survives a crash mid-write.
 */
export function openDatabase(file: string, options: { autoCheckpoint?: boolean } = {}): Database.Database {
  let db: Database.Database;
  try {
    if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    // A checkpoint copies the log into the database and syncs it to disk: milliseconds that a commit
    // would otherwise pay now and then. With a checkpointer thread, no connection that commits does it.
    if (options.autoCheckpoint === false) db.pragma("wal_autocheckpoint = 0");
    db.exec(`
      CREATE TABLE IF NOT EXISTS classifications (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        as_of TEXT NOT NULL,
        engine_version TEXT NOT NULL,
        import_edition TEXT,
        export_edition TEXT,
        import_verdict TEXT NOT NULL,
        export_verdict TEXT NOT NULL,
        result_json TEXT NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS answer_links (
        answering_id TEXT PRIMARY KEY,
        answered_id TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS answer_links_answered ON answer_links (answered_id, created_at);
    `);
    // Who made a record or a link: added to databases made before accounts existed.
    addColumnIfMissing(db, "classifications", "created_by", "TEXT");
    addColumnIfMissing(db, "answer_links", "created_by", "TEXT");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StoreOpenError(
      `Cannot open the database at ${file}: ${code ? `${code} ` : ""}${(err as Error).message}. ` +
        "Check that the folder exists or can be created, is writable, and the disk is not full (DATABASE_PATH).",
    );
  }
  return db;
}

/** Inserts records, all in one transaction. */
export function recordInserter(db: Database.Database): (rows: readonly RecordRow[]) => void {
  // Positional parameters: quicker to bind than named ones, on the path every request takes.
  const insert = db.prepare(
    `INSERT INTO classifications (id, created_at, as_of, engine_version, import_edition, export_edition, import_verdict, export_verdict, result_json, created_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // In the same transaction, so a record and its model are stored together (the table is precedentStore's).
  const insertModel = db.prepare("INSERT OR IGNORE INTO record_models (record_id, model_key, model_text, created_at) VALUES (?, ?, ?, ?)");
  return db.transaction((rows: readonly RecordRow[]) => {
    for (const r of rows) {
      insert.run(r.id, r.createdAt, r.asOf, r.engineVersion, r.importEdition, r.exportEdition, r.importVerdict, r.exportVerdict, r.json, r.createdBy ?? null);
      if (r.model) insertModel.run(r.id, r.model.key, r.model.text, r.createdAt);
    }
  });
}

export interface StoreOptions {
  /**
   * Checkpoint the log on a thread of its own, so no commit on this thread ever pays for one
   * (see checkpointer.ts). For a server; needs a file, not :memory:.
   */
  readonly backgroundCheckpoints?: boolean;
  /** Hears what goes wrong on the checkpointer thread (it is restarted). */
  readonly onBackgroundError?: (err: Error) => void;
}

export function openClassificationStore(file: string, options: StoreOptions = {}): ClassificationStore {
  const background = options.backgroundCheckpoints === true && file !== ":memory:";
  const db = openDatabase(file, { autoCheckpoint: !background });
  let batches: BatchStore;
  let rechecks: RecheckStore;
  let users: UserStore;
  let reviews: ReviewStore;
  let audit: AuditStore;
  let precedents: PrecedentStore;
  try {
    batches = batchStore(db);
    rechecks = recheckStore(db);
    users = userStore(db);
    reviews = reviewStore(db);
    audit = auditStore(db);
    precedents = precedentStore(db);
  } catch (err) {
    throw new StoreOpenError(`Cannot prepare the database at ${file}: ${(err as Error).message}`);
  }
  const checkpointer = background ? startCheckpointer(file, options.onBackgroundError) : null;
  const insertRows = recordInserter(db);
  const select = db.prepare<[string], { result_json: string }>("SELECT result_json FROM classifications WHERE id = ?");
  const ping = db.prepare("SELECT 1");
  const insertLink = db.prepare("INSERT OR IGNORE INTO answer_links (answering_id, answered_id, created_at, created_by) VALUES (?, ?, ?, ?)");
  const selectMadeBy = db.prepare<[string], { created_by: string | null }>("SELECT created_by FROM classifications WHERE id = ?");
  const selectAnsweredIn = db.prepare<[string], { answering_id: string }>("SELECT answering_id FROM answer_links WHERE answered_id = ? ORDER BY created_at, answering_id");
  const selectAnswers = db.prepare<[string], { answered_id: string }>("SELECT answered_id FROM answer_links WHERE answering_id = ?");

  const save = (result: Classification, now = new Date(), by: string | null = null) => {
    const row = recordRow(toResultJson(result), now, by);
    insertRows([row]);
    return { id: row.id, json: row.json };
  };

  type Pending = { row: RecordRow; resolve: (v: { id: string; json: string }) => void; reject: (e: unknown) => void };
  let pending: Pending[] = [];
  const flush = () => {
    const items = pending;
    pending = [];
    try {
      insertRows(items.map((p) => p.row));
      for (const { row, resolve } of items) resolve({ id: row.id, json: row.json });
    } catch (err) {
      for (const item of items) item.reject(err);
    }
  };
  const saveSoon = (result: ResultJson, now = new Date(), by: string | null = null, model: RecordRow["model"] = null) =>
    new Promise<{ id: string; json: string }>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ row: recordRow(result, now, by, model), resolve, reject });
    });
  const getJson = (id: string) => (RECORD_ID.test(id) ? (select.get(id)?.result_json ?? null) : null);

  return {
    batches,
    rechecks,
    users,
    reviews,
    audit,
    precedents,
    save,
    saveSoon,
    getJson,
    linkAnswer(answeredId, answeringId, now = new Date(), by = null) {
      insertLink.run(answeringId, answeredId, now.toISOString(), by);
    },
    madeBy: (id) => (RECORD_ID.test(id) ? (selectMadeBy.get(id)?.created_by ?? null) : null),
    answeredIn: (id) => (RECORD_ID.test(id) ? selectAnsweredIn.all(id).map((r) => r.answering_id) : []),
    answers: (id) => (RECORD_ID.test(id) ? (selectAnswers.get(id)?.answered_id ?? null) : null),
    get(id) {
      const json = getJson(id);
      return json ? (JSON.parse(json) as ClassificationRecord) : null;
    },
    ping() {
      try {
        ping.get();
        return true;
      } catch {
        return false;
      }
    },
    close() {
      checkpointer?.stop();
      db.close();
    },
  };
}
