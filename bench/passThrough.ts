/** The bare pass-through the bulk benchmark compares against: csv-parse → csv-stringify, no classification. */
import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { stringify } from "csv-stringify";

const [input, output = "/dev/null"] = process.argv.slice(2);
let rows = 0;
const started = Date.now();
await pipeline(
  fs.createReadStream(input as string),
  parse({ bom: true, relax_column_count: true }),
  async function* (records: AsyncIterable<string[]>) {
    for await (const r of records) {
      rows++;
      yield r;
    }
  },
  stringify(),
  fs.createWriteStream(output),
);
process.stdout.write(`${JSON.stringify({ rows: rows - 1, ms: Date.now() - started })}\n`);
