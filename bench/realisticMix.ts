import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";

/** ../shared next to the repository: the dev set and the public datasets. */
export const SHARED = path.resolve(import.meta.dirname, "../../shared");

function readCsv(relative: string): Record<string, string>[] {
  const file = path.join(SHARED, "datasets", relative);
  return parse(fs.readFileSync(file), { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true });
}

/** Deterministic shuffle (mulberry32) so every run measures the same order. */
export function shuffle<T>(items: T[], seed = 42): T[] {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface MixItem {
  readonly description: string;
  readonly hsCode?: string;
}

/**
 * What a catalogue looks like: the dev-set specs, CMVP module names and descriptions, e-commerce
 * titles with their HS codes, and Chinese customs tariff names.
 */
export function realisticMix(): { items: MixItem[]; sources: Record<string, number> } {
  const dev: MixItem[] = fs
    .readFileSync(path.join(SHARED, "eval/dev.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l).input as MixItem)
    .filter((i) => i.description);
  const cmvp: MixItem[] = readCsv("nist-cmvp-modules/cmvp-certificates.csv").flatMap((r) => [
    { description: `${r.vendor_name} ${r.module_name} (${r.module_type}, ${r.embodiment})` },
    ...(r.description ? [{ description: r.description }] : []),
  ]);
  const ecommerce: MixItem[] = readCsv("hscodecomp/hscodecomp-products.csv").map((r) => ({
    description: r.product_name as string,
    hsCode: r.hs6,
  }));
  const tariff: MixItem[] = readCsv("china-customs-hs8/china-customs-hs8-2023.csv").map((r) => ({
    description: r.description_zh as string,
    hsCode: r.code8,
  }));
  const items = shuffle([...dev, ...dev, ...dev, ...cmvp, ...ecommerce, ...tariff]);
  return {
    items,
    sources: { devSet: dev.length * 3, cmvp: cmvp.length, ecommerce: ecommerce.length, customsTariff: tariff.length },
  };
}
