import type Database from "better-sqlite3";
import type { Verdict } from "../core/result.ts";

/** One direction of an item as it was stored, or as it comes out now. */
export interface DirectionState {
  readonly verdict: Verdict | null;
  readonly entry: string | null;
  readonly edition: string | null;
}

/** How one direction of a changed item moved, and the new result's deciding reason. */
export interface DirectionChange {
  readonly direction: "import" | "export";
  readonly old: DirectionState;
  readonly new: DirectionState;
  /** True when the verdict or the entry differs (an edition alone is not a change of outcome). */
  readonly changed: boolean;
  readonly reason: { readonly en: string; readonly zh: string };
}

/** A stored classification, or a row of a batch, whose verdict or entry would change today. */
export interface RecheckItem {
  readonly recheckId: string;
  readonly seq: number;
  readonly kind: "record" | "batch_row";
  /** The record re-checked, or the batch its row belongs to. */
  readonly oldId: string;
  /** The row number within the batch (batch rows only). */
  readonly row: number | null;
  readonly newId: string;
  readonly reviewed: boolean;
  /** The item's text as given (description, else HS code), cut to a few hundred characters. */
  readonly text: string;
  readonly changes: DirectionChange[];
}

export type RecheckStatus = "running" | "done" | "failed";

export interface Recheck {
  readonly id: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: RecheckStatus;
  /** sha256 of the list data and the engine version the run classified with. */
  readonly fingerprint: string;
  readonly engineVersion: string;
  /** The date the editions in force were chosen for. */
  readonly asOf: string;
  readonly editions: string;
  readonly checked: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly failed: number;
}

/** A stored classification row, as the re-check reads it. */
export interface RecordToCheck {
  readonly seq: number;
  readonly id: string;
  readonly json: string;
}

/** A stored batch row, as the re-check reads it: only verdict summaries and the original text are kept. */
export interface BatchRowToCheck {
  readonly batchId: string;
  readonly row: number;
  readonly description: string | null;
  readonly hsCode: string | null;
  readonly importVerdict: Verdict | null;
  readonly importEntry: string | null;
  readonly exportVerdict: Verdict | null;
  readonly exportEntry: string | null;
  /** The editions the batch was classified under ("import-2021,export-2024"). */
  readonly editions: string | null;
}

export interface RecheckStore {
  /**
   * Records a new run, unless another is running (on this database, from any process): false then. A run
   * that has not reported progress for `staleAfterMs` died with its process, and is marked failed.
   */
  start(run: Pick<Recheck, "id" | "fingerprint" | "engineVersion" | "asOf" | "editions">, now: Date, staleAfterMs?: number): boolean;
  /** The counts so far, after each chunk: the pages show them, and they tell a live run from a dead one. */
  progress(id: string, counts: Pick<Recheck, "checked" | "changed" | "unchanged" | "failed">, now: Date): void;
  finish(id: string, counts: Pick<Recheck, "checked" | "changed" | "unchanged" | "failed">, now: Date, status?: RecheckStatus): void;
  get(id: string): Recheck | null;
  /** The newest runs first. */
  list(limit: number): Recheck[];
  /** The newest run that finished: its fingerprint says whether the data changed since. */
  lastFinished(): Recheck | null;
  /** The highest record sequence number now: records made after it (by this run or anyone) are not re-checked. */
  lastRecordSeq(): number;
  /**
   * Calls `each` for the records after `afterSeq` (up to `maxSeq`), at most `limit` of them, oldest first,
   * leaving out those already re-checked into a newer record. Streams: nothing may write while it runs.
   */
  eachRecord(afterSeq: number, maxSeq: number, limit: number, each: (r: RecordToCheck) => void): void;
  /** The same for batch rows after a (batch, row) position, leaving out rows with an error, a record of their own or a newer record. */
  eachBatchRow(after: { batchId: string; row: number }, limit: number, each: (r: BatchRowToCheck) => void): void;
  /** Runs the writes of one chunk in one transaction. */
  write(fn: () => void): void;
  /** Links a new record to the record it re-checks, and stores the item. */
  addItem(item: RecheckItem, now: Date): void;
  items(recheckId: string, page: { offset: number; limit: number }): RecheckItem[];
  /** The newest re-check that made a newer record of this one, if any. */
  recheckedInto(oldId: string): RecheckItem | null;
  /** The re-check that made this record, if it was made by one. */
  recheckOf(newId: string): RecheckItem | null;
}

