import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import type { Classification } from "../core/result.ts";
import { type BatchStore, batchStore } from "./batchStore.ts";

/** A stored classification: what was decided, when, under which editions and engine version. */
export interface ClassificationRecord extends Classification {
  readonly id: string;
  readonly createdAt: string;
}

export interface ClassificationStore {
  save(result: Classification, now?: Date): ClassificationRecord;
  /** As save, and the record's JSON as stored, for callers that send it on (no second serialisation). */
  saveWithJson(result: Classification, now?: Date): { record: ClassificationRecord; json: string };
  /**
   * As saveWithJson, but committed together with the other saves of the same moment: one
   * transaction for all the requests that arrive in one turn of the event loop (group commit).
   * Resolves once the record is durably stored.
   */
  saveSoon(result: Classification, now?: Date): Promise<{ record: ClassificationRecord; json: string }>;
  get(id: string): ClassificationRecord | null;
  /** The stored JSON of a record, as it was saved. */
  getJson(id: string): string | null;
  /** Bulk batches and their rows, in the same database. */
  readonly batches: BatchStore;
  /** Cheap liveness probe for /healthz. */
  ping(): boolean;
  close(): void;
}

/** 128 random bits, URL-safe: record ids must not be guessable from one another. */
export function newRecordId(): string {
  return randomBytes(16).toString("base64url");
}

export const RECORD_ID = /^[A-Za-z0-9_-]{22}$/;

export class StoreOpenError extends Error {}

/**
 * Opens (creating if needed) the SQLite file. WAL keeps readers off the writers' backs and
 * survives a crash mid-write; each record is one row written in one statement.
 */
export function openClassificationStore(file: string): ClassificationStore {
  let db: Database.Database;
  try {
    if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
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
    `);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StoreOpenError(
      `Cannot open the database at ${file}: ${code ? `${code} ` : ""}${(err as Error).message}. ` +
        "Check that the folder exists or can be created, is writable, and the disk is not full (DATABASE_PATH).",
    );
  }

  let batches: BatchStore;
  try {
    batches = batchStore(db);
  } catch (err) {
    throw new StoreOpenError(`Cannot prepare the database at ${file}: ${(err as Error).message}`);
  }
  const insert = db.prepare(
    `INSERT INTO classifications (id, created_at, as_of, engine_version, import_edition, export_edition, import_verdict, export_verdict, result_json)
     VALUES (@id, @createdAt, @asOf, @engineVersion, @importEdition, @exportEdition, @importVerdict, @exportVerdict, @json)`,
  );
  const select = db.prepare<[string], { result_json: string }>("SELECT result_json FROM classifications WHERE id = ?");
  const ping = db.prepare("SELECT 1");

  const insertRecord = (record: ClassificationRecord, json: string) =>
    insert.run({
      id: record.id,
      createdAt: record.createdAt,
      asOf: record.asOf,
      engineVersion: record.engineVersion,
      importEdition: record.import.edition?.id ?? null,
      exportEdition: record.export.edition?.id ?? null,
      importVerdict: record.import.verdict,
      exportVerdict: record.export.verdict,
      json,
    });
  const saveWithJson = (result: Classification, now = new Date()) => {
    const record: ClassificationRecord = { id: newRecordId(), createdAt: now.toISOString(), ...result };
    const json = JSON.stringify(record);
    insertRecord(record, json);
    return { record, json };
  };
  type Pending = { record: ClassificationRecord; json: string; resolve: (v: { record: ClassificationRecord; json: string }) => void; reject: (e: unknown) => void };
  let pending: Pending[] = [];
  const insertAll = db.transaction((items: Pending[]) => {
    for (const { record, json } of items) insertRecord(record, json);
  });
  const flush = () => {
    const items = pending;
    pending = [];
    try {
      insertAll(items);
      for (const item of items) item.resolve({ record: item.record, json: item.json });
    } catch (err) {
      for (const item of items) item.reject(err);
    }
  };
  const saveSoon = (result: Classification, now = new Date()) =>
    new Promise<{ record: ClassificationRecord; json: string }>((resolve, reject) => {
      const record: ClassificationRecord = { id: newRecordId(), createdAt: now.toISOString(), ...result };
      if (pending.length === 0) setImmediate(flush);
      pending.push({ record, json: JSON.stringify(record), resolve, reject });
    });
  const getJson = (id: string) => (RECORD_ID.test(id) ? (select.get(id)?.result_json ?? null) : null);

  return {
    batches,
    saveWithJson,
    saveSoon,
    save: (result, now) => saveWithJson(result, now).record,
    getJson,
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
      db.close();
    },
  };
}
