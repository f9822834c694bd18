import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import iconv from "iconv-lite";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { createClassifier } from "../../src/core/classify.ts";
import { VERDICTS } from "../../src/core/result.ts";
import { loadListData } from "../../src/data/loadListData.ts";
import { BulkInputError, RESULT_COLUMNS, runBulk, type BulkOptions, type BulkSummary, type ClassifyMany } from "../../src/bulk/pipeline.ts";
import { classifyOnThisThread, classifyWithTrace } from "../../src/bulk/rowVerdict.ts";
import { type ClassifyPool, createClassifyPool } from "../../src/threads/classifyPool.ts";
import { neutraliseCell } from "../../src/bulk/csvSafety.ts";
import type { CsvEncoding } from "../../src/bulk/detect.ts";

const classifyMany = classifyOnThisThread(createClassifier(loadListData()), "en");
const AS_OF = "2026-11-29";
const BOM = "\ufeff";
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const FORMULA_START = /^[=+\-@\t\r]/;

/** The bytes cut into pieces of 1 to `max` bytes (a fixed pseudo-random sequence, so runs repeat). */
function tinyChunks(buf: Buffer, max = 7, seed = 7): Buffer[] {
  const parts: Buffer[] = [];
  let state = seed;
  for (let i = 0; i < buf.length; ) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (state % max);
    parts.push(buf.subarray(i, i + n));
    i += n;
  }
  return parts;
}

interface Run {
  readonly summary: BulkSummary;
  readonly bytes: Buffer;
  readonly text: string;
}

async function run(input: Buffer | Buffer[], options: Partial<BulkOptions> = {}): Promise<Run> {
  const output = new PassThrough();
  const got: Buffer[] = [];
  output.on("data", (d: Buffer) => got.push(d));
  const summary = await runBulk({
    input: Readable.from(Array.isArray(input) ? input : [input]),
    output,
    asOf: AS_OF,
    classifyMany,
    ...options,
  });
  const bytes = Buffer.concat(got);
  return { summary, bytes, text: bytes.toString("utf8") };
}

/** The output CSV as rows of cells (BOM dropped). */
function cellsOf(text: string): string[][] {
  return parse(text.replace(/^\ufeff/, ""), { relax_column_count: true }) as string[][];
}

