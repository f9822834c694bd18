import { z } from "zod";

/**
 * A product's model or part number, read from its text, for finding earlier decisions on the same
 * product (precedents). What introduces a model and what only looks like one is data
 * (data/model-numbers.json), not code.
 */
export const ModelNumberRules = z.object({
  $comment: z.string().optional(),
  /** Words that introduce a model or part number: "型号", "Model No.", "P/N", "SKU". */
  labels: z.array(z.string().min(1)).min(1),
  /** Tokens shaped like a part number that name something else: an algorithm, a standard, an interface. */
  notModelPrefixes: z.array(z.string().min(1)),
});
export type ModelNumberRules = z.infer<typeof ModelNumberRules>;

export interface ModelNumber {
  /** As written. */
  readonly text: string;
  /** Compared across texts: full-width folded, upper case, no spaces, hyphens, dots or slashes. */
  readonly key: string;
  /** Introduced by a label ("型号: …"), or a part-number-shaped token of an ERP line. */
  readonly how: "label" | "part number";
}

/** The key two spellings of one model share: "ＳＲＸ－４６００", "srx 4600" and "SRX4600" are one. */
export function modelKey(text: string): string {
  return text
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[\s\-_‐‑–—./\\]+/g, "");
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A model token: letters, digits and joiners, with at least one digit and one letter or two digits and a joiner. */
const TOKEN = String.raw`[A-Za-z0-9\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A][A-Za-z0-9\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\-_./\uFF0D]{1,39}`;

export function createModelReader(rules: ModelNumberRules): (text: string) => ModelNumber | null {
  // Longest labels first, so "model number" wins over "model".
  const labels = [...rules.labels].sort((a, b) => b.length - a.length).map(escape);
  // A model may run on with short parts that carry a digit: "nShield 5c", "FortiGate 100F".
  const labelled = new RegExp(String.raw`(?:^|[^A-Za-z])(?:${labels.join("|")})\s*[:：#=]?\s*(${TOKEN}(?: (?=[^\s]{0,4}\d)[A-Za-z0-9\-]{1,5}(?![A-Za-z0-9\-]))*)`, "giu");
  const partShaped = new RegExp(String.raw`(?<![A-Za-z0-9\-_./])(${TOKEN})(?![A-Za-z0-9])`, "gu");
  const notModel = rules.notModelPrefixes.map(modelKey).filter((k) => k.length > 0);

  const isModelish = (token: string): boolean => {
    const key = modelKey(token);
    if (key.length < 3 || !/\d/.test(key)) return false;
    // A figure with its unit ("10GBPS", "2048BIT", "1U") or a bare number is not a model.
    if (/^\d+(?:[KMGT]?(?:BPS|B|HZ|BIT|BITS|W|V|U|MM|CM|M|KG|G))?$/.test(key)) return false;
    // "AES256", "RSA2048", "FIPS1402", "QSFP28", "10GBASET": a prefix with a figure or a short suffix.
    return !notModel.some((p) => key.startsWith(p) && /^\d*[A-Z]{0,3}\d*$/.test(key.slice(p.length)) && key.length - p.length <= 6);
  };

  return (text) => {
    for (const m of text.matchAll(labelled)) {
      const token = trimToken(m[1] as string);
      if (/\d/.test(modelKey(token))) return { text: token, key: modelKey(token), how: "label" };
    }
    // An ERP or distributor line: the first token shaped like a part number — letters and digits
    // joined (SRX4600, FG-100F, ASA5516-FPWR-K9) — that is not an algorithm, a standard or a figure.
    for (const m of text.matchAll(partShaped)) {
      const token = trimToken(m[1] as string);
      const key = modelKey(token);
      if (!/[A-Z]/.test(key) || !/\d/.test(key)) continue;
      if (!/[A-Za-z][-_]?\d|\d[-_]?[A-Za-z]/.test(token)) continue;
      if (isModelish(token)) return { text: token, key, how: "part number" };
    }
    return null;
  };
}

/** Trailing punctuation belongs to the sentence, not the model. */
const trimToken = (token: string) => token.replace(/[-_./\uFF0D]+$/, "");
