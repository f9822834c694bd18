import fs from "node:fs";
import type { Readable, Writable } from "node:stream";
import { type BatchOptions, type NewRow, toNewRow } from "../store/batchStore.ts";
import type { CsvDelimiter, CsvEncoding } from "./detect.ts";
import { BulkInputError, type BulkRow, type ClassifyMany, type ColumnNames, runBulk } from "./pipeline.ts";
import { XlsxInputError, xlsxAsCsv } from "./xlsx.ts";
import type { Lang } from "./rowVerdict.ts";

/** What a server batch needs to know to run. */
export interface BatchSpec {
  readonly batchId: string;
  readonly options: BatchOptions;
  readonly format: "csv" | "ndjson";
  /** The site's address, for each row's permalink. */
  readonly permalinkBase: string;
  readonly columnNames?: ColumnNames | undefined;
  /** Columns a record may have (the pipeline's default when unset). */
  readonly maxColumns?: number | undefined;
}

/** What a running batch reports, in order: the header once, then rows and progress chunk by chunk. */
export type BatchEvent =
  | { readonly kind: "header"; readonly header: string[] }
  | { readonly kind: "rows"; readonly rows: NewRow[] }
  | { readonly kind: "progress"; readonly rows: number; readonly errors: number; readonly bytesRead: number };

/** A file on disk (an upload, a result), or a stream the caller holds (a request, a response). */
export type BatchSource = Readable | { readonly file: string };
export type BatchSink = Writable | { readonly file: string };

/**
 * A batch stopped for a reason other than its file: the reason is a key the pages translate, the
 * message is kept for the log and the API.
 */
export class BatchStoppedError extends Error {
  constructor(
    readonly reason: "threadStopped" | "notStored" | "clientGone",
    message: string,
    readonly detail = "",
  ) {
    super(message);
  }
}

export const isFile = (x: BatchSource | BatchSink): x is { readonly file: string } => "file" in x && typeof x.file === "string";

/**
 * The pipeline as a server batch runs it. The classified rows are reported, chunk by chunk, for the
 * caller to store: all writes to the database stay on one thread, so none waits for another's lock.
 */
export function runServerBatch(
  spec: BatchSpec,
  source: BatchSource,
  sink: BatchSink,
  classifyMany: (lang: Lang) => ClassifyMany,
  /** A promise returned for rows holds the pipeline until it settles (flow control). */
  onEvent: (event: BatchEvent) => void | Promise<void>,
  /** The reviewed decision on a row's model, for the result's precedent column. */
  precedentFor?: (row: BulkRow) => string,
) {
  const raw = isFile(source) ? fs.createReadStream(source.file) : source;
  const output = isFile(sink) ? fs.createWriteStream(sink.file) : sink;
  const { options } = spec;
  // A workbook is read as CSV; its text may inflate to some 16 times the file, no more (a zip bomb stops there).
  const sourceBytes = isFile(source) ? (fs.statSync(source.file, { throwIfNoEntry: false })?.size ?? 0) : 0;
  const input = options.workbook
    ? xlsxAsCsv(raw, { sheet: options.workbook.sheet ?? undefined, maxChars: Math.max(16 * sourceBytes, 64 * 1024 * 1024) })
    : Promise.resolve(raw);
  return input.then((input) => runBulk({
    input,
    output,
    format: spec.format,
    encoding: options.workbook ? "utf-8" : ((options.encoding as CsvEncoding | null) ?? undefined),
    delimiter: options.workbook ? "," : ((options.delimiter as CsvDelimiter | null) ?? undefined),
    mapping: options.mapping,
    columnNames: spec.columnNames,
    maxColumns: spec.maxColumns,
    asOf: options.asOf,
    classifyMany: classifyMany(options.lang),
    lang: options.lang,
    chunkSize: 100,
    maxInFlight: 6,
    // Pause between chunks so the requests this thread also answers are not kept waiting.
    yieldBetweenChunks: true,
    permalinkFor: (row) => `${spec.permalinkBase}/b/${spec.batchId}/rows/${row}`,
    ...(precedentFor ? { precedentFor } : {}),
    onHeader: ({ header }) => onEvent({ kind: "header", header }),
    // Slimmed to what is stored.
    onRows: (rows) => onEvent({ kind: "rows", rows: rows.map(toNewRow) }),
    onProgress: (p) => onEvent({ kind: "progress", rows: p.rows, errors: p.errors, bytesRead: p.bytesRead }),
  })).catch((err: unknown) => {
    if (isFile(sink)) output.destroy();
    if (isFile(source)) raw.destroy();
    throw err instanceof XlsxInputError ? BulkInputError.ofWorkbook(err) : err;
  });
}
