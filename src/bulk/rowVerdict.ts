import type { Classifier } from "../core/classify.ts";
import type { Classification } from "../core/result.ts";
import type { ClassifyMany, RowVerdict } from "./pipeline.ts";

export type Lang = "en" | "zh";

/** The columns a bulk row carries, in the chosen language. */
export function toRowVerdict(c: Classification, lang: Lang): RowVerdict {
  const text = (o: Classification["import"]) => (lang === "zh" ? o.zh : o);
  return {
    importVerdict: c.import.verdict,
    importEntry: c.import.entry?.id ?? null,
    exportVerdict: c.export.verdict,
    exportEntry: c.export.entry?.id ?? null,
    missing: [...text(c.import).missing, ...text(c.export).missing.filter((q) => !text(c.import).missing.includes(q))],
    reasons: [...text(c.import).reasons.map((r) => `import: ${r}`), ...text(c.export).reasons.map((r) => `export: ${r}`)],
  };
}

/** Classification on this thread: for small batches and tests. */
export function classifyOnThisThread(classifier: Classifier, lang: Lang): ClassifyMany {
  return async (rows) => rows.map((r) => toRowVerdict(classifier.classify(r), lang));
}
