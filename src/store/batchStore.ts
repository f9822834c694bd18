import type Database from "better-sqlite3";
import type { BulkRow, BulkSummary } from "../bulk/pipeline.ts";
import type { Verdict } from "../core/result.ts";
import type { ColumnMapping } from "../bulk/columns.ts";
import { addColumnIfMissing } from "./migrations.ts";

export type BatchStatus = "queued" | "running" | "done" | "failed" | "interrupted";

export interface BatchOptions {
  readonly encoding: string | null;
  readonly delimiter: string | null;
  readonly mapping: Partial<ColumnMapping>;
  readonly asOf: string;
  readonly lang: "en" | "zh";
  /** Set when the upload is an Excel workbook: which sheet to read (the first when null). */
  readonly workbook?: { readonly sheet: string | null } | null;
}

export interface Batch {
  readonly id: string;
  readonly createdAt: string;
  readonly fileName: string;
  readonly source: "upload" | "api";
  readonly status: BatchStatus;
  readonly options: BatchOptions;
  readonly totalBytes: number | null;
  readonly rowsDone: number;
  readonly errors: number;
  readonly bytesRead: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly header: string[] | null;
  readonly summary: BulkSummary | null;
  readonly message: string | null;
  /** Why a failed batch failed, as a key the pages translate (null for an unexpected error). */
  readonly failure: { readonly reason: string; readonly detail: string } | null;
  readonly editions: string | null;
  readonly engineVersion: string;
  /** The account that started it; null for the implicit local user or a batch older than accounts. */
  readonly createdBy: string | null;
}

/** A classified row as it is stored: the part of a bulk row the batch pages list and filter. */
export interface NewRow extends Omit<BulkRow, "verdict" | "answers"> {
  readonly importVerdict: Verdict | null;
  readonly importEntry: string | null;
  readonly exportVerdict: Verdict | null;
  readonly exportEntry: string | null;
}

/** A stored row, with the classification record made when its permalink was first opened. */
export interface StoredRow extends Omit<NewRow, "answersFor"> {
  readonly recordId: string | null;
}

/** Only what is stored: a bulk row's reasons and questions are in the result file, not the database. */
export function toNewRow(r: BulkRow): NewRow {
  const v = r.verdict;
  return {
    answersFor: r.answersFor,
    row: r.row,
    line: r.line,
    sku: r.sku,
    description: r.description,
    hsCode: r.hsCode,
    asOf: r.asOf,
    importVerdict: v?.importVerdict ?? null,
    importEntry: v?.importEntry ?? null,
    exportVerdict: v?.exportVerdict ?? null,
    exportEntry: v?.exportEntry ?? null,
    error: r.error,
  };
}

export interface RowFilter {
  readonly direction?: "import" | "export";
  readonly verdict?: string;
  readonly errorsOnly?: boolean;
  readonly offset: number;
  readonly limit: number;
}

export interface BatchStore {
  create(batch: Pick<Batch, "id" | "fileName" | "source" | "options" | "totalBytes" | "editions" | "engineVersion">, now: Date, by?: string | null): Batch;
  get(id: string): Batch | null;
  /** The newest batches, without header and summary (null here: `get` has them). */
  list(limit: number): Batch[];
  /** Every batch's id, status and creation time: what the batch folder's sweep needs. */
  fileStates(): { id: string; status: BatchStatus; createdAt: string }[];
  markRunning(id: string, now: Date): void;
  progress(id: string, p: { rowsDone: number; errors: number; bytesRead: number; header?: string[] }): void;
  finish(id: string, summary: BulkSummary, now: Date): void;
  fail(id: string, message: string, now: Date, failure?: { reason: string; detail: string }): void;
  /** At start-up: whatever was running when the process died is marked interrupted. */
  markInterrupted(): number;
  insertRows(id: string, rows: readonly NewRow[]): void;
  rows(id: string, filter: RowFilter): { rows: StoredRow[]; total: number };
  row(id: string, row: number): StoredRow | null;
  setRowRecord(id: string, row: number, recordId: string): void;
  /**
   * For a batch whose rows answer another batch's (a result file uploaded again): the batches it
   * answers, and how the rows that needed information there came out here, by direction.
   */
  answers(id: string): { batchId: string; resolved: Record<"import" | "export", { needsInfo: number; to: Record<string, number> }> }[];
  /** The batches that answer this one's rows. */
  answeredBy(id: string): string[];
}

