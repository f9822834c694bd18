import fs from "node:fs";
import os from "node:os";
import type { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { createClassifier } from "../core/classify.ts";
import { loadListData } from "../data/loadListData.ts";
import { BulkInputError, runBulk, type BulkProgress } from "../bulk/pipeline.ts";
import { parseEncodingName } from "../bulk/detect.ts";
import { classifyOnThisThread, classifyWithTrace } from "../bulk/rowVerdict.ts";
import { XlsxInputError, isXlsxName, refusedWorkbookName, xlsxAsCsv } from "../bulk/xlsx.ts";
import { createClassifyPool } from "../threads/classifyPool.ts";
import { todayInChina } from "../core/dates.ts";

const USAGE = `Usage: npm run classify -- <in.csv | in.xlsx | -> [options]

Classifies every row of a CSV and writes it back with import_verdict, import_entry, export_verdict,
export_entry, missing, reasons, permalink and error columns. Streams files of any size.

Options:
  -o, --output FILE        where to write (default: standard output)
  --encoding NAME          utf-8, utf-16le, utf-16be or gb18030/gbk (default: detected)
  --delimiter NAME         comma, semicolon or tab (default: detected)
  --as-of YYYY-MM-DD       lists in force on this date, for rows without a date column (default: today in China)
  --lang en|zh             language of the missing and reasons columns (default: en)
  --format csv|ndjson|xlsx output format (default: csv, UTF-8 with BOM for Excel; xlsx when -o ends in .xlsx)
  --sheet NAME             the sheet of an .xlsx input to read, by name or number (default: the first)
  --no-bom                 write CSV without the byte-order mark
  --workers N              classification threads (default: cores - 1; 0 classifies on the main thread)
  --trace                  add a "trace" column: how each row was read, step by step, with the
                           reading rules applied (on the main thread; for looking into a few rows)
  -h, --help               this text

Exit code: 0 when the file was processed (bad rows are reported in the error column), 1 when the
input cannot be read, 2 for wrong options.`;

const DELIMITER_NAMES: Record<string, "," | ";" | "\t"> = { comma: ",", ",": ",", semicolon: ";", ";": ";", tab: "\t", "\\t": "\t" };

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  // `… | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        output: { type: "string", short: "o" },
        encoding: { type: "string" },
        delimiter: { type: "string" },
        "as-of": { type: "string" },
        lang: { type: "string" },
        format: { type: "string" },
        "no-bom": { type: "boolean" },
        workers: { type: "string" },
        sheet: { type: "string" },
        trace: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length !== 1) fail(`Give one input file (or - for standard input).\n\n${USAGE}`, 2);
  const inputPath = positionals[0] as string;
  const encoding = values.encoding ? parseEncodingName(values.encoding) : undefined;
  if (encoding === null) fail(`Unknown encoding "${values.encoding}": use utf-8, utf-16le, utf-16be or gb18030.`, 2);
  const delimiter = values.delimiter ? DELIMITER_NAMES[values.delimiter.toLowerCase()] : undefined;
  if (values.delimiter && !delimiter) fail(`Unknown delimiter "${values.delimiter}": use comma, semicolon or tab.`, 2);
  const asOf = values["as-of"] ?? todayInChina(new Date());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) fail(`--as-of must be a date YYYY-MM-DD, not "${asOf}".`, 2);
  const lang = values.lang ?? "en";
  if (lang !== "en" && lang !== "zh") fail(`--lang must be en or zh.`, 2);
  const format = values.format ?? (values.output && isXlsxName(values.output) ? "xlsx" : "csv");
  if (format !== "csv" && format !== "ndjson" && format !== "xlsx") fail(`--format must be csv, ndjson or xlsx.`, 2);
  if (format === "xlsx" && !values.output) fail("An .xlsx result needs a file: give -o result.xlsx.", 2);
  if (refusedWorkbookName(inputPath)) fail(`${inputPath}: old .xls and macro-enabled .xlsm/.xlsb workbooks are not read; save the sheet as .xlsx or CSV.`, 1);
  const workbookInput = isXlsxName(inputPath);
  const workers = values.workers !== undefined ? Number(values.workers) : Math.max(1, os.availableParallelism() - 1);
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) fail(`--workers must be a whole number from 0 to 64.`, 2);

  let totalBytes: number | null = null;
  let input: NodeJS.ReadableStream;
  if (inputPath === "-") input = process.stdin;
  else {
    try {
      totalBytes = fs.statSync(inputPath).size;
      input = fs.createReadStream(inputPath);
    } catch (err) {
      fail(`Cannot read ${inputPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1);
    }
  }
  const output = values.output ? fs.createWriteStream(values.output) : process.stdout;
  if (workbookInput) {
    try {
      input = await xlsxAsCsv(input as Readable, { sheet: values.sheet, maxChars: Math.max(16 * (totalBytes ?? 0), 64 * 1024 * 1024) });
    } catch (err) {
      fail(`${inputPath}: ${(err as Error).message}`, 1);
    }
    // Progress is counted in the sheet's text, not the file's bytes.
    totalBytes = null;
  }

  const listData = loadListData();
  // Bounded heaps: a thread's live data is the lists, the vocabulary, its cache and a chunk of rows.
  const pool =
    workers > 0 && !values.trace
      ? createClassifyPool({ threads: workers, listData, rowsOnly: true, resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 } })
      : null;
  const classifyMany = values.trace
    ? classifyWithTrace(createClassifier(listData), lang)
    : pool
      ? pool.classifyMany(lang)
      : // The row cache answers repeats; the engine's own cache of full results would only be old
        // garbage for the collector (a third more CPU over a catalogue), as in the pool's threads.
        classifyOnThisThread(createClassifier({ ...listData, cacheSize: 0 }), lang);
  let lastReport = 0;
  const report = (p: BulkProgress, final = false) => {
    const now = Date.now();
    if (!final && now - lastReport < 500) return;
    lastReport = now;
    const rate = p.rows / Math.max(0.001, p.elapsedMs / 1000);
    const fraction = totalBytes ? Math.min(1, p.bytesRead / totalBytes) : null;
    const eta = fraction && fraction > 0 && !final ? ` · ETA ${Math.ceil((p.elapsedMs / 1000) * (1 / fraction - 1))} s` : "";
    const pct = fraction !== null ? ` (${Math.floor(fraction * 100)}%)` : "";
    process.stderr.write(`\r${p.rows.toLocaleString("en-US")} rows${pct} · ${Math.round(rate).toLocaleString("en-US")} rows/s${eta} · ${p.errors} bad rows   ${final ? "\n" : ""}`);
  };

  try {
    const summary = await runBulk({
      input: input as Readable,
      output,
      format,
      bom: !values["no-bom"],
      encoding: workbookInput ? "utf-8" : (encoding ?? undefined),
      delimiter: workbookInput ? "," : delimiter,
      asOf,
      classifyMany,
      lang,
      trace: values.trace === true,
      onProgress: (p) => report(p),
    });
    report(summary, true);
    process.stderr.write(
      `Done: ${summary.rows.toLocaleString("en-US")} rows in ${(summary.elapsedMs / 1000).toFixed(1)} s (${summary.encoding}, delimiter ${JSON.stringify(summary.delimiter)}), ${summary.errors} bad rows.\n`,
    );
  } catch (err) {
    if (err instanceof BulkInputError) fail(`\n${err.message}`, 1);
    if (err instanceof XlsxInputError) fail(`\n${inputPath}: ${err.message}`, 1);
    fail(`\nCannot process ${inputPath}: ${(err as Error).message}`, 1);
  } finally {
    await pool?.close();
  }
}

void main();