function ndjsonOf(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const csv = (rows: string[][], delimiter = ",") => stringify(rows, { delimiter, record_delimiter: "windows" });

const HEADER = ["SKU", "品名", "HS code", "Notes"];
const ROWS: string[][] = [
  ["A-1001", "服务器密码机，SM4加解密速率 20Gbps，SM2签名速率 8万次/秒，机架式", "8543709950", ""],
  ["A-1002", "IPsec VPN gateway, AES-256, IPsec throughput 40 Gbps", "8517622920", 'says "fast"'],
  ["A-1003", "Next-generation firewall; firewall throughput 30 Gbps\tIPsec VPN with AES", "851762", "two\nlines"],
  ["A-1004", "密钥管理系统，可管理1万个密钥对象，支持SM2/SM4", "", "Intel® ©"],
  ["A-1005", "5G 智能手机，文件加密，消费类零售", "8517130000", "a, b; c\td"],
  ["A-1006", "24口千兆交换机，不支持加密", "851762", ""],
  ["A-1007", "", "8543709950", "HS code only"],
  ["A-1008", "Crypto card, 12 Gbps, algorithm: SM1.", "", "windows\r\nline break"],
];
const TEXT = csv([HEADER, ...ROWS]);

/** Enough rows that the file runs well past the 64 KiB the pipeline peeks at, so chunk edges fall in the streamed part. */
const BIG_ROWS: string[][] = Array.from({ length: 900 }, (_, i) => {
  const base = ROWS[i % ROWS.length] as string[];
  return [`B-${i}`, `${base[1]} 型号${i % 13}`, base[2] as string, `${base[3]} “注” ${i}`];
});
const BIG_TEXT = csv([HEADER, ...BIG_ROWS]);

let baseline: Run;
let bigBaseline: Run;
beforeAll(async () => {
  baseline = await run(Buffer.from(TEXT));
  bigBaseline = await run(Buffer.from(BIG_TEXT));
});

describe("runBulk: encodings", () => {
  const encodings: [string, (text: string) => Buffer, CsvEncoding][] = [
    ["UTF-8 without BOM", (t) => Buffer.from(t), "utf-8"],
    ["UTF-8 with BOM", (t) => Buffer.concat([UTF8_BOM, Buffer.from(t)]), "utf-8"],
    ["UTF-16LE with BOM", (t) => iconv.encode(t, "utf-16le", { addBOM: true }), "utf-16le"],
    ["UTF-16BE with BOM", (t) => iconv.encode(t, "utf-16be", { addBOM: true }), "utf-16be"],
    ["GB18030", (t) => iconv.encode(t, "gb18030"), "gb18030"],
  ];

  it("classifies the reference file as expected", () => {
    const rows = cellsOf(baseline.text);
    expect(rows[0]).toEqual([...HEADER, ...RESULT_COLUMNS]);
    expect(rows).toHaveLength(ROWS.length + 1);
    const at = (sku: string) => {
      const r = rows.find((c) => c[0] === sku) as string[];
      return { import: r[4], importEntry: r[5], export: r[6], exportEntry: r[7], error: r[11] };
    };
    expect(at("A-1001")).toMatchObject({ import: "licence_required", importEntry: "I-3", export: "licence_required", error: "" });
    expect(at("A-1002")).toMatchObject({ import: "licence_required", importEntry: "I-4", export: "licence_required", exportEntry: "5A002.c" });
    expect(at("A-1005").import).toBe("exempt");
    expect(at("A-1006")).toMatchObject({ import: "not_listed", export: "not_listed" });
    expect(at("A-1007").import).toBe("needs_info");
    expect(at("A-1008")).toMatchObject({ import: "licence_required", importEntry: "I-3", export: "licence_required", exportEntry: "5A002.b" });
    expect(baseline.summary).toMatchObject({ rows: ROWS.length, errors: 0, encoding: "utf-8", delimiter: "," });
    expect(baseline.summary.mapping).toEqual({ sku: 0, description: 1, hsCode: 2, asOf: null });
  });

  it.each(encodings)("%s gives the same rows, whole or in 1–7 byte chunks", async (_name, encode, encoding) => {
    const bytes = encode(TEXT);
    for (const input of [bytes, tinyChunks(bytes), tinyChunks(bytes, 3, 11)]) {
      const r = await run(input);
      expect(r.summary.encoding).toBe(encoding);
      expect(r.text).toBe(baseline.text);
    }
  });

  it("reads Excel's “Unicode text” (UTF-16LE with BOM, TAB-delimited, CRLF) like the CSV", async () => {
    const bytes = iconv.encode(csv([HEADER, ...ROWS], "\t"), "utf-16le", { addBOM: true });
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    for (const input of [bytes, tinyChunks(bytes)]) {
      const r = await run(input);
      expect(r.summary).toMatchObject({ encoding: "utf-16le", delimiter: "\t", rows: ROWS.length });
      expect(r.text).toBe(baseline.text);
    }
  });

  it.each(encodings)("%s of a file larger than the peeked sample gives the same rows in 1–7 byte chunks", async (_name, encode, encoding) => {
    const bytes = encode(BIG_TEXT);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const r = await run(tinyChunks(bytes));
    expect(r.summary).toMatchObject({ encoding, rows: BIG_ROWS.length, errors: 0 });
    expect(r.summary.bytesRead).toBe(bytes.length);
    expect(r.text).toBe(bigBaseline.text);
  });

  it("honours an encoding given by the caller over the guess", async () => {
    const r = await run(iconv.encode(TEXT, "gb18030"), { encoding: "gb18030" });
    expect(r.text).toBe(baseline.text);
    // Read as UTF-8 the same bytes give replacement characters, not a crash.
    const wrong = await run(iconv.encode(TEXT, "gb18030"), { encoding: "utf-8" });
    expect(wrong.summary.rows).toBe(ROWS.length);
  });

  // Guards against a past bug: the decoder hands csv-parse one string per chunk, and a UTF-16 surrogate pair split between two chunks
  // arrives as two lone surrogates, which csv-parse turns into two U+FFFD. Any emoji or CJK Extension B character
  // in a UTF-16 file (Excel "Unicode text") can be garbled wherever a chunk boundary falls.
  it("keeps emoji and CJK Extension B characters of a UTF-16 file split across chunks", async () => {
    const rows = BIG_ROWS.map((r) => [r[0] as string, `${r[1]} 🔐 𠀀`, r[2] as string, r[3] as string]);
    const text = csv([HEADER, ...rows]);
    const expected = await run(Buffer.from(text));
    const r = await run(tinyChunks(iconv.encode(text, "utf-16le", { addBOM: true })));
    expect(r.text).not.toContain("\ufffd");
    expect(r.text).toBe(expected.text);
  });

  // Guards against a past bug (in iconv-lite 0.7.3's GB18030 stream decoder, reached through the pipeline): a four-byte sequence for a
  // character outside the BMP (emoji, CJK Extension B) split across chunks decodes to a lone surrogate and the
  // neighbouring characters are lost or duplicated.
  it("keeps characters outside the BMP of a GB18030 file split across chunks", async () => {
    const rows = BIG_ROWS.map((r) => [r[0] as string, `${r[1]} 𠀀`, r[2] as string, r[3] as string]);
    const text = csv([HEADER, ...rows]);
    const expected = await run(Buffer.from(text));
    const r = await run(tinyChunks(iconv.encode(text, "gb18030")));
    expect(r.text).toBe(expected.text);
  });
});

describe("runBulk: delimiters and quoting", () => {
  it.each([
    ["comma", ","],
    ["semicolon", ";"],
    ["tab", "\t"],
  ])("detects the %s delimiter and gives the same rows", async (_name, delimiter) => {
    const bytes = Buffer.from(csv([HEADER, ...ROWS], delimiter));
    for (const input of [bytes, tinyChunks(bytes)]) {
      const r = await run(input);
      expect(r.summary.delimiter).toBe(delimiter);
      expect(r.text).toBe(baseline.text);
    }
  });

  it("uses a delimiter given by the caller", async () => {
    const r = await run(Buffer.from("SKU;description\nA1;HSM, SM4\n"), { delimiter: ";" });
    expect(cellsOf(r.text)[1]?.slice(0, 2)).toEqual(["A1", "HSM, SM4"]);
  });

  it("keeps quoted fields with embedded newlines, quotes and delimiters intact (round trip)", async () => {
    const tricky: string[][] = [
      ["Q-1", 'HSM "Pro", 2U; rack\tmount', "", 'he said ""x""'],
      ["Q-2", "line one\nline two\r\nline three", "8543709950", ",;\t"],
      ["Q-3", '"', "", '""'],
      ["Q-4", "  leading and trailing spaces  ", "", " "],
      ["Q-5", "中文，逗号；分号\n换行", "", "🔐 emoji"],
    ];
    for (const delimiter of [",", ";", "\t"]) {
      const r = await run(Buffer.from(csv([HEADER, ...tricky], delimiter)));
      const out = cellsOf(r.text);
      expect(out.slice(1).map((c) => c.slice(0, HEADER.length))).toEqual(tricky);
    }
  });

  it("reads a file without a final line break, with LF or CR line ends, and skips blank lines", async () => {
    for (const text of ["SKU,description\nA1,HSM\nA2,VPN", "SKU,description\r\rA1,HSM\rA2,VPN\r", "SKU,description\n\nA1,HSM\n\n\nA2,VPN\n\n"]) {
      const r = await run(Buffer.from(text), { format: "ndjson" });
      const lines = ndjsonOf(r.text);
      expect(lines.map((l) => (l.columns as Record<string, string>).SKU)).toEqual(["A1", "A2"]);
    }
  });
});

describe("runBulk: ragged rows", () => {
  it("pads short rows and keeps every cell of long rows", async () => {
    const text = "SKU,description,HS code\r\nR-1,HSM with SM4\r\nR-2\r\nR-3,VPN gateway,851762,extra one,extra two\r\nR-4,HSM,,\r\n";
    const r = await run(Buffer.from(text));
    const out = cellsOf(r.text);
    expect(out).toHaveLength(5);
    expect(out[1]?.slice(0, 3)).toEqual(["R-1", "HSM with SM4", ""]);
    expect(out[1]?.[3]).toMatch(/^(licence_required|needs_info|below_threshold|exempt|not_listed)$/);
    expect(out[2]?.slice(0, 3)).toEqual(["R-2", "", ""]);
    expect(out[2]?.[10]).toMatch(/line 3: no description and no HS code/);
    // The row's own cells, then its results under their headings, then the cells beyond the header.
    expect(out[3]?.slice(0, 3)).toEqual(["R-3", "VPN gateway", "851762"]);
    expect(out[3]?.slice(-2)).toEqual(["extra one", "extra two"]);
    expect(out[4]?.slice(0, 3)).toEqual(["R-4", "HSM", ""]);
    expect(r.summary).toMatchObject({ rows: 4, errors: 1 });
  });

  it("keeps extra cells in the JSON lines as column_N", async () => {
    const r = await run(Buffer.from("SKU,description\nR-1,HSM,extra\nR-2\n"), { format: "ndjson" });
    const [first, second] = ndjsonOf(r.text);
    expect(first?.columns).toEqual({ SKU: "R-1", description: "HSM", column_3: "extra" });
    expect(second?.columns).toEqual({ SKU: "R-2", description: "" });
  });

  // Guards against a past bug: JSON lines key the columns by header name, so when two columns share a name the first cell is overwritten
  // and lost ({"notes":"second"}); the CSV output keeps both.
  it("keeps both cells of two columns with the same header name in the JSON lines", async () => {
    const r = await run(Buffer.from("SKU,description,notes,notes\nD-1,HSM,first,second\n"), { format: "ndjson" });
    const [line] = ndjsonOf(r.text);
    expect(Object.values(line?.columns as Record<string, string>)).toEqual(["D-1", "HSM", "first", "second"]);
  });

  // Guards against a past bug: a row with more cells than the header gets its result cells after the extra cells, so in the output
  // they stand under the wrong headings: the extra cell sits under import_verdict and the verdict under import_entry.
  it("puts the verdicts of a row with extra cells under the result headings", async () => {
    const r = await run(Buffer.from("SKU,description,HS code\r\nR-1,VPN gateway AES-256 40 Gbps,851762,extra\r\n"));
    const [header, row] = cellsOf(r.text) as [string[], string[]];
    const col = (name: string) => row[header.indexOf(name)];
    expect(col("import_verdict")).toBe("licence_required");
    expect(col("export_verdict")).toBe("licence_required");
    expect(row).toContain("extra");
  });
});

describe("runBulk: bad rows", () => {
  const header = ["SKU", "description", "HS code", "date"];
  const bad: string[][] = [
    ["G-1", "HSM with SM4, 20 Gbps", "", ""],
    ["E-1", "", "", ""],
    ["G-2", "x".repeat(5000), "", ""],
    ["E-2", "y".repeat(5001), "", ""],
    ["E-3", "HSM", "", "29/11/2026"],
    ["E-4", "HSM", "85x", ""],
    ["G-3", "Cryptanalysis equipment for breaking encrypted communications.", "", "2024-11-30"],
    ["G-4", "Cryptanalysis equipment for breaking encrypted communications.", "", " 2024-12-01 "],
    ["E-5", "   ", "  ", "2025-01-01"],
  ];

  it("reports each bad row with its line in the error column, counts it, keeps going and drops nothing", async () => {
    const r = await run(Buffer.from(csv([header, ...bad])));
    const out = cellsOf(r.text);
    expect(out).toHaveLength(bad.length + 1);
    const errorCol = out[0]?.indexOf("error") as number;
    const bySku = new Map(out.slice(1).map((c) => [c[0], c]));
    expect(out.slice(1).map((c) => c[0])).toEqual(bad.map((b) => b[0]));
    expect(bySku.get("E-1")?.[errorCol]).toBe("line 3: no description and no HS code");
    expect(bySku.get("E-2")?.[errorCol]).toMatch(/^line 5: the description is longer than 5000 characters \(5001\)/);
    expect(bySku.get("E-3")?.[errorCol]).toBe('line 6: the as-of date "29/11/2026" is not YYYY-MM-DD');
    expect(bySku.get("E-4")?.[errorCol]).toMatch(/^line 7: the HS code "85x"/);
    expect(bySku.get("E-5")?.[errorCol]).toBe("line 10: no description and no HS code");
    for (const sku of ["G-1", "G-2", "G-3", "G-4"]) {
      expect(bySku.get(sku)?.[errorCol]).toBe("");
      expect(VERDICTS).toContain(bySku.get(sku)?.[4]);
    }
    for (const sku of ["E-1", "E-2", "E-3", "E-4", "E-5"]) expect(bySku.get(sku)?.[4]).toBe("");
    expect(r.summary).toMatchObject({ rows: bad.length, errors: 5 });
    // The as-of column decides which edition applies to the row.
    expect(bySku.get("G-3")?.[7]).toBe("1.7");
    expect(bySku.get("G-4")?.[7]).toBe("5A004");
  });

  it("gives the same answers in JSON lines, with the row and line numbers", async () => {
    const r = await run(Buffer.from(csv([header, ...bad])), { format: "ndjson" });
    const lines = ndjsonOf(r.text);
    expect(lines).toHaveLength(bad.length);
    expect(lines.map((l) => [l.row, l.line])).toEqual(bad.map((_, i) => [i + 1, i + 2]));
    const e1 = lines[1] as Record<string, unknown>;
    expect(e1).toMatchObject({ import: null, export: null, error: "line 3: no description and no HS code" });
  });

  it("reports an unclosed quote on the last row and keeps the rows before it", async () => {
    const text = 'SKU,description\nU-1,HSM with SM4\nU-2,"VPN gateway, AES\nU-3,more text\n';
    for (const input of [Buffer.from(text), tinyChunks(Buffer.from(text))]) {
      const r = await run(input);
      const out = cellsOf(r.text);
      expect(out).toHaveLength(3);
      expect(out[1]?.[0]).toBe("U-1");
      expect(out[1]?.[2]).toMatch(/^[a-z_]+$/);
      const last = out[2] as string[];
      // Nothing is lost: the unreadable text is kept in the row.
      expect(last.join(",")).toContain("U-2");
      expect(last.join(",")).toContain("U-3,more text");
      expect(last[last.length - RESULT_COLUMNS.length + RESULT_COLUMNS.indexOf("error")]).toMatch(/^line \d+: the row could not be read as CSV/);
      expect(r.summary).toMatchObject({ rows: 2, errors: 1 });
    }
  });

  it("reads stray quotes inside unquoted or closed fields rather than failing the row", async () => {
    const r = await run(Buffer.from('SKU,description\nS-1,12" rack HSM\nS-2,"SM4 card"x, extra\nS-3,HSM\n'), { format: "ndjson" });
    const lines = ndjsonOf(r.text);
    expect(lines.map((l) => (l.columns as Record<string, string>).SKU)).toEqual(["S-1", "S-2", "S-3"]);
    expect((lines[0]?.columns as Record<string, string>).description).toBe('12" rack HSM');
    expect(lines.every((l) => l.error === null)).toBe(true);
  });

  // Guards against a past bug: the date check is only /^\d{4}-\d{2}-\d{2}$/, so impossible dates are classified as if real, while
  // POST /api/v1/classify rejects the same asOf with 400 (z.iso.date).
  it.each(["2026-02-30", "2026-13-45", "0000-00-00"])("reports the impossible as-of date %s", async (date) => {
    const r = await run(Buffer.from(`SKU,description,date\nD-1,HSM with SM4,${date}\n`), { format: "ndjson" });
    const [line] = ndjsonOf(r.text);
    expect(line?.error).toMatch(/^line 2: the as-of date/);
    expect(r.summary.errors).toBe(1);
  });

  // Guards against a past bug: csv-parse's info.lines is the line where a record ends, so a multi-line record's error names its last line,
  // not the line where it starts (BulkRow.line is documented as the start).
  it("names the line where a multi-line bad row starts", async () => {
    const r = await run(Buffer.from('SKU,description,date\nM-1,"HSM\nwith SM4\nrack",29.11.2026\nM-2,HSM,\n'), { format: "ndjson" });
    const [first] = ndjsonOf(r.text);
    expect(first).toMatchObject({ line: 2 });
    expect(first?.error).toMatch(/^line 2: /);
  });

  // Guards against a past bug: a CRLF inside a quoted cell is counted as two lines, so every later row's line number is one too high.
  it("keeps line numbers right after a quoted cell with a CRLF in it", async () => {
    const r = await run(Buffer.from('SKU,description\r\nC-1,"two\r\nlines"\r\nC-2,\r\nC-3,HSM\r\n'), { format: "ndjson" });
    const lines = ndjsonOf(r.text);
    expect(lines[1]).toMatchObject({ line: 4, error: "line 4: no description and no HS code" });
    expect(lines[2]).toMatchObject({ line: 5 });
  });

  // Guards against a past bug: the unclosed-quote error names the last line of the file (counted with CRLFs twice), not where the quote opens.
  it("names the line where an unclosed quote opens", async () => {
    const r = await run(Buffer.from('SKU,description\r\nU-1,HSM\r\nU-2,"VPN gateway\r\nU-3,more\r\nU-4,more\r\n'), { format: "ndjson" });
    const lines = ndjsonOf(r.text);
    expect(lines[1]?.error).toMatch(/^line 3: /);
  });

  // Guards against a past bug: on a record over the 1,000,000-character limit csv-parse's skip_records_with_error returns from the whole
  // chunk being parsed, so every row after the oversized one in that chunk vanishes (rows: 1 instead of 3).
  it("reports a row over the size limit and keeps the rows after it", async () => {
    const text = `SKU,description\nL-1,${"x".repeat(1_000_010)}\nL-2,HSM with SM4\nL-3,VPN gateway\n`;
    const r = await run(Buffer.from(text), { format: "ndjson" });
    const lines = ndjsonOf(r.text);
    expect(lines[0]?.error).toMatch(/^line 2: /);
    expect(lines.map((l) => (l.columns as Record<string, string>).SKU)).toEqual([expect.any(String), "L-2", "L-3"]);
    expect(r.summary).toMatchObject({ rows: 3, errors: 1 });
  });
});

describe("runBulk: output", () => {
  it("starts with a UTF-8 BOM by default and not with bom: false", async () => {
    expect(baseline.bytes.subarray(0, 3)).toEqual(UTF8_BOM);
    expect(baseline.text.startsWith(BOM)).toBe(true);
    const plain = await run(Buffer.from(TEXT), { bom: false });
    expect(plain.bytes.subarray(0, 3)).not.toEqual(UTF8_BOM);
    expect(plain.text).toBe(baseline.text.slice(1));
  });

  it("writes the input header followed by the result columns", async () => {
    expect(cellsOf(baseline.text)[0]).toEqual([...HEADER, ...RESULT_COLUMNS]);
    const r = await run(Buffer.from(`${BOM}\ufeffa,description,,Empty\n1,HSM,,\n`));
    expect(cellsOf(r.text)[0]).toEqual(["a", "description", "", "Empty", ...RESULT_COLUMNS]);
  });

  it("round-trips the input cells", async () => {
    const out = cellsOf(baseline.text);
    expect(out.slice(1).map((c) => c.slice(0, HEADER.length))).toEqual(ROWS);
    const big = cellsOf(bigBaseline.text);
    expect(big.slice(1).map((c) => c.slice(0, HEADER.length))).toEqual(BIG_ROWS);
  });

  it("fills the permalink column only for classified rows", async () => {
    const r = await run(Buffer.from("SKU,description\nP-1,HSM\nP-2,\n"), { permalinkFor: (row) => `https://example.test/b/x/rows/${row}` });
    const out = cellsOf(r.text);
    expect(out[1]?.[2 + RESULT_COLUMNS.indexOf("permalink")]).toBe("https://example.test/b/x/rows/1");
    expect(out[2]?.[2 + RESULT_COLUMNS.indexOf("permalink")]).toBe("");
  });

  it("neutralises formulas in every cell: header, input columns and result columns", async () => {
    const evil = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"];
    const header = ["=SKU", "description", "+HS code", "@notes"];
    const rows = evil.map((e, i) => [e, `${e} HSM with SM4 ${i}`, i % 2 ? "" : `-${i}`, e]);
    const stub: ClassifyMany = async (inputs) =>
      inputs.map(() => ({
        importVerdict: "needs_info",
        importEntry: "=I-3",
        exportVerdict: "not_listed",
        exportEntry: "-1",
        questions: [],
        missing: ["=WEBSERVICE(\"http://x\")"],
        reasons: ["@reason"],
      }));
    for (const classify of [classifyMany, stub]) {
      const r = await run(Buffer.from(csv([header, ...rows])), { classifyMany: classify, permalinkFor: (row) => `=HYPERLINK("http://x/${row}")` });
      const out = cellsOf(r.text);
      expect(out).toHaveLength(rows.length + 1);
      for (const cells of out) for (const c of cells) expect(c).not.toMatch(FORMULA_START);
      expect(out[0]?.slice(0, 4)).toEqual(["'=SKU", "description", "'+HS code", "'@notes"]);
      out.slice(1).forEach((cells, i) => {
        const original = rows[i] as string[];
        expect(cells.slice(0, 4)).toEqual(original.map(neutraliseCell));
        const permalink = cells[4 + RESULT_COLUMNS.indexOf("permalink")];
        if (cells[4 + RESULT_COLUMNS.indexOf("error")] === "") expect(permalink).toBe(`'=HYPERLINK("http://x/${i + 1}")`);
      });
      if (classify === stub) {
        const first = out[1] as string[];
        expect(first.slice(4, 10)).toEqual(["needs_info", "'=I-3", "not_listed", "'-1", "'=WEBSERVICE(\"http://x\")", "'@reason"]);
      }
    }
  });

  it("writes JSON lines with row, line, columns, import, export and error", async () => {
    const r = await run(Buffer.from(TEXT), { format: "ndjson", permalinkFor: (row) => `/b/x/rows/${row}` });
    expect(r.text.startsWith(BOM)).toBe(false);
    expect(r.text.endsWith("\n")).toBe(true);
    const lines = ndjsonOf(r.text);
    expect(lines).toHaveLength(ROWS.length);
    lines.forEach((l, i) => {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(["row", "line", "columns", "import", "export", "error", "missing", "reasons", "permalink"]));
      expect(l.row).toBe(i + 1);
      expect(l.columns).toEqual(Object.fromEntries(HEADER.map((h, k) => [h, (ROWS[i] as string[])[k]])));
      expect(VERDICTS).toContain((l.import as { verdict: string }).verdict);
      expect(VERDICTS).toContain((l.export as { verdict: string }).verdict);
      expect(l.error).toBeNull();
      expect(l.permalink).toBe(`/b/x/rows/${i + 1}`);
    });
    // Multi-line cells push the following line numbers down.
    const numbers = lines.map((l) => l.line as number);
    expect(numbers.slice(0, 2)).toEqual([2, 3]);
    expect(numbers.every((n, i) => i === 0 || n > (numbers[i - 1] as number))).toBe(true);
    expect(lines[1]).toMatchObject({ import: { verdict: "licence_required", entry: "I-4" }, export: { verdict: "licence_required", entry: "5A002.c" } });
  });

  it("reports progress, header and rows to the callbacks", async () => {
    const seen: number[] = [];
    let header: string[] = [];
    let progressRows = 0;
    const r = await run(Buffer.from(BIG_TEXT), {
      chunkSize: 100,
      maxInFlight: 2,
      onHeader: (info) => (header = info.header),
      onRows: (rows) => {
        seen.push(...rows.map((x) => x.row));
      },
      onProgress: (p) => (progressRows = Math.max(progressRows, p.rows)),
    });
    expect(header).toEqual(HEADER);
    expect(seen).toEqual(BIG_ROWS.map((_, i) => i + 1));
    expect(progressRows).toBe(BIG_ROWS.length);
    expect(r.text).toBe(bigBaseline.text);
  });

  it("holds the pipeline while a promise from onRows is pending (flow control for whoever stores the rows)", async () => {
    let calls = 0;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const running = run(Buffer.from(BIG_TEXT), {
      chunkSize: 100,
      onRows: (rows) => {
        calls++;
        expect(rows[0]?.row).toBe((calls - 1) * 100 + 1);
        return calls === 1 ? held : undefined;
      },
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(1);
    release();
    const r = await running;
    expect(calls).toBe(Math.ceil(BIG_ROWS.length / 100));
    expect(r.summary.rows).toBe(BIG_ROWS.length);
  });
});

describe("runBulk: unreadable input", () => {
  it.each([
    ["an empty file", Buffer.alloc(0), /empty/],
    ["a BOM only", UTF8_BOM, /empty/],
    ["blank lines only", Buffer.from("\r\n\r\n\r\n"), /empty/],
    ["blank lines with mixed line ends", Buffer.from("\r\n\r\n\n"), /empty|No description or HS code column/],
    ["no recognisable header", Buffer.from("A-1001,IPsec VPN gateway,8517622920\nA-1002,HSM,8543709950\n"), /No description or HS code column/],
    ["a header of unknown names", Buffer.from("foo,bar\n1,2\n"), /No description or HS code column/],
  ])("rejects %s with BulkInputError, writing nothing", async (_name, bytes, message) => {
    const output = new PassThrough();
    const got: Buffer[] = [];
    output.on("data", (d: Buffer) => got.push(d));
    const promise = runBulk({ input: Readable.from([bytes]), output, asOf: AS_OF, classifyMany });
    await expect(promise).rejects.toBeInstanceOf(BulkInputError);
    await expect(promise).rejects.toThrow(message);
    expect(Buffer.concat(got).length).toBe(0);
  });

  it("rejects a column name that is not in the header", async () => {
    await expect(run(Buffer.from(TEXT), { columnNames: { description: "Beschreibung" } })).rejects.toThrow(BulkInputError);
  });

  it("turns a failing input stream into BulkInputError", async () => {
    const input = new Readable({
      read() {
        this.destroy(new Error("disk gone"));
      },
    });
    await expect(runBulk({ input, asOf: AS_OF, classifyMany })).rejects.toThrow(/could not be read: disk gone/);
  });
});

describe("runBulk: choosing columns", () => {
  const text = "Code,Text,Tariff,When\nK-1,VPN gateway AES-256 40 Gbps,851762,2026-01-01\nK-2,,8543709950,\n";

  it("maps columns by header name, ignoring case and spaces", async () => {
    const unnamed = run(Buffer.from(text));
    await expect(unnamed).rejects.toThrow(BulkInputError);
    const r = await run(Buffer.from(text), { columnNames: { description: " text ", hsCode: "TARIFF", sku: "code", asOf: "When" }, format: "ndjson" });
    expect(r.summary.mapping).toEqual({ description: 1, hsCode: 2, sku: 0, asOf: 3 });
    const lines = ndjsonOf(r.text);
    expect(lines[0]).toMatchObject({ import: { verdict: "licence_required", entry: "I-4" }, error: null });
    expect(lines[1]).toMatchObject({ import: { verdict: "needs_info" }, error: null });
  });

  it("maps columns by index, overriding what was detected", async () => {
    const r = await run(Buffer.from("description,Other\nplain text,VPN gateway AES-256 40 Gbps\n"), { mapping: { description: 1 }, format: "ndjson" });
    expect(r.summary.mapping.description).toBe(1);
    expect(ndjsonOf(r.text)[0]).toMatchObject({ import: { verdict: "licence_required" } });
  });
});

describe("runBulk: property", () => {
  const cell = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.constantFrom('"', '""', ",", ";", "\t", "\n", "\r\n", "\r", "=1+2", "-", "@", "服务器密码机，SM4 20Gbps", "🔐😀", "\u0000\u0007\u001b", "8543709950"),
    fc.array(fc.constantFrom("a", '"', ",", "\n", "\r", "中", "😀", " ", "\t", ";", "\u0000"), { maxLength: 12 }).map((a) => a.join("")),
  );
  const rows = fc.array(fc.tuple(cell, cell, cell, cell), { maxLength: 12 });
  const header = ["SKU", "description", "HS code", "notes"];

  it("never throws, writes one row per input row in order, and only the five verdicts", async () => {
    await fc.assert(
      fc.asyncProperty(rows, fc.boolean(), async (data, bom) => {
        const body = Buffer.from((bom ? BOM : "") + stringify([header, ...data.map((r) => [...r])]));
        const r = await run(body, { encoding: "utf-8", delimiter: "," });
        const out = cellsOf(r.text);
        expect(out).toHaveLength(data.length + 1);
        expect(r.summary.rows).toBe(data.length);
        const errorCol = header.length + RESULT_COLUMNS.indexOf("error");
        out.slice(1).forEach((cells, i) => {
          const original = data[i] as string[];
          expect(cells.slice(0, 4)).toEqual(original.map(neutraliseCell));
          for (const col of [4, 6]) {
            const v = cells[col] as string;
            if (cells[errorCol] === "") expect(VERDICTS).toContain(v);
            else expect(v).toBe("");
          }
        });
        expect(r.summary.errors).toBe(out.slice(1).filter((c) => c[errorCol] !== "").length);
      }),
      { numRuns: 120, seed: 20261129 },
    );
  });

  it("never throws on detected encoding and delimiter either", async () => {
    await fc.assert(
      fc.asyncProperty(rows, async (data) => {
        const r = await run(Buffer.from(stringify([header, ...data.map((x) => [...x])])), { format: "ndjson" });
        expect(r.summary.rows).toBe(data.length);
        const lines = ndjsonOf(r.text);
        expect(lines.map((l) => l.row)).toEqual(data.map((_, i) => i + 1));
        for (const l of lines) {
          if (l.error === null) expect(VERDICTS).toContain((l.import as { verdict: string }).verdict);
          else expect(l.import).toBeNull();
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});

describe("runBulk on the classification threads", () => {
  let pool: ClassifyPool;
  beforeAll(() => {
    pool = createClassifyPool({ threads: 2, listData: loadListData() });
  });
  afterAll(async () => {
    await pool.close();
  });

  it("gives the same output as classification on this thread", async () => {
    const small = await run(Buffer.from(TEXT), { classifyMany: pool.classifyMany("en"), chunkSize: 3 });
    expect(small.text).toBe(baseline.text);
    const big = await run(Buffer.from(BIG_TEXT), { classifyMany: pool.classifyMany("en"), chunkSize: 50, maxInFlight: 4 });
    expect(big.text).toBe(bigBaseline.text);
  });
});

describe("a run with a trace (--trace)", () => {
  const traced = classifyWithTrace(createClassifier(loadListData()), "en");
  it("adds a trace column saying how each row was read", async () => {
    const { text } = await run(Buffer.from('description\n"品名:VPN网关|VPN吞吐量:12G|算法:SM4"\nHSM appliance\n'), { classifyMany: traced, trace: true });
    const rows = parse(text.replace(BOM, ""), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] as object).at(-1)).toBe("trace");
    expect(rows[0]?.trace).toContain("rates (rules 1–4, 6–8, 19, 20): “12G” = 12 Gbps, encrypted communication, from the key of its field");
    expect(rows[1]?.trace).toContain("product types (rules 10, 11): cipher machine (primary): “HSM”");
  });
  it("keeps the columns as they were without it", async () => {
    const { text } = await run(Buffer.from("description\nHSM appliance\n"));
    expect(text.replace(BOM, "").split(/\r?\n/)[0]).toBe(["description", ...RESULT_COLUMNS].join(","));
  });
});

describe("answering a batch's open questions in the spreadsheet", () => {
  const col = (name: string) => RESULT_COLUMNS.indexOf(name as (typeof RESULT_COLUMNS)[number]);
  it("lists each row's open questions, takes answers from the answer columns when the result comes back, and reports a bad answer beside the good rows", async () => {
    const first = await run(Buffer.from("SKU,description\nH-1,Network HSM appliance AES-256 RSA-4096\nC-1,USB cable 2 m\n"));
    const out = cellsOf(first.text);
    const header = out[0] as string[];
    const own = 2;
    expect(header).toContain("answer_symmetric_gbps");
    expect(out[1]?.[own + col("export_verdict")]).toBe("needs_info");
    expect(out[1]?.[own + col("open_questions")]).toBe("symmetric_gbps signature_tps");
    expect(out[2]?.[own + col("open_questions")]).toBe("");

    // The user fills the rate into the result's own column and uploads the file again.
    const filled = out.map((r, i) => (i === 1 ? r.map((c, j) => (j === own + col("answer_symmetric_gbps") ? "20" : c)) : r));
    filled.push(["H-2", "Network HSM appliance AES-256 RSA-4096", ...Array(RESULT_COLUMNS.length).fill("")]);
    (filled[3] as string[])[own + col("answer_symmetric_gbps")] = "fast";
    const second = await run(Buffer.from(csv(filled)));
    const back = cellsOf(second.text);
    const width = (back[0] as string[]).length - RESULT_COLUMNS.length;
    expect(back[1]?.[width + col("export_verdict")]).toBe("licence_required");
    expect(back[1]?.[width + col("answer_symmetric_gbps")]).toBe("20");
    expect(back[1]?.[width + col("reasons")]).toContain("Answered by the user: symmetric_gbps = 20");
    expect(back[2]?.[width + col("export_verdict")]).toBe("not_listed");
    expect(back[3]?.[width + col("error")]).toBe('line 4: "fast" in column answer_symmetric_gbps is not a number');
    expect(second.summary).toMatchObject({ rows: 3, errors: 1 });
  });

  it("reads answer columns named in Chinese, and yes/no as 是/否", async () => {
    const r = await run(Buffer.from("品名,答复_main_function,答复_vpn_gbps\n防火墙 IPsec VPN AES-256,是,20\n防火墙 IPsec VPN AES-256,否,\n"), { format: "ndjson" });
    const lines = r.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0].answers).toEqual({ main_function: true, vpn_gbps: 20 });
    expect(lines[0].export.verdict).toBe("licence_required");
    expect(lines[1].export.verdict).toBe("not_listed");
  });
});

describe("answer columns in Chinese", () => {
  it("heads the answer columns 答复_<id> for a Chinese run, and reads them back", async () => {
    const first = await run(Buffer.from("品名\n网络HSM，AES-256，RSA-4096\n"), { lang: "zh" });
    const out = cellsOf(first.text);
    expect(out[0]).toContain("答复_symmetric_gbps");
    expect(out[0]).toContain("待答问题");
    const col = (out[0] as string[]).indexOf("答复_symmetric_gbps");
    (out[1] as string[])[col] = "20";
    const second = await run(Buffer.from(out.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\n") + "\n"), { lang: "zh" });
    const back = cellsOf(second.text);
    const verdict = (back[0] as string[]).lastIndexOf("export_verdict");
    expect(back[1]?.[verdict]).toBe("licence_required");
  });
});
