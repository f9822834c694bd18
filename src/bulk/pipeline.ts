import { type Answers, QUESTION_IDS, QUESTION_KINDS, type QuestionId } from "../core/questions.ts";
import { Readable, type Writable } from "node:stream";
import { parse, type CsvError } from "csv-parse";
import type { Verdict } from "../core/result.ts";
import { DEFAULT_MAX_COLUMNS, MAX_DESCRIPTION_LENGTH, MAX_RECORD_CHARS } from "../core/limits.ts";
import { type ColumnMapping, detectColumns, looksHeaderless } from "./columns.ts";
import { safeCsv, safeCsvCell } from "./csvSafety.ts";
import { XlsxInputError, XlsxResultWriter } from "./xlsx.ts";
import { type CsvDelimiter, type CsvEncoding, decodeSample, decodeStream, detectDelimiter, detectEncoding } from "./detect.ts";
import { RecordGuard, detectRecordDelimiter } from "./recordGuard.ts";

/**
 * One streaming pipeline for the CLI, the API and the browser upload:
 * read → decode → parse CSV → map columns → classify (in chunks, possibly on worker threads) → write.
 * Nothing holds more than a few chunks of rows, whatever the size of the file.
 */

/** A column per question a row may leave open, for the user to fill and upload again (named answer_<id> or 答复_<id>). */
export const ANSWER_COLUMNS = QUESTION_IDS.map((id) => `answer_${id}`);

export const RESULT_COLUMNS = [
  "import_verdict",
  "import_entry",
  "export_verdict",
  "export_entry",
  "missing",
  "reasons",
  "permalink",
  "error",
  // The ids of the questions open on the row, then the answers the row was classified with (empty to fill).
  "open_questions",
  ...ANSWER_COLUMNS,
] as const;

export interface RowInput {
  readonly description?: string | undefined;
  readonly hsCode?: string | undefined;
  readonly asOf: string;
  /** Answers from the row's answer columns. */
  readonly answers?: Answers | undefined;
}

/** The part of a classification a bulk row carries. */
export interface RowVerdict {
  readonly importVerdict: Verdict;
  readonly importEntry: string | null;
  readonly exportVerdict: Verdict;
  readonly exportEntry: string | null;
  readonly missing: string[];
  readonly reasons: string[];
  /** The ids of the questions still open on the row (either direction). */
  readonly questions: QuestionId[];
  /** How the row was read, step by step: only when the run asks for a trace. */
  readonly trace?: string[];
}

/**
 * A row the engine failed on (a fault, never a verdict): it is reported in that row's error column,
 * beside the good rows, rather than stopping the batch.
 */
export interface RowFailure {
  readonly failed: string;
}

export type ClassifyMany = (rows: RowInput[]) => Promise<(RowVerdict | RowFailure)[]>;

/** Columns named by their header text: `{ description: "品名" }`. */
export type ColumnNames = Partial<Record<keyof ColumnMapping, string>>;

export interface BulkRow {
  /** 1-based data row (the header is row 0). */
  readonly row: number;
  /** Line of the file where the record starts. */
  readonly line: number;
  readonly sku: string | null;
  readonly description: string | null;
  readonly hsCode: string | null;
  readonly asOf: string;
  /** The answers the row gave in its answer columns, if any. */
  readonly answers: Answers | null;
  /** The batch row this one answers, read from the permalink of a result file uploaded again. */
  readonly answersFor: { readonly batchId: string; readonly row: number } | null;
  readonly verdict: RowVerdict | null;
  readonly error: string | null;
}

export interface BulkProgress {
  readonly rows: number;
  readonly errors: number;
  readonly bytesRead: number;
  readonly elapsedMs: number;
}

export interface BulkSummary extends BulkProgress {
  readonly encoding: CsvEncoding;
  readonly delimiter: CsvDelimiter;
  readonly header: string[];
  readonly mapping: ColumnMapping;
  readonly byVerdict: { import: Record<string, number>; export: Record<string, number> };
  readonly byEntry: { import: Record<string, number>; export: Record<string, number> };
}

