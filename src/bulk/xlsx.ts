import { PassThrough, Readable, type Writable } from "node:stream";
import type ExcelJS from "exceljs";
import type { Archiver } from "archiver";

/**
 * Excel in and out, streamed with exceljs so a sheet of a million rows keeps memory flat. A workbook
 * is read as the CSV the bulk pipeline already reads (first sheet, or a chosen one), so every guard,
 * limit and error row applies to Excel as it does to CSV; results are written as a real workbook by a
 * writer of our own on archiver (exceljs's streaming writer keeps a whole sheet in memory). Both are
 * loaded when a workbook is first read or written: a CSV run never loads them.
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
  const [{ default: excel }, { stringify }] = await Promise.all([import("exceljs"), import("csv-stringify/sync")]);
  const reader = new excel.stream.xlsx.WorkbookReader(body, { sharedStrings: "cache", hyperlinks: "ignore", styles: "ignore", worksheets: "emit", entries: "ignore" });
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

/** Rows whose permalink is written as a clickable link (a workbook keeps its links in a list at the sheet's end). */
export const MAX_LINKED_ROWS = 10_000;

/** Fills of the verdict cells, by verdict; the style index of each is its place here plus FIRST_FILL_STYLE. */
const VERDICT_FILLS: [string, string][] = [
  ["licence_required", "FFF8D7DA"],
  ["needs_info", "FFFFF3CD"],
  ["below_threshold", "FFD1E7DD"],
  ["exempt", "FFE2E3E5"],
  ["not_listed", "FFE2E3E5"],
];
const HEADER_STYLE = 1;
const FIRST_FILL_STYLE = 2;
const LINK_STYLE = FIRST_FILL_STYLE + VERDICT_FILLS.length;

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font><font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/></font></fonts>
<fills count="${2 + VERDICT_FILLS.length}"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>${VERDICT_FILLS.map(([, argb]) => `<fill><patternFill patternType="solid"><fgColor rgb="${argb}"/><bgColor indexed="64"/></patternFill></fill>`).join("")}</fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="${LINK_STYLE + 1}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>${VERDICT_FILLS.map((_, i) => `<xf numFmtId="0" fontId="0" fillId="${i + 2}" borderId="0" xfId="0" applyFill="1"/>`).join("")}<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
</styleSheet>`;

/** Text as XML: escaped, and without the control characters XML cannot hold. */
const xmlAllowed = (c: number) => c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c !== 0xfffe && c !== 0xffff);
const withoutControls = (t: string) => {
  for (let i = 0; i < t.length; i++) if (!xmlAllowed(t.charCodeAt(i))) return Array.from(t).filter((ch) => xmlAllowed(ch.charCodeAt(0))).join("");
  return t;
};
const xmlText = (t: string) =>
  withoutControls(t)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

/** A, B, … Z, AA, AB, …: a column's letters. */
function columnName(index: number): string {
  let n = index + 1;
  let name = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

/**
 * Results as a workbook, written as they come and zipped on the fly (archiver), so a million rows
 * keep memory flat: the header row frozen and filtered, verdict cells coloured, permalinks as links.
 * Every cell is an inline string, so nothing a user sent runs as a formula when it is opened.
 */
export class XlsxResultWriter {
  private readonly sheet = new PassThrough();
  private readonly done: Promise<void>;
  private verdictColumns = new Set<number>();
  private linkColumns = new Set<number>();
  private width = 0;
  private rowNumber = 0;
  private readonly links: { ref: string; url: string }[] = [];

  static async open(output: Writable): Promise<XlsxResultWriter> {
    const { default: archiver } = await import("archiver");
    return new XlsxResultWriter(output, archiver("zip", { zlib: { level: 6 } }));
  }

  private constructor(
    output: Writable,
    private readonly zip: Archiver,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      output.once("finish", resolve).once("close", resolve).once("error", reject);
      this.zip.once("error", reject);
    });
    this.zip.pipe(output);
    this.zip.append(CONTENT_TYPES, { name: "[Content_Types].xml" });
    this.zip.append(ROOT_RELS, { name: "_rels/.rels" });
    this.zip.append(STYLES, { name: "xl/styles.xml" });
    this.zip.append(this.sheet, { name: "xl/worksheets/sheet1.xml" });
    this.sheet.write(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>`);
  }

  header(cells: string[]): void {
    this.width = cells.length;
    cells.forEach((c, i) => {
      if (c === "import_verdict" || c === "export_verdict") this.verdictColumns.add(i);
      if (c === "permalink") this.linkColumns.add(i);
    });
    this.sheet.write(this.rowXml(cells, () => HEADER_STYLE));
  }

  async rows(lines: string[][]): Promise<void> {
    let xml = "";
    for (const cells of lines) {
      xml += this.rowXml(cells, (i, value) => {
        if (this.verdictColumns.has(i)) {
          const fill = VERDICT_FILLS.findIndex(([verdict]) => verdict === value);
          return fill >= 0 ? FIRST_FILL_STYLE + fill : 0;
        }
        if (this.linkColumns.has(i) && /^https?:\/\//.test(value) && this.links.length < MAX_LINKED_ROWS) {
          this.links.push({ ref: `${columnName(i)}${this.rowNumber}`, url: value });
          return LINK_STYLE;
        }
        return 0;
      });
    }
    if (!this.sheet.write(xml)) await new Promise<void>((resolve) => this.sheet.once("drain", resolve));
  }

  private rowXml(cells: string[], style: (index: number, value: string) => number): string {
    this.rowNumber++;
    let xml = `<row r="${this.rowNumber}">`;
    cells.forEach((value, i) => {
      if (value === "") return;
      const s = style(i, value);
      xml += `<c r="${columnName(i)}${this.rowNumber}" t="inlineStr"${s ? ` s="${s}"` : ""}><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
    });
    return `${xml}</row>`;
  }

  async finish(): Promise<void> {
    const last = columnName(Math.max(0, this.width - 1));
    const links = this.links.map((l, i) => `<hyperlink ref="${l.ref}" r:id="rIdL${i + 1}"/>`).join("");
    this.sheet.end(`</sheetData><autoFilter ref="A1:${last}1"/>${links ? `<hyperlinks>${links}</hyperlinks>` : ""}</worksheet>`);
    this.zip.append(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${this.links
        .map((l, i) => `<Relationship Id="rIdL${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="${xmlText(l.url)}" TargetMode="External"/>`)
        .join("")}</Relationships>`,
      { name: "xl/worksheets/_rels/sheet1.xml.rels" },
    );
    this.zip.append(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Results" sheetId="1" r:id="rId1"/></sheets><definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">Results!$A$1:$${last}$1</definedName></definedNames></workbook>`,
      { name: "xl/workbook.xml" },
    );
    this.zip.append(WORKBOOK_RELS, { name: "xl/_rels/workbook.xml.rels" });
    await this.zip.finalize();
    await this.done;
  }
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;

/**
 * A result CSV as a workbook (the download of a finished batch): the cells as the CSV holds them,
 * less the apostrophe the CSV puts before a formula start, since a workbook's text cells never run.
 */
export async function csvResultAsXlsx(csv: Readable, output: Writable): Promise<void> {
  const { parse } = await import("csv-parse");
  const writer = await XlsxResultWriter.open(output);
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
      await writer.rows(batch);
      batch = [];
    }
  }
  if (first) writer.header([]);
  await writer.rows(batch);
  await writer.finish();
}

