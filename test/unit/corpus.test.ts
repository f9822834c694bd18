import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FORMATS, corpusPart, loadCases } from "../corpus/corpus.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const cases = loadCases();

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

describe("the labelled corpus", () => {
  it("is well formed: unique ids, a source and a format for every case, entries where a verdict points at one", () => {
    expect(cases.length).toBeGreaterThanOrEqual(400);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      expect(c.source, c.id).toMatch(/\S/);
      expect(FORMATS, c.id).toContain(c.format);
      expect(c.input.description ?? c.input.hsCode, c.id).toBeTruthy();
    }
  });

  it("represents every format, both languages, published figures and hard negatives", () => {
    for (const f of FORMATS) expect(cases.filter((c) => c.format === f).length, f).toBeGreaterThanOrEqual(10);
    expect(cases.filter((c) => c.lang === "zh" || c.lang === "mixed").length).toBeGreaterThanOrEqual(cases.length * 0.45);
    expect(cases.filter((c) => c.figure).length).toBeGreaterThanOrEqual(150);
    const no = new Set(["not_listed", "below_threshold", "exempt"]);
    expect(cases.filter((c) => c.import.accept.every((v) => no.has(v)) && c.export.accept.every((v) => no.has(v))).length).toBeGreaterThanOrEqual(100);
  });

  it("splits by a fixed hash into a tuning part and a check part of about 60/40", () => {
    const check = cases.filter((c) => corpusPart(c.id) === "check").length;
    expect(check / cases.length).toBeGreaterThan(0.3);
    expect(check / cases.length).toBeLessThan(0.5);
    expect(corpusPart("CM-001")).toBe(corpusPart("CM-001"));
  });

  it("leaves no trace in the engine: no case id or text appears in src/ or data/", () => {
    const text = [...filesUnder(path.join(ROOT, "src")), ...filesUnder(path.join(ROOT, "data"))].map((f) => fs.readFileSync(f, "utf8")).join("\n");
    for (const c of cases) {
      expect(text.includes(`"${c.id}"`), c.id).toBe(false);
      const d = c.input.description ?? "";
      if (d.length >= 40) expect(text.includes(d.slice(0, 40)), `${c.id} text`).toBe(false);
    }
  });
});