export interface BulkOptions {
  readonly input: Readable;
  /** Where the result goes: a CSV (UTF-8 with BOM by default) or JSON lines. */
  readonly output?: Writable;
  readonly format?: "csv" | "ndjson" | "xlsx";
  readonly bom?: boolean;
  readonly encoding?: CsvEncoding;
  readonly delimiter?: CsvDelimiter;
  /** Overrides of the detected columns, by index into the header… */
  readonly mapping?: Partial<ColumnMapping>;
  /** …or by header name (case and spaces ignored), for callers that do not know the indexes yet. */
  readonly columnNames?: ColumnNames;
  /** The date for rows without an as-of column (YYYY-MM-DD). */
  readonly asOf: string;
  readonly classifyMany: ClassifyMany;
  readonly permalinkFor?: (row: number) => string;
  /** The language of the answer columns' headings: answer_<id> in English, 答复_<id> in Chinese (both are read back). */
  readonly lang?: "en" | "zh";
  /** Adds a "trace" column: how each row was read (the verdicts must come with their trace). */
  readonly trace?: boolean;
  /**
   * Adds a "precedent" column: the reviewed decision on the row's model, if one was made, and
   * whether the row's result agrees with it (server batches, which have the reviews).
   */
  readonly precedentFor?: (row: BulkRow) => string;
  /** Each chunk of rows once written; a promise returned holds the pipeline until it settles. */
  readonly onRows?: (rows: BulkRow[]) => void | Promise<void>;
  readonly onProgress?: (progress: BulkProgress) => void;
  readonly onHeader?: (info: { header: string[]; mapping: ColumnMapping; encoding: CsvEncoding; delimiter: CsvDelimiter }) => void;
  readonly signal?: AbortSignal;
  /** Rows per classification chunk, and how many chunks may be classified at once. */
  readonly chunkSize?: number;
  readonly maxInFlight?: number;
  /** Let other work on this thread (a web server's requests) run between chunks. */
  readonly yieldBetweenChunks?: boolean;
  /** Columns a record may have (DEFAULT_MAX_COLUMNS): a wider header fails the file, a wider row is reported. */
  readonly maxColumns?: number;
}

/** A CSV that cannot be read at all (not a parse error in one row: those become error rows). */
export class BulkInputError extends Error {
  constructor(
    /** Why, as a key the pages translate; `detail` is the column name or the reader's own words. */
    readonly reason: "noColumn" | "noRecognisedColumn" | "unreadable" | "empty" | "tooManyColumns" | `workbook.${XlsxInputError["reason"]}`,
    message: string,
    readonly detail = "",
  ) {
    super(message);
  }

  /** A workbook that cannot be read, under its own translated reason (the pages' batch.failure.workbook.*). */
  static ofWorkbook(err: XlsxInputError): BulkInputError {
    return new BulkInputError(`workbook.${err.reason}`, err.message, err.message);
  }
}

const SAMPLE_BYTES = 64 * 1024;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const HS_TEXT = /^[\d\s.\-_]{2,32}$/;

