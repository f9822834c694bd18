/** Writes a CSV as an .xlsx workbook, streamed (for bench:bulk's .xlsx path):  tsx bench/csvToXlsx.ts in.csv out.xlsx */
import fs from "node:fs";
import { parse } from "csv-parse";
import ExcelJS from "exceljs";

const [input, output] = process.argv.slice(2) as [string, string];
const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: output, useStyles: false, useSharedStrings: false });
const sheet = workbook.addWorksheet("Catalogue");
for await (const record of fs.createReadStream(input).pipe(parse({ bom: true, relax_column_count: true })) as AsyncIterable<string[]>) {
  sheet.addRow(record).commit();
}
(sheet as unknown as { commit(): void }).commit();
await workbook.commit();
