import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { createClassifier } from "../../src/core/classify.ts";
import { loadListData } from "../../src/data/loadListData.ts";
import { BulkInputError, RESULT_COLUMNS, runBulk } from "../../src/bulk/pipeline.ts";
import { classifyOnThisThread } from "../../src/bulk/rowVerdict.ts";
import { xlsxAsCsv } from "../../src/bulk/xlsx.ts";

const classifyMany = classifyOnThisThread(createClassifier(loadListData()), "en");

async function workbook(sheets: Record<string, unknown[][]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function classifyWorkbook(file: Buffer, sheet?: string) {
  const output = new PassThrough();
  const got: Buffer[] = [];
  output.on("data", (d: Buffer) => got.push(d));
  const input = await xlsxAsCsv(Readable.from([file]), { sheet, maxChars: 10_000_000 });
  const summary = await runBulk({ input, output, format: "xlsx", asOf: "2026-12-01", classifyMany, permalinkFor: (r) => `https://example.test/b/x/rows/${r}` });
  const result = new ExcelJS.Workbook();
  await result.xlsx.load(Buffer.concat(got) as unknown as ArrayBuffer);
  return { summary, sheet: result.worksheets[0] as ExcelJS.Worksheet };
}

describe("Excel in and out", () => {
  it("classifies the first sheet of a workbook and writes the results as a workbook", async () => {
    const file = await workbook({
      Catalogue: [["SKU", "品名", "HS code"], ["H-1", "Network HSM appliance, AES-256, SM4 20 Gbps", 8543709950], ["=1+2", "=HYPERLINK(\"http://x\")", ""], ["C-1", "USB cable", 854442]],
      Other: [["description"], ["IPsec VPN gateway 40 Gbps AES-256"]],
    });
    const { summary, sheet } = await classifyWorkbook(file);
    expect(summary.rows).toBe(3);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(["SKU", "品名", "HS code", ...RESULT_COLUMNS]);
    const col = (name: string) => header.indexOf(name) + 1;
    expect(sheet.getRow(2).getCell(col("export_verdict")).value).toBe("licence_required");
    expect(sheet.getRow(2).getCell(col("HS code")).value).toBe("8543709950");
    // What looked like a formula stays text: a string cell, never a formula.
    expect(sheet.getRow(3).getCell(1).value).toBe("=1+2");
    expect(sheet.getRow(3).getCell(1).type).toBe(ExcelJS.ValueType.String);
    // The permalink is a link, the verdict cell coloured, the header frozen and filtered.
    expect(sheet.getRow(2).getCell(col("permalink")).value).toMatchObject({ hyperlink: "https://example.test/b/x/rows/1" });
    expect((sheet.getRow(2).getCell(col("export_verdict")).fill as ExcelJS.FillPattern).fgColor?.argb).toBe("FFF8D7DA");
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
  });

  it("reads a chosen sheet by name", async () => {
    const file = await workbook({ First: [["description"], ["USB cable"]], Second: [["description"], ["IPsec VPN gateway 40 Gbps AES-256"]] });
    const { sheet } = await classifyWorkbook(file, "Second");
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(sheet.getRow(2).getCell(header.indexOf("export_verdict") + 1).value).toBe("licence_required");
  });

  it("refuses what is not an unprotected .xlsx, each with its own message", async () => {
    const read = (bytes: Buffer, sheet?: string) =>
      xlsxAsCsv(Readable.from([bytes]), { sheet, maxChars: 1000 }).then((input) => runBulk({ input, asOf: "2026-12-01", classifyMany }));
    // An OLE compound file: an .xls, or an .xlsx saved with a password.
    await expect(read(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).rejects.toThrow(/password-protected or an old \.xls/);
    await expect(read(Buffer.from("SKU,description\n1,HSM\n"))).rejects.toThrow(/not an Excel \.xlsx workbook/);
    const corrupt = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    await expect(read(corrupt)).rejects.toBeInstanceOf(BulkInputError);
    await expect(read(await workbook({ Only: [["description"], ["HSM"]] }), "Missing")).rejects.toThrow(/no sheet named "Missing"/);
    // A sheet that inflates past the limit stops there.
    const big = await workbook({ Big: [["description"], ...Array.from({ length: 200 }, (_, i) => [`HSM appliance number ${i} with AES-256`])] });
    await expect(read(big)).rejects.toThrow(/expands to more than 1,000 characters/);
  });

  it("writes a workbook any reader opens even when cells hold characters XML cannot", async () => {
    const output = new PassThrough();
    const got: Buffer[] = [];
    output.on("data", (d: Buffer) => got.push(d));
    await runBulk({ input: Readable.from([Buffer.from('description,note\n"HSM\u0001 <b>&amp;</b> ""x""",\u0007bell\n')]), output, format: "xlsx", asOf: "2026-12-01", classifyMany });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(got) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.getRow(2).getCell(1).value).toBe('HSM <b>&amp;</b> "x"');
    expect(sheet.getRow(2).getCell(2).value).toBe("bell");
  });
});