export async function runBulk(options: BulkOptions): Promise<BulkSummary> {
  const started = Date.now();
  // Where the answer goes can fail or close under us (a client gone) at any moment, even while the
  // input is still being sampled: remember it, and stop at the next write rather than wait for a
  // "drain" that will never come. Unheard, the error would end the process (or the batch thread).
  let outputError: Error | null = null;
  options.output?.on("error", (err: Error) => (outputError ??= err));
  const { sample, rest } = await peek(options.input, SAMPLE_BYTES);
  const encoding = options.encoding ?? detectEncoding(sample);
  const sampleText = decodeSample(sample, encoding);
  const delimiter = options.delimiter ?? detectDelimiter(sampleText);
  const recordDelimiter = detectRecordDelimiter(sampleText);

  let bytesRead = sample.length;
  const source = Readable.from(
    (async function* () {
      if (sample.length > 0) yield sample;
      for await (const chunk of rest) {
        bytesRead += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    })(),
  );
  const decoder = decodeStream(encoding);
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const guard = new RecordGuard(delimiter, recordDelimiter, MAX_RECORD_CHARS, maxColumns);
  const skipped: { line: number; message: string; raw: string }[] = [];
  const parser = parse({
    delimiter,
    record_delimiter: recordDelimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    raw: true,
    on_skip: (err: CsvError | undefined, raw?: string) => {
      const { line, rest } = takeLineNumber(raw ?? "", delimiter);
      skipped.push({ line, message: (err?.message ?? "unreadable row").replace(/ on line \d+/, ""), raw: rest });
    },
  });
  source.on("error", (err) => parser.destroy(err));
  decoder.on("error", (err: Error) => parser.destroy(err));
  guard.on("error", (err: Error) => parser.destroy(err));
  source.pipe(decoder).pipe(guard).pipe(parser);
  // A failure that lands between two reads (the input destroyed while a chunk is being classified)
  // is picked up by the next read, from parser.errored; heard here so it cannot go uncaught.
  parser.on("error", () => {});

  const format = options.format ?? "csv";
  const xlsx = format === "xlsx" && options.output ? await XlsxResultWriter.open(options.output) : null;
  const chunkSize = options.chunkSize ?? 1000;
  const maxInFlight = options.maxInFlight ?? 8;
  const out = options.output;
  // process.stdout is never ended by us, so only a real file or response is waited for.
  const ownsOutput = out !== undefined && out !== process.stdout;
  const outFinished = ownsOutput
    ? new Promise<void>((resolve) => out.once("finish", () => resolve()).once("close", () => resolve()))
    : Promise.resolve();
  const outputGone = () => outputError ?? new Error("The output was closed before the end.");
  const drained = (stream: Writable) =>
    new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        stream.off("drain", onDrain).off("close", onClose).off("error", settle);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => settle();
      const onClose = () => settle(outputGone());
      stream.on("drain", onDrain).on("close", onClose).on("error", settle);
    });
  /** One write a chunk of rows: far fewer stream operations than a write a row. */
  const write = async (text: string) => {
    if (!out || text === "") return;
    if (outputError || out.destroyed) throw outputGone();
    if (!out.write(text)) await drained(out);
  };

  let header: string[] | null = null;
  let mapping: ColumnMapping | null = null;
  let answerColumns: AnswerColumn[] = [];
  let permalinkColumn = -1;
  let rowNumber = 0;
  let errors = 0;
  const byVerdict = { import: {} as Record<string, number>, export: {} as Record<string, number> };
  const byEntry = { import: {} as Record<string, number>, export: {} as Record<string, number> };
  const count = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);

  type Item = { cells: string[]; row: MutableRow };
  const inFlight: { items: Item[]; verdicts: Promise<(RowVerdict | RowFailure)[]> }[] = [];
  let chunk: Item[] = [];

  const resultCells = (row: BulkRow): string[] => {
    const v = row.verdict;
    return [
      v?.importVerdict ?? "",
      v?.importEntry ?? "",
      v?.exportVerdict ?? "",
      v?.exportEntry ?? "",
      v ? v.missing.join(" | ") : "",
      v ? v.reasons.join(" | ") : "",
      v && options.permalinkFor ? options.permalinkFor(row.row) : "",
      row.error ?? "",
      v ? v.questions.join(" ") : "",
      ...QUESTION_IDS.map((id) => answerCell(row.answers?.[id])),
      ...(options.precedentFor ? [v ? options.precedentFor(row) : ""] : []),
      ...(options.trace ? [v?.trace?.join(" | ") ?? ""] : []),
    ];
  };

  const emit = async (items: Item[]) => {
    const width = (header as string[]).length;
    const lines: string[][] = [];
    let text = "";
    for (const { cells, row } of items) {
      if (row.error) errors++;
      const v = row.verdict;
      if (v) {
        count(byVerdict.import, v.importVerdict);
        count(byVerdict.export, v.exportVerdict);
        if (v.importEntry) count(byEntry.import, v.importEntry);
        if (v.exportEntry) count(byEntry.export, v.exportEntry);
      }
      // Results always sit under their own headings; cells beyond the header's width (a ragged
      // row) follow them, so nothing the user sent is lost.
      if (xlsx) {
        const own = cells.length >= width ? cells.slice(0, width) : cells.concat(Array<string>(width - cells.length).fill(""));
        lines.push(own.concat(resultCells(row), cells.length > width ? cells.slice(width) : []));
      } else if (format === "csv") {
        // Written cell by cell, with no array of the whole line to build first.
        let line = safeCsvCell(cells[0] ?? "");
        for (let i = 1; i < width; i++) line += `,${safeCsvCell(cells[i] ?? "")}`;
        for (const result of resultCells(row)) line += `,${safeCsvCell(result)}`;
        for (let i = width; i < cells.length; i++) line += `,${safeCsvCell(cells[i] as string)}`;
        text += `${line}\n`;
      } else {
        text += `${JSON.stringify(ndjsonLine(row, cells, header as string[], options.permalinkFor, options.precedentFor))}\n`;
      }
    }
    if (xlsx) await xlsx.rows(lines);
    else await write(text);
    await options.onRows?.(items.map((i) => i.row));
    options.onProgress?.({ rows: rowNumber, errors, bytesRead, elapsedMs: Date.now() - started });
    if (options.yieldBetweenChunks) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  const drainOne = async () => {
    const head = inFlight.shift();
    if (!head) return;
    const verdicts = await head.verdicts;
    let k = 0;
    for (const item of head.items) {
      if (item.row.error !== null) continue;
      const v = verdicts[k++] ?? null;
      if (v !== null && "failed" in v) item.row.error = `line ${item.row.line}: the row could not be classified (${v.failed})`;
      else item.row.verdict = v;
    }
    await emit(head.items);
  };

  const flushChunk = async () => {
    if (chunk.length === 0) return;
    const items = chunk;
    chunk = [];
    const inputs: RowInput[] = [];
    for (const { row } of items)
      if (row.error === null) inputs.push({ description: row.description ?? undefined, hsCode: row.hsCode ?? undefined, asOf: row.asOf, ...(row.answers ? { answers: row.answers } : {}) });
    const verdicts = inputs.length > 0 ? options.classifyMany(inputs) : Promise.resolve([]);
    // Awaited in turn; a chunk behind one that failed is never awaited, and its failure is not news.
    verdicts.catch(() => {});
    inFlight.push({ items, verdicts });
    if (inFlight.length >= maxInFlight) await drainOne();
  };

  /** Rows the parser could not read, placed where they stood in the file. */
  const takeSkippedBefore = (line: number) => {
    while (skipped.length > 0 && (skipped[0] as { line: number }).line <= line) {
      const s = skipped.shift() as { line: number; message: string; raw: string };
      rowNumber++;
      chunk.push({
        cells: [s.raw.replace(/\r?\n$/, "").slice(0, 32_000)],
        row: errorRow(rowNumber, s.line, options.asOf, `line ${s.line}: the row could not be read as CSV (${s.message})`),
      });
    }
  };

  const takeHeader = async (cells: string[]) => {
    header = cells.map((c) => c.replace(/^\ufeff/, ""));
    const detected = detectColumns(header);
    const named: Partial<Record<keyof ColumnMapping, number | null>> = {};
    const key = (h: string) => h.trim().toLowerCase().replace(/\s+/g, " ");
    for (const [field, name] of Object.entries(options.columnNames ?? {})) {
      if (!name) continue;
      const index = header.findIndex((h) => key(h) === key(name));
      if (index < 0) throw new BulkInputError("noColumn", `No column named "${name.slice(0, 80)}" in the header row.`, name.slice(0, 80));
      named[field as keyof ColumnMapping] = index;
    }
    mapping = { ...detected, ...options.mapping, ...named };
    answerColumns = findAnswerColumns(header);
    // A result file uploaded again: its permalink column says which batch row each row answers.
    permalinkColumn = header.findIndex((h) => h.trim().toLowerCase() === "permalink");
    if (looksHeaderless(mapping)) {
      throw new BulkInputError(
        "noRecognisedColumn",
        "No description or HS code column found in the header row. Name a column description/品名/商品名称 or HS code/商品编码, or choose the columns.",
      );
    }
    options.onHeader?.({ header, mapping, encoding, delimiter });
    // Nothing is written before the header is known good, so a caller can still answer with an error.
    const results = options.lang === "zh" ? RESULT_COLUMNS.map(chineseHeading) : [...RESULT_COLUMNS];
    const columns = [...header, ...results, ...(options.precedentFor ? [options.lang === "zh" ? "先例" : "precedent"] : []), ...(options.trace ? ["trace"] : [])];
    if (xlsx) xlsx.header(columns);
    else if (format === "csv") await write(`${options.bom !== false ? "\ufeff" : ""}${safeCsv([columns])}`);
  };

  try {
    for (let records = await readBatch<ParsedRecord>(parser, chunkSize); records !== null; records = await readBatch<ParsedRecord>(parser, chunkSize)) {
      if (options.signal?.aborted) throw new DOMException("The batch was stopped.", "AbortError");
      for (const item of records) {
        // The guard put each record's line number in front of it as a first field.
        const line = Number(item.record[0]);
        const cells = item.record.slice(1);
        if (header === null) {
          if (guard.wideLines.has(line)) {
            const max = maxColumns.toLocaleString("en-US");
            throw new BulkInputError("tooManyColumns", `The header row has more than ${max} columns; a product sheet needs far fewer.`, max);
          }
          await takeHeader(cells);
          continue;
        }
        takeSkippedBefore(line - 1);
        rowNumber++;
        const row = guard.cutLines.has(line)
          ? errorRow(rowNumber, line, options.asOf, `line ${line}: the row is longer than ${MAX_RECORD_CHARS.toLocaleString("en-US")} characters; it was cut there and not classified`)
          : guard.wideLines.has(line)
            ? errorRow(rowNumber, line, options.asOf, `line ${line}: the row has more than ${maxColumns.toLocaleString("en-US")} columns; it was cut there and not classified`)
            : readRow(cells, rowNumber, line, mapping as unknown as ColumnMapping, options.asOf, answerColumns, permalinkColumn);
        chunk.push({ cells, row });
        if (chunk.length >= chunkSize) await flushChunk();
      }
    }
    takeSkippedBefore(Number.MAX_SAFE_INTEGER);
    await flushChunk();
    while (inFlight.length > 0) await drainOne();
  } catch (err) {
    parser.destroy();
    // A workbook that cannot be read says why, whenever it is found (its rows arrive as they are inflated).
    const workbook = err instanceof XlsxInputError ? err : (err as { cause?: unknown })?.cause instanceof XlsxInputError ? ((err as { cause: XlsxInputError }).cause) : null;
    if (workbook) throw BulkInputError.ofWorkbook(workbook);
    if (header === null && !(err instanceof BulkInputError)) {
      throw new BulkInputError("unreadable", `The file could not be read as CSV: ${(err as Error).message}`, (err as Error).message);
    }
    throw err;
  }
  if (header === null) throw new BulkInputError("empty", "The file is empty: it has no header row.");
  // The workbook writer ends its stream when it closes the workbook.
  if (xlsx) await xlsx.finish();
  else if (ownsOutput) out.end();
  await outFinished;
  return {
    rows: rowNumber,
    errors,
    bytesRead,
    elapsedMs: Date.now() - started,
    encoding,
    delimiter,
    header,
    mapping: mapping as unknown as ColumnMapping,
    byVerdict,
    byEntry,
  };
}