export const BATCH_SCHEMA = `
  CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    file_name TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    options_json TEXT NOT NULL,
    total_bytes INTEGER,
    rows_done INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    bytes_read INTEGER NOT NULL DEFAULT 0,
    started_at TEXT,
    finished_at TEXT,
    header_json TEXT,
    summary_json TEXT,
    message TEXT,
    failure_json TEXT,
    editions TEXT,
    engine_version TEXT NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS batch_row_answers (
    batch_id TEXT NOT NULL,
    row INTEGER NOT NULL,
    answers_batch TEXT NOT NULL,
    answers_row INTEGER NOT NULL,
    PRIMARY KEY (batch_id, row)
  ) STRICT;
  CREATE INDEX IF NOT EXISTS batch_row_answers_of ON batch_row_answers (answers_batch);
  CREATE TABLE IF NOT EXISTS batch_rows (
    batch_id TEXT NOT NULL,
    row INTEGER NOT NULL,
    line INTEGER NOT NULL,
    sku TEXT,
    description TEXT,
    hs_code TEXT,
    as_of TEXT NOT NULL,
    import_verdict TEXT,
    import_entry TEXT,
    export_verdict TEXT,
    export_entry TEXT,
    error TEXT,
    record_id TEXT,
    PRIMARY KEY (batch_id, row)
  ) STRICT, WITHOUT ROWID;
`;

interface BatchRowDb {
  id: string;
  created_at: string;
  file_name: string;
  source: string;
  status: string;
  options_json: string;
  total_bytes: number | null;
  rows_done: number;
  errors: number;
  bytes_read: number;
  started_at: string | null;
  finished_at: string | null;
  header_json: string | null;
  summary_json: string | null;
  message: string | null;
  failure_json: string | null;
  editions: string | null;
  engine_version: string;
  created_by?: string | null;
}

const toBatch = (r: BatchRowDb): Batch => ({
  id: r.id,
  createdAt: r.created_at,
  fileName: r.file_name,
  source: r.source as Batch["source"],
  status: r.status as BatchStatus,
  options: JSON.parse(r.options_json) as BatchOptions,
  totalBytes: r.total_bytes,
  rowsDone: r.rows_done,
  errors: r.errors,
  bytesRead: r.bytes_read,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  header: r.header_json ? (JSON.parse(r.header_json) as string[]) : null,
  summary: r.summary_json ? (JSON.parse(r.summary_json) as BulkSummary) : null,
  message: r.message,
  failure: r.failure_json ? (JSON.parse(r.failure_json) as Batch["failure"]) : null,
  editions: r.editions,
  engineVersion: r.engine_version,
  createdBy: r.created_by ?? null,
});

const ROW_COLUMNS = `row, line, sku, description, hs_code AS hsCode, as_of AS asOf, import_verdict AS importVerdict, import_entry AS importEntry,
  export_verdict AS exportVerdict, export_entry AS exportEntry, error, record_id AS recordId`;

