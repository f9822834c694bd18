/**
 * In-process classification throughput on a realistic mix, against the naive approach
 * (fuse.js with the whole description as the pattern), measured in one run so the ratio
 * holds on a shared, noisy machine.   npm run bench
 */
import Fuse from "fuse.js";
import { type Classifier, createClassifier } from "../src/core/classify.ts";
import { loadListData } from "../src/data/loadListData.ts";
import { realisticMix, type MixItem } from "./realisticMix.ts";

const AS_OF = "2026-11-29";
const { items, sources } = realisticMix();
const data = loadListData();

function measure(name: string, items: readonly MixItem[], run: (item: MixItem) => unknown, seconds: number, maxRuns = Infinity) {
  // Warm up the JIT on a slice of the mix before timing.
  for (let i = 0; i < Math.min(200, items.length); i++) run(items[i] as MixItem);
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  while (n < maxRuns && process.hrtime.bigint() < deadline) {
    run(items[n % items.length] as MixItem);
    n++;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = n / elapsed;
  console.log(`${name.padEnd(44)} ${Math.round(perSecond).toLocaleString("en-US").padStart(10)} /s   (${n.toLocaleString("en-US")} in ${elapsed.toFixed(2)} s)`);
  return perSecond;
}

console.log(`Mix: ${items.length.toLocaleString("en-US")} texts (${Object.entries(sources).map(([k, v]) => `${k} ${v}`).join(", ")}), one core.\n`);

const vocabularyTerms = data.vocabulary.productTypes.flatMap((t) => [...t.primary, ...t.hosts, ...t.features]);
const naiveFuse = new Fuse(vocabularyTerms, { includeScore: true, threshold: 0.4 });
const naive = measure("naive: fuse.js, whole description as pattern", items, (i) => naiveFuse.search(i.description), 5, 2000);

/** One timed pass over the mix. */
function timedPass(classifier: Classifier, name: string, note: string): number {
  const start = process.hrtime.bigint();
  for (const i of items) classifier.classify({ ...i, asOf: AS_OF });
  const perSecond = items.length / (Number(process.hrtime.bigint() - start) / 1e9);
  console.log(`${name.padEnd(44)} ${Math.round(perSecond).toLocaleString("en-US").padStart(10)} /s   (${note})`);
  return perSecond;
}

// The first pass runs while V8 is still compiling the engine's code, which costs it far more than the
// empty typo memo: a new classifier in a process already warm shows the memo's part alone.
const uncached = createClassifier({ ...data, cacheSize: 0 });
const cold = timedPass(uncached, "engine, no cache, first pass, cold process", "JIT still warming up; empty typo memo");
const engine = measure("engine, no cache, steady state", items, (i) => uncached.classify({ ...i, asOf: AS_OF }), 8);
timedPass(createClassifier({ ...data, cacheSize: 0 }), "engine, no cache, new classifier, warm process", "empty typo memo");

const cached = createClassifier({ ...data, cacheSize: 50_000 });
for (const i of items) cached.classify({ ...i, asOf: AS_OF });
const withCache = measure("engine, cache of inputs (warm)", items, (i) => cached.classify({ ...i, asOf: AS_OF }), 4);

console.log(`\nengine / naive: ${(cold / naive).toFixed(0)}x first pass, ${(engine / naive).toFixed(0)}x steady without cache, ${(withCache / naive).toFixed(0)}x with cache`);
