import fs from "node:fs";
import path from "node:path";
import { stringify } from "csv-stringify/sync";
import { realisticMix, shuffle, type MixItem } from "./realisticMix.ts";

const CRYPTO = /crypt|cipher|hsm|vpn|密码|加密|security|secure|key|tpm|sm[1-4]|aes|rsa/i;

/** The labelled corpus's product texts (test/corpus), as real crypto rows. */
function corpusTexts(): MixItem[] {
  const dir = path.resolve(import.meta.dirname, "../test/corpus");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter(Boolean))
    .map((l) => (JSON.parse(l) as { input: MixItem }).input)
    .filter((i) => i.description);
}

/** A small deterministic generator (mulberry32), so every run writes the same file. */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const VARIANTS = ["", " 黑色", " white", " 2U", " 1U", " v2.1", " Rev B", " 国行", " (EU plug)", " 128GB", " 10台", " OEM", " 含税", " 现货", " bulk pack"];

/**
 * A row's own model or part number and variant, as catalogues write them: "XK-4821-B", "DS-7A9C3 v2.1",
 * "型号 QX58012 黑色". Drawn from a space far larger than any file, so rows carrying one are unique.
 */
function modelNumber(random: () => number): string {
  const letters = () => LETTERS[Math.floor(random() * LETTERS.length)] as string;
  const digits = (n: number) => String(Math.floor(random() * 10 ** n)).padStart(n, "0");
  const forms = [
    () => `${letters()}${letters()}-${digits(4)}-${letters()}`,
    () => `${letters()}${letters()}${letters()}${digits(5)}`,
    () => `型号 ${letters()}${letters()}${digits(5)}`,
    () => `P/N ${digits(3)}-${digits(5)}-${digits(2)}`,
    () => `${letters()}${digits(2)}${letters()}${digits(3)}`,
  ];
  const form = forms[Math.floor(random() * forms.length)] as () => string;
  return `${form()}${VARIANTS[Math.floor(random() * VARIANTS.length)]}`;
}

export interface BulkFileOptions {
  /** Share of rows that carry a model number of their own (unique rows); the rest repeat real names as they are. */
  readonly uniqueShare?: number;
}

/**
 * Writes a CSV of `rows` product rows shaped like a real catalogue: real names (e-commerce titles and
 * China customs tariff names for ordinary goods; the corpus's product texts, NIST CMVP module names
 * and the dev-set specs for crypto products, about 15% of rows), most of them with a model or part
 * number of their own, as catalogues list every SKU. Returns how many rows are crypto and how many
 * repeat an earlier row exactly (the most any cache could answer).
 */
export function writeBulkFile(file: string, rows: number, options: BulkFileOptions = {}): { cryptoRows: number; repeatedRows: number } {
  const uniqueShare = options.uniqueShare ?? 0.8;
  const { items } = realisticMix();
  const crypto = [...items.filter((i) => CRYPTO.test(i.description)), ...corpusTexts()];
  const ordinary = items.filter((i) => !CRYPTO.test(i.description));
  const random = generator(20261201);
  const out = fs.openSync(file, "w");
  fs.writeSync(out, "\ufeffSKU,品名,HS code\r\n");
  let cryptoRows = 0;
  // Rows without a model number repeat one of the pool's names; the first time each is seen is not a repeat.
  const seen = new Set<string>();
  let repeatedRows = 0;
  const block = 10_000;
  for (let written = 0, round = 0; written < rows; round++) {
    const n = Math.min(block, rows - written);
    const picks = shuffle(
      Array.from({ length: n }, () => {
        const isCrypto = random() < 0.15;
        if (isCrypto) cryptoRows++;
        const pool = isCrypto ? crypto : ordinary;
        const item = pool[Math.floor(random() * pool.length)] as MixItem;
        if (random() < uniqueShare) return { ...item, description: `${item.description} ${modelNumber(random)}` };
        const key = `${item.description}\u0000${item.hsCode ?? ""}`;
        if (seen.has(key)) repeatedRows++;
        else seen.add(key);
        return item;
      }),
      round + 1,
    );
    fs.writeSync(out, stringify(picks.map((p, i) => [`SKU-${written + i + 1}`, p.description, p.hsCode ?? ""]), { record_delimiter: "\r\n" }));
    written += n;
  }
  fs.closeSync(out);
  return { cryptoRows, repeatedRows };
}