export const RECHECK_SCHEMA = `
  CREATE TABLE IF NOT EXISTS rechecks (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    updated_at TEXT NOT NULL,
    status TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    as_of TEXT NOT NULL,
    editions TEXT NOT NULL,
    checked INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX IF NOT EXISTS rechecks_started ON rechecks (started_at);
  CREATE TABLE IF NOT EXISTS recheck_links (
    new_id TEXT PRIMARY KEY,
    old_id TEXT NOT NULL,
    recheck_id TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS recheck_links_old ON recheck_links (old_id, created_at);
  CREATE TABLE IF NOT EXISTS recheck_row_links (
    batch_id TEXT NOT NULL,
    row INTEGER NOT NULL,
    new_id TEXT NOT NULL,
    recheck_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (batch_id, row)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS recheck_items (
    recheck_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    old_id TEXT NOT NULL,
    row INTEGER,
    new_id TEXT NOT NULL,
    reviewed INTEGER NOT NULL,
    text TEXT NOT NULL,
    changes_json TEXT NOT NULL,
    PRIMARY KEY (recheck_id, seq)
  ) STRICT;
  CREATE INDEX IF NOT EXISTS recheck_items_order ON recheck_items (recheck_id, reviewed DESC, seq);
  CREATE INDEX IF NOT EXISTS recheck_items_new ON recheck_items (new_id);
`;

interface RecheckDb {
  id: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  fingerprint: string;
  engine_version: string;
  as_of: string;
  editions: string;
  checked: number;
  changed: number;
  unchanged: number;
  failed: number;
}

interface ItemDb {
  recheck_id: string;
  seq: number;
  kind: string;
  old_id: string;
  row: number | null;
  new_id: string;
  reviewed: number;
  text: string;
  changes_json: string;
}

const toRecheck = (r: RecheckDb): Recheck => ({
  id: r.id,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  status: r.status as RecheckStatus,
  fingerprint: r.fingerprint,
  engineVersion: r.engine_version,
  asOf: r.as_of,
  editions: r.editions,
  checked: r.checked,
  changed: r.changed,
  unchanged: r.unchanged,
  failed: r.failed,
});

const toItem = (r: ItemDb): RecheckItem => ({
  recheckId: r.recheck_id,
  seq: r.seq,
  kind: r.kind as RecheckItem["kind"],
  oldId: r.old_id,
  row: r.row,
  newId: r.new_id,
  reviewed: r.reviewed === 1,
  text: r.text,
  changes: JSON.parse(r.changes_json) as DirectionChange[],
});

