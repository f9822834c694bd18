import { PassThrough, Readable, type Writable } from "node:stream";
import ExcelJS from "exceljs";
import { stringify } from "csv-stringify/sync";

/**
 * Excel in and out, streamed with exceljs so a sheet of a million rows keeps memory flat. A workbook
 * is read as the CSV the bulk pipeline already reads (first sheet, or a chosen one), so every guard,
 * limit and error row applies to Excel as it does to CSV; results are written as a real workbook.
 */

export class XlsxInputError extends Error {
  constructor(
    /** Why, as a key the pages translate. */
    readonly reason: "notXlsx" | "encryptedOrXls" | "corrupt" | "noSheet" | "tooLarge",
    message: string,
  ) {
    super(message);
  }
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** OLE compound file: an .xls, or an .xlsx saved with a password (encrypted workbooks are OLE, not zip). */
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** Whether a file name or content type says Excel workbook. */
export const isXlsxName = (name: string) => /\.xlsx$/i.test(name);
export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/** Workbooks we refuse by name: old binary .xls, and macro-enabled .xlsm/.xlsb. */
export const refusedWorkbookName = (name: string) => /\.(xls|xlsm|xlsb)$/i.test(name);

type CellValue = ExcelJS.CellValue;

/** A cell as the text a user sees in it: a formula's result, a link's text, a date as YYYY-MM-DD. */
function cellText(v: CellValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "" : v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("richText" in v) return v.richText.map((r) => r.text).join("");
    if ("formula" in v || "sharedFormula" in v) return cellText((v as { result?: CellValue }).result ?? "");
    if ("text" in v) return cellText((v as { text: CellValue }).text);
    if ("error" in v) return String((v as { error: unknown }).error);
  }
  return String(v);
}

/**
 * A workbook's sheet as CSV text (UTF-8, comma-separated), streamed row by row. The first bytes are
 * checked first: an encrypted workbook or an .xls is refused with its own message, and a sheet that
 * inflates past `maxChars` of text (a zip bomb) stops there.
 */
export async function xlsxAsCsv(input: Readable, options: { sheet?: string | undefined; maxChars: number }): Promise<Readable> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  if (head.subarray(0, 4).equals(OLE)) {
    throw new XlsxInputError("encryptedOrXls", "The workbook is password-protected or an old .xls file: save it as an unprotected .xlsx (or CSV) and upload that.");
  }
  if (!head.subarray(0, 4).equals(ZIP)) throw new XlsxInputError("notXlsx", "The file is not an Excel .xlsx workbook.");
  const body = Readable.from(
    (async function* () {
      yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })(),
  );
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(body, { sharedStrings: "cache", hyperlinks: "ignore", styles: "ignore", worksheets: "emit", entries: "ignore" });
  const out = new PassThrough();
  const wanted = options.sheet?.trim();
  void (async () => {
    let chars = 0;
    let found = false;
    try {
      let index = 0;
      for await (const sheet of reader) {
        index++;
        const name = (sheet as unknown as { name: string }).name;
        const chosen = wanted ? name === wanted || String(index) === wanted : index === 1;
        if (!chosen || found) {
          // Sheets are read in order; the rest of a chosen one's workbook is not needed.
          for await (const _row of sheet) void _row;
          continue;
        }
        found = true;
        let lastRow = 0;
        for await (const row of sheet) {
          // Rows Excel leaves out are empty lines, so line numbers stay those of the sheet.
          const r = row as ExcelJS.Row;
          for (let gap = lastRow + 1; gap < r.number; gap++) out.write("\n");
          lastRow = r.number;
          const values = (r.values as CellValue[]).slice(1).map(cellText);
          const line = stringify([values]);
          chars += line.length;
          if (chars > options.maxChars) throw new XlsxInputError("tooLarge", `The workbook's sheet expands to more than ${options.maxChars.toLocaleString("en-US")} characters of text.`);
          if (!out.write(line)) await new Promise((resolve) => out.once("drain", resolve));
        }
      }
      if (!found) throw new XlsxInputError("noSheet", wanted ? `The workbook has no sheet named "${wanted.slice(0, 60)}".` : "The workbook has no sheet.");
      out.end();
    } catch (err) {
      out.destroy(err instanceof XlsxInputError ? err : new XlsxInputError("corrupt", `The workbook could not be read: ${(err as Error).message.slice(0, 200)}`));
    }
  })();
  return out;
}

const VERDICT_FILL: Record<string, string> = {
  licence_required: "FFF8D7DA",
  needs_info: "FFFFF3CD",
  below_threshold: "FFD1E7DD",
  exempt: "FFE2E3E5",
  not_listed: "FFE2E3E5",
};

/**
 * Results as a workbook, written as they come: the header row frozen and filtered, verdict cells
 * coloured, permalinks as links. Every cell is written as text, so nothing a user sent runs as a
 * formula when the workbook is opened.
 */
export class XlsxResultWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;
  private verdictColumns = new Set<number>();
  private linkColumns = new Set<number>();
  private width = 0;

  constructor(output: Writable) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
    this.sheet = this.workbook.addWorksheet("Results", { views: [{ state: "frozen", ySplit: 1 }] });
  }

  header(cells: string[]): void {
    this.width = cells.length;
    cells.forEach((c, i) => {
      if (c === "import_verdict" || c === "export_verdict") this.verdictColumns.add(i + 1);
      if (c === "permalink") this.linkColumns.add(i + 1);
    });
    const row = this.sheet.addRow(cells.map(String));
    row.font = { bold: true };
    row.commit();
    this.sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, this.width) } };
  }

  rows(lines: string[][]): void {
    for (const cells of lines) {
      const row = this.sheet.addRow(cells.map(String));
      for (const c of this.verdictColumns) {
        const fill = VERDICT_FILL[cells[c - 1] ?? ""];
        if (fill) row.getCell(c).fill = { type: "pattern", pattern: "solid", fgColor: { argb: fill } };
      }
      for (const c of this.linkColumns) {
        const url = cells[c - 1] ?? "";
        if (/^https?:\/\//.test(url)) row.getCell(c).value = { text: url, hyperlink: url };
      }
      row.commit();
    }
  }

  async finish(): Promise<void> {
    (this.sheet as unknown as { commit(): void }).commit();
    await this.workbook.commit();
  }
}

/**
 * A result CSV as a workbook (the download of a finished batch): the cells as the CSV holds them,
 * less the apostrophe the CSV puts before a formula start, since a workbook's text cells never run.
 */
export async function csvResultAsXlsx(csv: Readable, output: Writable): Promise<void> {
  const { parse } = await import("csv-parse");
  const writer = new XlsxResultWriter(output);
  const parser = csv.pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true }));
  let first = true;
  let batch: string[][] = [];
  const unneutralise = (c: string) => (/^'[=+\-@\t\r]/.test(c) ? c.slice(1) : c);
  for await (const record of parser as AsyncIterable<string[]>) {
    const cells = record.map(unneutralise);
    if (first) {
      writer.header(cells);
      first = false;
      continue;
    }
    batch.push(cells);
    if (batch.length >= 1000) {
      writer.rows(batch);
      batch = [];
    }
  }
  if (first) writer.header([]);
  writer.rows(batch);
  await writer.finish();
}

