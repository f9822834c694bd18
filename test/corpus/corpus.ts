import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { VERDICTS } from "../../src/core/result.ts";

/** Formats the field pastes specs in: every one is represented in the corpus. */
export const FORMATS = [
  "prose",
  "spec_table",
  "declaration_elements",
  "erp_line",
  "distributor_listing",
  "ecommerce_title",
  "tender",
  "email",
  "datasheet_excerpt",
] as const;

const Direction = z.strictObject({
  accept: z.array(z.enum(VERDICTS)).min(1),
  entries: z.array(z.string().min(1)).nullable(),
});

/** A labelled case: the shape of ../shared/eval/dev.jsonl, plus where its facts came from and how it was pasted. */
export const LabelledCase = z.object({
  id: z.string().min(1),
  kind: z.string().optional(),
  group: z.string().optional(),
  lang: z.enum(["en", "zh", "mixed"]).optional(),
  name: z.string().optional(),
  input: z.strictObject({
    description: z.string().max(5000).optional(),
    hsCode: z.string().optional(),
    asOf: z.iso.date().optional(),
  }),
  import: Direction,
  export: Direction,
  clear: z.boolean().optional(),
  note: z.string().optional(),
  source: z.string().optional(),
  format: z.enum(FORMATS).optional(),
  figure: z.boolean().optional(),
});
export type LabelledCase = z.infer<typeof LabelledCase>;

export const CORPUS_DIR = import.meta.dirname;

/** Cases of one JSONL file, or of every file in test/corpus/; a bad line is an error naming file and line. */
export function loadCases(file?: string): LabelledCase[] {
  const files = file ? [file] : fs.readdirSync(CORPUS_DIR).filter((f) => f.endsWith(".jsonl")).sort().map((f) => path.join(CORPUS_DIR, f));
  const cases: LabelledCase[] = [];
  for (const f of files) {
    fs.readFileSync(f, "utf8")
      .split("\n")
      .forEach((text, i) => {
        if (!text.trim()) return;
        const parsed = LabelledCase.safeParse(JSON.parse(text));
        if (!parsed.success) throw new Error(`${path.basename(f)} line ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
        cases.push(parsed.data);
      });
  }
  return cases;
}

/**
 * The part a case belongs to, fixed by a hash of its id: about 60 % tuning, 40 % check. The engine
 * is changed looking at the tuning part only.
 */
export function corpusPart(id: string): "tune" | "check" {
  const n = createHash("sha256").update(id).digest().readUInt32BE(0);
  return n % 10 < 6 ? "tune" : "check";
}