/** Re-check runs, their changed items and the links from each new record to the one it re-checks. */
export function recheckStore(db: Database.Database): RecheckStore {
  db.exec(RECHECK_SCHEMA);
  const insertRun = db.prepare(
    "INSERT INTO rechecks (id, started_at, updated_at, status, fingerprint, engine_version, as_of, editions) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
  );
  const selectLive = db.prepare<[string], { id: string }>("SELECT id FROM rechecks WHERE status = 'running' AND updated_at >= ? LIMIT 1");
  const failStale = db.prepare("UPDATE rechecks SET status = 'failed', finished_at = updated_at WHERE status = 'running'");
  const setProgress = db.prepare("UPDATE rechecks SET updated_at = ?, checked = ?, changed = ?, unchanged = ?, failed = ? WHERE id = ?");
  const startRun = db.transaction((run: Pick<Recheck, "id" | "fingerprint" | "engineVersion" | "asOf" | "editions">, now: Date, staleAfterMs: number) => {
    if (selectLive.get(new Date(now.getTime() - staleAfterMs).toISOString())) return false;
    failStale.run();
    insertRun.run(run.id, now.toISOString(), now.toISOString(), run.fingerprint, run.engineVersion, run.asOf, run.editions);
    return true;
  });
  const finishRun = db.prepare("UPDATE rechecks SET finished_at = ?, updated_at = ?, status = ?, checked = ?, changed = ?, unchanged = ?, failed = ? WHERE id = ?");
  const selectRun = db.prepare<[string], RecheckDb>("SELECT * FROM rechecks WHERE id = ?");
  const selectRuns = db.prepare<[number], RecheckDb>("SELECT * FROM rechecks ORDER BY started_at DESC, rowid DESC LIMIT ?");
  const selectLastFinished = db.prepare<[], RecheckDb>("SELECT * FROM rechecks WHERE status = 'done' ORDER BY started_at DESC, rowid DESC LIMIT 1");
  const selectMaxSeq = db.prepare<[], { seq: number | null }>("SELECT max(rowid) AS seq FROM classifications");
  // The rowid orders records as they were stored, and pages through them without an offset.
  const selectRecords = db.prepare<[number, number, number], RecordToCheck>(
    `SELECT c.rowid AS seq, c.id AS id, c.result_json AS json FROM classifications c
      WHERE c.rowid > ? AND c.rowid <= ? AND NOT EXISTS (SELECT 1 FROM recheck_links l WHERE l.old_id = c.id)
      ORDER BY c.rowid LIMIT ?`,
  );
  // Rows of a batch still running are left for the next re-check; a row whose permalink made a record is re-checked as that record.
  const selectRows = db.prepare<[string, number, number], BatchRowToCheck>(
    `SELECT r.batch_id AS batchId, r.row AS row, r.description AS description, r.hs_code AS hsCode,
            r.import_verdict AS importVerdict, r.import_entry AS importEntry, r.export_verdict AS exportVerdict, r.export_entry AS exportEntry,
            b.editions AS editions
       FROM batch_rows r JOIN batches b ON b.id = r.batch_id
      WHERE (r.batch_id, r.row) > (?, ?) AND r.error IS NULL AND r.record_id IS NULL AND b.status NOT IN ('queued', 'running')
        AND NOT EXISTS (SELECT 1 FROM recheck_row_links l WHERE l.batch_id = r.batch_id AND l.row = r.row)
      ORDER BY r.batch_id, r.row LIMIT ?`,
  );
  const insertLink = db.prepare("INSERT INTO recheck_links (new_id, old_id, recheck_id, created_at) VALUES (?, ?, ?, ?)");
  const insertRowLink = db.prepare("INSERT INTO recheck_row_links (batch_id, row, new_id, recheck_id, created_at) VALUES (?, ?, ?, ?, ?)");
  const insertItem = db.prepare(
    "INSERT INTO recheck_items (recheck_id, seq, kind, old_id, row, new_id, reviewed, text, changes_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const selectItems = db.prepare<[string, number, number], ItemDb>(
    "SELECT * FROM recheck_items WHERE recheck_id = ? ORDER BY reviewed DESC, seq LIMIT ? OFFSET ?",
  );
  const selectInto = db.prepare<[string], ItemDb>(
    `SELECT i.* FROM recheck_links l JOIN recheck_items i ON i.new_id = l.new_id
      WHERE l.old_id = ? ORDER BY l.created_at DESC LIMIT 1`,
  );
  const selectOf = db.prepare<[string], ItemDb>("SELECT * FROM recheck_items WHERE new_id = ? LIMIT 1");
  const inTransaction = db.transaction((fn: () => void) => fn());

  return {
    start(run, now, staleAfterMs = 10 * 60_000) {
      // Immediate: two processes starting at once cannot both see no run going.
      return startRun.immediate(run, now, staleAfterMs);
    },
    progress(id, c, now) {
      setProgress.run(now.toISOString(), c.checked, c.changed, c.unchanged, c.failed, id);
    },
    finish(id, c, now, status = "done") {
      finishRun.run(now.toISOString(), now.toISOString(), status, c.checked, c.changed, c.unchanged, c.failed, id);
    },
    get(id) {
      const r = selectRun.get(id);
      return r ? toRecheck(r) : null;
    },
    list: (limit) => selectRuns.all(limit).map(toRecheck),
    lastFinished() {
      const r = selectLastFinished.get();
      return r ? toRecheck(r) : null;
    },
    lastRecordSeq: () => selectMaxSeq.get()?.seq ?? 0,
    eachRecord(afterSeq, maxSeq, limit, each) {
      for (const r of selectRecords.iterate(afterSeq, maxSeq, limit)) each(r);
    },
    eachBatchRow(after, limit, each) {
      for (const r of selectRows.iterate(after.batchId, after.row, limit)) each(r);
    },
    write(fn) {
      inTransaction(fn);
    },
    addItem(item, now) {
      const at = now.toISOString();
      if (item.kind === "record") insertLink.run(item.newId, item.oldId, item.recheckId, at);
      else insertRowLink.run(item.oldId, item.row, item.newId, item.recheckId, at);
      insertItem.run(item.recheckId, item.seq, item.kind, item.oldId, item.row, item.newId, item.reviewed ? 1 : 0, item.text, JSON.stringify(item.changes));
    },
    items: (recheckId, page) => selectItems.all(recheckId, page.limit, page.offset).map(toItem),
    recheckedInto(oldId) {
      const r = selectInto.get(oldId);
      return r ? toItem(r) : null;
    },
    recheckOf(newId) {
      const r = selectOf.get(newId);
      return r ? toItem(r) : null;
    },
  };
}
