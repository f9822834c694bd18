import type { Classifier } from "../core/classify.ts";
import type { Classification } from "../core/result.ts";
import type { ClassifyMany, RowFailure, RowInput, RowVerdict } from "./pipeline.ts";

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
    questions: [...new Set([...c.import.questions, ...c.export.questions].map((q) => q.id))],
  };
}

/** Lookups per window over which the cache's hit rate is judged. */
export const WINDOW = 4096;
/** Below this share of hits in a window the cache costs more than it saves: it is dropped for a while. */
const MIN_HIT_RATE = 0.02;
/** Windows the cache stays off before it is tried again (catalogues change: a block of repeats may follow). */
export const OFF_WINDOWS = 16;

/**
 * Classifies bulk rows with a cache of their compact verdicts, for as long as it pays. Some files
 * repeat the same product names many times; real catalogues mostly do not (every SKU has its own
 * model number), and there a cache is only keys to build and memory to collect. So the hit rate is
 * watched window by window: under 2% the cache is emptied and left off for a while, then tried again.
 */
export function createRowClassifier(classifier: Classifier, cacheSize = 20_000): (row: RowInput, lang: Lang) => RowVerdict | RowFailure {
  const cache = new Map<string, RowVerdict>();
  let lookups = 0;
  let hits = 0;
  let offFor = 0;
  const endWindow = () => {
    if (offFor > 0) offFor--;
    else if (hits / WINDOW < MIN_HIT_RATE) {
      cache.clear();
      offFor = OFF_WINDOWS;
    }
    lookups = 0;
    hits = 0;
  };
  const classifyRow = (row: RowInput, lang: Lang): RowVerdict => {
    if (++lookups === WINDOW) endWindow();
    if (offFor > 0) return toRowVerdict(classifier.classify(row), lang);
    const key = `${lang}\u0000${row.asOf}\u0000${row.hsCode ?? ""}\u0000${row.description ?? ""}${row.answers ? `\u0000${JSON.stringify(row.answers)}` : ""}`;
    let verdict = cache.get(key);
    if (verdict) hits++;
    else {
      verdict = toRowVerdict(classifier.classify(row), lang);
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(key, verdict);
    }
    return verdict;
  };
  // One row that trips the engine is that row's error, not the end of the chunk (and of the batch).
  return (row, lang) => {
    try {
      return classifyRow(row, lang);
    } catch (err) {
      return { failed: (err as Error).message };
    }
  };
}

/** Rows with how each was read (`--trace`): not cached, for looking into a few rows rather than a catalogue. */
export function classifyWithTrace(classifier: Classifier, lang: Lang): ClassifyMany {
  return async (rows) =>
    rows.map((r) => {
      const c = classifier.classify(r, { trace: true });
      return { ...toRowVerdict(c, lang), trace: (c.trace ?? []).map((t) => `${t.step}${t.rules ? ` (rules ${t.rules})` : ""}: ${t.found.join("; ")}`) };
    });
}

/** Classification on this thread: for small batches, tests, and machines with one core. */
export function classifyOnThisThread(classifier: Classifier, lang: Lang): ClassifyMany {
  const classifyRow = createRowClassifier(classifier, 20_000);
  return async (rows) => rows.map((r) => classifyRow(r, lang));
}
