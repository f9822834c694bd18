/**
 * Scores the classifier on labelled sets, in process, with the figures of ../shared/eval/score.py:
 * the dev set (when ../shared is beside the repository) and the two parts of test/corpus/ (tuning
 * and check, split by a fixed hash of each case's id), with a table per format.
 *
 *   npm run eval                          # dev set, corpus tuning part, corpus check part, each part per format
 *   npm run eval -- --show-misses tune    # and the misses of the tuning part (dev | tune | check | all)
 *   npm run eval -- path/to/cases.jsonl   # another labelled set
 *
 * The engine is changed looking at the tuning part only; the check part is the fair measure.
 */
import fs from "node:fs";
import path from "node:path";
import { loadListData } from "../src/data/loadListData.ts";
import { createClassifier } from "../src/core/classify.ts";
import type { Classification, Verdict } from "../src/core/result.ts";
import { corpusPart, loadCases, type LabelledCase } from "../test/corpus/corpus.ts";

const NO = new Set<Verdict>(["not_listed", "below_threshold", "exempt"]);
const FLAG = new Set<Verdict>(["licence_required", "needs_info"]);
const POINTING = new Set<Verdict>(["licence_required", "needs_info", "below_threshold"]);

interface Score {
  n: number;
  hits: number;
  nClear: number;
  hitsClear: number;
  entryN: number;
  entryHits: number;
  missedLicence: number;
  missedReview: number;
  falseAlarm: number;
  /** Directions whose accepted answers are all "no": the base of the false-alarm rate. */
  noDirections: number;
  /** Directions whose accepted answers are all flags: the base of the missed-review rate. */
  flagDirections: number;
  misses: string[];
}

const empty = (): Score => ({ n: 0, hits: 0, nClear: 0, hitsClear: 0, entryN: 0, entryHits: 0, missedLicence: 0, missedReview: 0, falseAlarm: 0, noDirections: 0, flagDirections: 0, misses: [] });

function score(cases: readonly LabelledCase[], classify: (c: LabelledCase) => Classification, into: (c: LabelledCase) => Score[]): void {
  for (const c of cases) {
    const res = classify(c);
    for (const d of ["import", "export"] as const) {
      const exp = c[d];
      const out = res[d];
      const accept = new Set(exp.accept);
      const okVerdict = accept.has(out.verdict);
      let okEntry = true;
      const targets = into(c);
      const entryCounted = okVerdict && exp.entries && exp.entries.length > 0 && POINTING.has(out.verdict);
      if (entryCounted) okEntry = exp.entries?.includes(out.entry?.id ?? "") ?? false;
      const ok = okVerdict && okEntry;
      for (const s of targets) {
        s.n++;
        if (ok) s.hits++;
        if (c.clear !== false) {
          s.nClear++;
          if (ok) s.hitsClear++;
        }
        if (entryCounted) {
          s.entryN++;
          if (okEntry) s.entryHits++;
        }
        const allNo = [...accept].every((v) => NO.has(v));
        const allFlag = [...accept].every((v) => FLAG.has(v));
        if (allNo) s.noDirections++;
        if (allFlag) s.flagDirections++;
        if (accept.size === 1 && accept.has("licence_required") && NO.has(out.verdict)) s.missedLicence++;
        if (allFlag && NO.has(out.verdict)) s.missedReview++;
        if (allNo && FLAG.has(out.verdict)) s.falseAlarm++;
        if (!ok) {
          s.misses.push(
            `MISS ${c.id} ${d}: got ${out.verdict}/${out.entry?.id ?? null} want ${[...accept].sort().join(",")}/${exp.entries?.join(",") ?? null}  ${JSON.stringify(c.input).slice(0, 150)}`,
          );
        }
      }
    }
  }
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : "n/a");

function line(name: string, cases: number, s: Score): string {
  return `| ${name} | ${cases} | ${pct(s.hits, s.n)} | ${pct(s.hitsClear, s.nClear)} | ${pct(s.entryHits, s.entryN)} | ${s.missedLicence} | ${s.missedReview} (${pct(s.missedReview, s.flagDirections)}) | ${s.falseAlarm} (${pct(s.falseAlarm, s.noDirections)}) |`;
}

function main(): number {
  const args = process.argv.slice(2);
  const showIndex = args.indexOf("--show-misses");
  const show = showIndex >= 0 ? (args[showIndex + 1] ?? "all") : null;
  const files = args.filter((a, i) => a.endsWith(".jsonl") && (showIndex < 0 || i !== showIndex + 1));
  const classifier = createClassifier({ ...loadListData(), cacheSize: 0 });
  const classify = (c: LabelledCase) =>
    classifier.classify({ description: c.input.description, hsCode: c.input.hsCode, asOf: c.input.asOf ?? "2026-12-01" });

  const sets: { name: string; cases: LabelledCase[]; key: string }[] = [];
  if (files.length > 0) {
    for (const f of files) sets.push({ name: path.basename(f), cases: loadCases(f), key: "all" });
  } else {
    const dev = path.resolve(import.meta.dirname, "../../shared/eval/dev.jsonl");
    if (fs.existsSync(dev)) sets.push({ name: "dev set", cases: loadCases(dev), key: "dev" });
    else console.warn("(no ../shared/eval/dev.jsonl beside the repository: the dev set is left out)");
    const corpus = loadCases();
    sets.push({ name: "corpus, tuning part", cases: corpus.filter((c) => corpusPart(c.id) === "tune"), key: "tune" });
    sets.push({ name: "corpus, check part", cases: corpus.filter((c) => corpusPart(c.id) === "check"), key: "check" });
  }

  console.log("| set | cases | accuracy | clear accuracy | entry accuracy | missed licence | missed review | false alarms |");
  console.log("|---|---|---|---|---|---|---|---|");
  // Per format, for each corpus part: where the engine reads well and where it does not.
  const byFormat = { tune: new Map<string, { n: number; s: Score }>(), check: new Map<string, { n: number; s: Score }>() };
  const shown: string[] = [];
  for (const set of sets) {
    const s = empty();
    const formats = set.key === "tune" || set.key === "check" ? byFormat[set.key] : null;
    for (const c of formats ? set.cases : []) {
      const f = c.format ?? "unknown";
      const entry = formats?.get(f) ?? { n: 0, s: empty() };
      entry.n++;
      formats?.set(f, entry);
    }
    score(set.cases, classify, (c) => (formats ? [s, (formats.get(c.format ?? "unknown") as { s: Score }).s] : [s]));
    console.log(line(set.name, set.cases.length, s));
    if (show === "all" || show === set.key) shown.push(...s.misses);
  }
  for (const [key, title] of [["tune", "Tuning part by format"], ["check", "Check part by format"]] as const) {
    if (byFormat[key].size === 0) continue;
    console.log(`\n${title}:\n`);
    console.log("| format | cases | accuracy | clear accuracy | entry accuracy | missed licence | missed review | false alarms |");
    console.log("|---|---|---|---|---|---|---|---|");
    for (const [f, { n, s }] of [...byFormat[key]].sort((a, b) => a[0].localeCompare(b[0]))) console.log(line(f, n, s));
  }
  if (shown.length > 0) console.log(`\n${shown.join("\n")}`);
  return 0;
}

process.exit(main());
