// Quick in-process run of the dev set (no server): prints misses.
import fs from "node:fs";
import { loadListData } from "../src/data/loadListData.ts";
import { createClassifier } from "../src/core/classify.ts";
const data = loadListData();
const c = createClassifier({ ...data, cacheSize: 0 });
const lines = fs.readFileSync(process.argv[2] ?? "../shared/eval/dev.jsonl", "utf8").split("\n").filter(Boolean);
let n = 0, hit = 0;
for (const line of lines) {
  const cs = JSON.parse(line);
  const r = c.classify({ ...cs.input, asOf: cs.input.asOf ?? "2026-11-29" });
  for (const d of ["import", "export"] as const) {
    const o = r[d]; const exp = cs[d]; n++;
    const okV = exp.accept.includes(o.verdict);
    const okE = !(okV && exp.entries && ["licence_required","needs_info","below_threshold"].includes(o.verdict)) || exp.entries.includes(o.entry?.id);
    if (okV && okE) hit++;
    else console.log(`MISS ${cs.id} ${d}: got ${o.verdict}/${o.entry?.id} want ${exp.accept}/${exp.entries} | ${o.reasons[0]} | ${JSON.stringify(cs.input).slice(0, 90)}`);
  }
}
console.log(`accuracy ${hit}/${n} = ${(100 * hit / n).toFixed(1)}%`);