export function batchStore(db: Database.Database): BatchStore {
  db.exec(BATCH_SCHEMA);
  addColumnIfMissing(db, "batches", "created_by", "TEXT");
  const insertBatch = db.prepare(
    `INSERT INTO batches (id, created_at, file_name, source, status, options_json, total_bytes, editions, engine_version, created_by)
     VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)`,
  );
  const selectBatch = db.prepare<[string], BatchRowDb>("SELECT * FROM batches WHERE id = ?");
  // The list shows neither header nor summary: reading them would make the page's cost grow with the files' widths.
  const selectBatches = db.prepare<[number], BatchRowDb>(
    `SELECT id, created_at, file_name, source, status, options_json, total_bytes, rows_done, errors, bytes_read, started_at, finished_at,
       NULL AS header_json, NULL AS summary_json, message, failure_json, editions, engine_version, created_by
     FROM batches ORDER BY created_at DESC LIMIT ?`,
  );
  const selectFileStates = db.prepare<[], { id: string; status: BatchStatus; createdAt: string }>(
    "SELECT id, status, created_at AS createdAt FROM batches",
  );
  const setRunning = db.prepare("UPDATE batches SET status = 'running', started_at = ? WHERE id = ?");
  const setProgress = db.prepare("UPDATE batches SET rows_done = ?, errors = ?, bytes_read = ?, header_json = COALESCE(?, header_json) WHERE id = ?");
  const setDone = db.prepare(
    "UPDATE batches SET status = 'done', finished_at = ?, rows_done = ?, errors = ?, bytes_read = ?, header_json = ?, summary_json = ? WHERE id = ?",
  );
  const setFailed = db.prepare("UPDATE batches SET status = 'failed', finished_at = ?, message = ?, failure_json = ? WHERE id = ?");
  const setInterrupted = db.prepare(
    "UPDATE batches SET status = 'interrupted', message = 'The server stopped while this batch was running.' WHERE status IN ('queued', 'running')",
  );
  // Positional parameters: a third faster to bind than named ones, on a path that stores millions of rows.
  const insertRow = db.prepare(
    `INSERT OR REPLACE INTO batch_rows (batch_id, row, line, sku, description, hs_code, as_of, import_verdict, import_entry, export_verdict, export_entry, error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAnswer = db.prepare("INSERT OR IGNORE INTO batch_row_answers (batch_id, row, answers_batch, answers_row) VALUES (?, ?, ?, ?)");
  const insertRows = db.transaction((batchId: string, rows: readonly NewRow[]) => {
    for (const r of rows) {
      insertRow.run(batchId, r.row, r.line, r.sku, r.description, r.hsCode, r.asOf, r.importVerdict, r.importEntry, r.exportVerdict, r.exportEntry, r.error);
      if (r.answersFor && r.answersFor.batchId !== batchId) insertAnswer.run(batchId, r.row, r.answersFor.batchId, r.answersFor.row);
    }
  });
  const resolvedRows = (direction: "import" | "export") =>
    db.prepare<[string], { answers_batch: string; after: string | null; n: number }>(
      `SELECT a.answers_batch, n.${direction}_verdict AS after, count(*) AS n
         FROM batch_row_answers a
         JOIN batch_rows n ON n.batch_id = a.batch_id AND n.row = a.row
         JOIN batch_rows o ON o.batch_id = a.answers_batch AND o.row = a.answers_row
        WHERE a.batch_id = ? AND o.${direction}_verdict = 'needs_info'
        GROUP BY a.answers_batch, n.${direction}_verdict`,
    );
  const resolvedImport = resolvedRows("import");
  const resolvedExport = resolvedRows("export");
  const selectAnswered = db.prepare<[string], { answers_batch: string }>("SELECT DISTINCT answers_batch FROM batch_row_answers WHERE batch_id = ? ORDER BY answers_batch");
  const selectAnsweredBy = db.prepare<[string], { batch_id: string }>("SELECT DISTINCT batch_id FROM batch_row_answers WHERE answers_batch = ? ORDER BY batch_id");
  const selectRow = db.prepare<[string, number], StoredRow>(`SELECT ${ROW_COLUMNS} FROM batch_rows WHERE batch_id = ? AND row = ?`);
  const updateRowRecord = db.prepare("UPDATE batch_rows SET record_id = ? WHERE batch_id = ? AND row = ?");

  return {
    create(b, now, by = null) {
      insertBatch.run(b.id, now.toISOString(), b.fileName, b.source, JSON.stringify(b.options), b.totalBytes, b.editions, b.engineVersion, by);
      return toBatch(selectBatch.get(b.id) as BatchRowDb);
    },
    get(id) {
      const r = selectBatch.get(id);
      return r ? toBatch(r) : null;
    },
    list(limit) {
      return selectBatches.all(limit).map(toBatch);
    },
    fileStates() {
      return selectFileStates.all();
    },
    markRunning(id, now) {
      setRunning.run(now.toISOString(), id);
    },
    progress(id, p) {
      setProgress.run(p.rowsDone, p.errors, p.bytesRead, p.header ? JSON.stringify(p.header) : null, id);
    },
    finish(id, summary, now) {
      setDone.run(now.toISOString(), summary.rows, summary.errors, summary.bytesRead, JSON.stringify(summary.header), JSON.stringify(summary), id);
    },
    fail(id, message, now, failure) {
      setFailed.run(now.toISOString(), message, failure ? JSON.stringify(failure) : null, id);
    },
    markInterrupted() {
      return setInterrupted.run().changes;
    },
    insertRows(id, rows) {
      insertRows(id, rows);
    },
    answers(id) {
      const found = new Map<string, { batchId: string; resolved: Record<"import" | "export", { needsInfo: number; to: Record<string, number> }> }>();
      for (const { answers_batch } of selectAnswered.all(id)) {
        found.set(answers_batch, { batchId: answers_batch, resolved: { import: { needsInfo: 0, to: {} }, export: { needsInfo: 0, to: {} } } });
      }
      for (const [direction, query] of [["import", resolvedImport], ["export", resolvedExport]] as const) {
        for (const r of query.all(id)) {
          const entry = found.get(r.answers_batch);
          if (!entry) continue;
          entry.resolved[direction].needsInfo += r.n;
          entry.resolved[direction].to[r.after ?? "error"] = r.n;
        }
      }
      return [...found.values()];
    },
    answeredBy: (id) => selectAnsweredBy.all(id).map((r) => r.batch_id),
    rows(id, filter) {
      const where = ["batch_id = ?"];
      const params: (string | number)[] = [id];
      if (filter.errorsOnly) where.push("error IS NOT NULL");
      if (filter.verdict) {
        const column = filter.direction === "import" ? "import_verdict" : filter.direction === "export" ? "export_verdict" : null;
        if (column) {
          where.push(`${column} = ?`);
          params.push(filter.verdict);
        } else {
          where.push("(import_verdict = ? OR export_verdict = ?)");
          params.push(filter.verdict, filter.verdict);
        }
      }
      const clause = where.join(" AND ");
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM batch_rows WHERE ${clause}`).get(...params) as { n: number }).n;
      const rows = db
        .prepare(`SELECT ${ROW_COLUMNS} FROM batch_rows WHERE ${clause} ORDER BY row LIMIT ? OFFSET ?`)
        .all(...params, filter.limit, filter.offset) as StoredRow[];
      return { rows, total };
    },
    row(id, row) {
      return selectRow.get(id, row) ?? null;
    },
    setRowRecord(id, row, recordId) {
      updateRowRecord.run(recordId, id, row);
    },
  };
}