type ParsedRecord = { record: string[]; raw: string };
type MutableRow = { -readonly [K in keyof BulkRow]: BulkRow[K] };

/**
 * Up to `max` parsed records, as soon as any are there; null at the end. Reading records in
 * batches rather than one `for await` step each keeps the per-row cost of the loop low.
 */
function readBatch<T>(stream: Readable, max: number): Promise<T[] | null> {
  return new Promise((resolve, reject) => {
    const out: T[] = [];
    const cleanup = () => {
      stream.off("readable", tryRead);
      stream.off("end", onEnd);
      stream.off("error", onError);
    };
    const onEnd = () => {
      cleanup();
      resolve(out.length > 0 ? out : null);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    function tryRead(): boolean {
      let record: T | null;
      while (out.length < max && (record = stream.read() as T | null) !== null) out.push(record);
      if (out.length > 0) {
        cleanup();
        resolve(out);
        return true;
      }
      if (stream.readableEnded) {
        cleanup();
        resolve(null);
        return true;
      }
      return false;
    }
    if (stream.errored) {
      reject(stream.errored);
      return;
    }
    if (!tryRead()) {
      stream.on("readable", tryRead);
      stream.once("end", onEnd);
      stream.once("error", onError);
    }
  });
}

function cell(cells: string[], index: number | null): string | null {
  if (index === null) return null;
  const v = cells[index];
  return v === undefined || v.trim() === "" ? null : v;
}

const BATCH_ROW_LINK = /\/b\/([A-Za-z0-9_-]{22})\/rows\/(\d{1,9})$/;

function readRow(cells: string[], row: number, line: number, mapping: ColumnMapping, defaultAsOf: string, answerColumns: AnswerColumn[] = [], permalinkColumn = -1): MutableRow {
  const description = cell(cells, mapping.description);
  const hsCode = cell(cells, mapping.hsCode);
  const sku = cell(cells, mapping.sku);
  const rowAsOf = cell(cells, mapping.asOf)?.trim() ?? null;
  const read = readAnswers(cells, answerColumns, line);
  const link = permalinkColumn >= 0 ? BATCH_ROW_LINK.exec(cell(cells, permalinkColumn)?.trim() ?? "") : null;
  const answersFor = link ? { batchId: link[1] as string, row: Number(link[2]) } : null;
  // One object a row, its fields always in this order (one shape for the engine to see).
  const result: MutableRow = { row, line, sku, description, hsCode, asOf: rowAsOf ?? defaultAsOf, answers: null, answersFor, verdict: null, error: null };
  if (typeof read === "string") {
    result.error = read;
    return result;
  }
  result.answers = read;
  if (rowAsOf !== null && !isCalendarDate(rowAsOf)) {
    result.asOf = defaultAsOf;
    result.error = `line ${line}: the as-of date "${rowAsOf.slice(0, 40)}" is not YYYY-MM-DD`;
  } else if (description === null && hsCode === null) {
    result.error = `line ${line}: no description and no HS code`;
  } else if (description !== null && description.length > MAX_DESCRIPTION_LENGTH) {
    result.error = `line ${line}: the description is longer than ${MAX_DESCRIPTION_LENGTH} characters (${description.length})`;
  } else if (hsCode !== null && !HS_TEXT.test(hsCode) && !HS_TEXT.test(hsCode.normalize("NFKC"))) {
    result.error = `line ${line}: the HS code "${hsCode.slice(0, 40)}" is not 2 to 10 digits`;
  }
  return result;
}

interface AnswerColumn {
  readonly index: number;
  readonly id: QuestionId;
  readonly name: string;
}

/** The answer columns of a header: answer_symmetric_gbps, "answer symmetric_gbps", 答复_symmetric_gbps (the first of each). */
function findAnswerColumns(header: readonly string[]): AnswerColumn[] {
  const found: AnswerColumn[] = [];
  for (const id of QUESTION_IDS) {
    const index = header.findIndex((h) => new RegExp(`^\\s*(?:answer|答复)[\\s_:：-]*${id}\\s*$`, "i").test(h));
    if (index >= 0) found.push({ index, id, name: header[index] as string });
  }
  return found;
}

const YES = new Set(["yes", "y", "true", "1", "是", "有"]);
const NO = new Set(["no", "n", "false", "0", "否", "无"]);

/** A row's answers, or the message naming the cell that is not a valid answer. */
function readAnswers(cells: string[], columns: AnswerColumn[], line: number): Answers | null | string {
  if (columns.length === 0) return null;
  const answers: Answers = {};
  for (const { index, id, name } of columns) {
    const raw = cell(cells, index)?.trim();
    if (raw === undefined) continue;
    if (QUESTION_KINDS[id].kind === "number") {
      const n = Number(raw.normalize("NFKC").replace(/[,\s]/g, ""));
      if (!Number.isFinite(n) || n < 0) return `line ${line}: "${raw.slice(0, 40)}" in column ${name} is not a number`;
      answers[id] = n;
    } else {
      const v = raw.toLowerCase();
      if (!YES.has(v) && !NO.has(v)) return `line ${line}: "${raw.slice(0, 40)}" in column ${name} is not yes or no`;
      answers[id] = YES.has(v);
    }
  }
  return Object.keys(answers).length > 0 ? answers : null;
}

/** The answer columns and the open questions under Chinese headings; the other result columns keep their names. */
const chineseHeading = (column: string) => (column.startsWith("answer_") ? `答复_${column.slice("answer_".length)}` : column === "open_questions" ? "待答问题" : column);

const answerCell = (v: number | boolean | undefined) => (v === undefined ? "" : typeof v === "boolean" ? (v ? "yes" : "no") : String(v));

/** A real YYYY-MM-DD date: 2026-02-30 is not one. */
function isCalendarDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Splits the guard's line-number field off the raw text of a record. */
function takeLineNumber(raw: string, delimiter: string): { line: number; rest: string } {
  const m = /^(\d+)/.exec(raw);
  if (!m || raw[(m[1] as string).length] !== delimiter) return { line: 0, rest: raw };
  return { line: Number(m[1]), rest: raw.slice((m[1] as string).length + 1) };
}

function errorRow(row: number, line: number, asOf: string, message: string): MutableRow {
  return { row, line, sku: null, description: null, hsCode: null, asOf, answers: null, answersFor: null, verdict: null, error: message };
}

function ndjsonLine(row: BulkRow, cells: string[], header: string[], permalinkFor?: (row: number) => string, precedentFor?: (row: BulkRow) => string) {
  // Two columns may share a name; the second keeps its cell under "name (column N)".
  const columns = Object.create(null) as Record<string, string>;
  header.forEach((h, i) => {
    const name = h && !Object.hasOwn(columns, h) ? h : `${h || "column"} (column ${i + 1})`;
    columns[name] = cells[i] ?? "";
  });
  for (let i = header.length; i < cells.length; i++) columns[`column_${i + 1}`] = cells[i] ?? "";
  return {
    row: row.row,
    line: row.line,
    columns,
    import: row.verdict ? { verdict: row.verdict.importVerdict, entry: row.verdict.importEntry } : null,
    export: row.verdict ? { verdict: row.verdict.exportVerdict, entry: row.verdict.exportEntry } : null,
    missing: row.verdict?.missing ?? [],
    questions: row.verdict?.questions ?? [],
    answers: row.answers,
    reasons: row.verdict?.reasons ?? [],
    permalink: row.verdict && permalinkFor ? permalinkFor(row.row) : null,
    error: row.error,
    ...(row.verdict?.trace ? { trace: row.verdict.trace } : {}),
    ...(precedentFor && row.verdict ? { precedent: precedentFor(row) || null } : {}),
  };
}

/** Reads up to `bytes` from the start of a stream and hands back the rest unread. */
async function peek(input: Readable, bytes: number): Promise<{ sample: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  try {
    while (size < bytes) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      const buf = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
      parts.push(buf);
      size += buf.length;
    }
  } catch (err) {
    // A size limit and a workbook that cannot be read say what they are; anything else is "cannot read".
    if ((err as { code?: string }).code === "LIMIT") throw err;
    if (err instanceof XlsxInputError) throw BulkInputError.ofWorkbook(err);
    throw new BulkInputError("unreadable", `The input could not be read: ${(err as Error).message}`, (err as Error).message);
  }
  const rest: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (done) return { done: true, value: undefined };
        const n = await iterator.next();
        return n.done ? { done: true, value: undefined } : { done: false, value: typeof n.value === "string" ? Buffer.from(n.value) : n.value };
      },
    }),
  };
  return { sample: Buffer.concat(parts), rest };
}
