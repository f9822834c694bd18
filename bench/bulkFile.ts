import fs from "node:fs";
import { stringify } from "csv-stringify/sync";
import { realisticMix, shuffle } from "./realisticMix.ts";

/**
 * Writes a CSV of `rows` product rows built from real product names: e-commerce titles and China
 * customs tariff names (ordinary goods), NIST CMVP module names and the dev-set specs (crypto
 * products, about 15% of rows), repeated and shuffled. Returns how many rows are crypto.
 */
export function writeBulkFile(file: string, rows: number): { cryptoRows: number } {
  const { items } = realisticMix();
  const crypto = items.filter((i) => /crypt|cipher|hsm|vpn|密码|加密|security|secure|key|tpm|sm[1-4]|aes|rsa/i.test(i.description));
  const ordinary = items.filter((i) => !crypto.includes(i));
  const out = fs.openSync(file, "w");
  fs.writeSync(out, "\ufeffSKU,品名,HS code\r\n");
  let cryptoRows = 0;
  const block = 10_000;
  for (let written = 0, round = 0; written < rows; round++) {
    const n = Math.min(block, rows - written);
    const picks = shuffle(
      Array.from({ length: n }, (_, i) => {
        const isCrypto = (i * 7 + round) % 100 < 15;
        if (isCrypto) cryptoRows++;
        const pool = isCrypto ? crypto : ordinary;
        return pool[(i * 31 + round * 17) % pool.length] as (typeof items)[number];
      }),
      round + 1,
    );
    fs.writeSync(out, stringify(picks.map((p, i) => [`SKU-${written + i + 1}`, p.description, p.hsCode ?? ""]), { record_delimiter: "\r\n" }));
    written += n;
  }
  fs.closeSync(out);
  return { cryptoRows };
}
