/**
 * A longer fuzz run than the tests make, for the record:   npm run fuzz  (FUZZ_RUNS=2000 by default)
 * Random and hostile inputs through the engine, the JSON API and the bulk pipeline; it reports
 * how many inputs each saw and fails on the first one that breaks a rule.
 */
import { PassThrough, Readable } from "node:stream";
import fc from "fast-check";
import request from "supertest";
import { stringify } from "csv-stringify/sync";
import { parse } from "csv-parse/sync";
import { createClassifier } from "../src/core/classify.ts";
import { VERDICTS } from "../src/core/result.ts";
import { loadListData } from "../src/data/loadListData.ts";
import { runBulk } from "../src/bulk/pipeline.ts";
import { classifyOnThisThread } from "../src/bulk/rowVerdict.ts";
import { testApp } from "../test/support/testApp.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const data = loadListData();
const classifier = createClassifier({ ...data, cacheSize: 0 });
const LEAK = /at [\w.<>]+ \(|node_modules|\/work\/|src\/[\w/]+\.ts|SqliteError|TypeError|RangeError/;

const fragments = [
  "服务器密码机", "SM4加解密速率 ", "Gbps", "10", "1.5 GB/s", "万次/秒", "HSM", "AES-256", "RSA", "2048", "不支持加密", "no encryption",
  "VPN gateway", "firewall throughput", "IPsec", "密钥管理系统", "1万个密钥对象", "量子密钥分发", "cryptanalysis", "consumer retail",
  "消费类", "电力专用", "<script>", "\u202e", "\u0000", "\ud800", "＝", "１０Ｇｂｐｓ", ",", "\n", '"', "=", "@", "+", "-",
];
const specText = fc.array(fc.constantFrom(...fragments), { maxLength: 25 }).map((a) => a.join(fc.sample(fc.constantFrom(" ", "，", ", ", ""), 1)[0]));
const anyText = fc.oneof(specText, fc.string({ unit: "binary", maxLength: 400 }), fc.string({ unit: "grapheme", maxLength: 200 }));

async function main() {
  const started = Date.now();
  let engine = 0;
  fc.assert(
    fc.property(anyText, fc.option(fc.string({ maxLength: 14 }), { nil: undefined }), fc.constantFrom("2020-06-01", "2024-11-30", "2024-12-01", "2026-11-29"), (text, hs, asOf) => {
      engine++;
      const r = classifier.classify({ description: text, hsCode: hs, asOf });
      for (const o of [r.import, r.export]) {
        if (!VERDICTS.includes(o.verdict)) throw new Error(`bad verdict ${o.verdict}`);
        if (o.verdict === "licence_required" && o.checks.some((c) => c.status !== "pass")) throw new Error("licence_required with a check not passed");
        if (o.verdict === "needs_info" && o.missing.length === 0) throw new Error("needs_info without a question");
      }
      for (const e of [...r.parameters.algorithms.map((a) => a.evidence), ...r.parameters.rates.map((x) => x.evidence)]) {
        if (text.slice(e.start, e.end) !== e.text) throw new Error("evidence does not quote the input");
      }
      const again = classifier.classify({ description: text, hsCode: hs, asOf });
      if (JSON.stringify(again) !== JSON.stringify(r)) throw new Error("not deterministic");
    }),
    { numRuns: RUNS * 5 },
  );

  const { app } = testApp();
  let api = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.record({ description: anyText, hsCode: fc.option(fc.string({ maxLength: 14 }), { nil: undefined }), asOf: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }) }, { requiredKeys: [] }),
        fc.jsonValue({ maxDepth: 3 }),
        fc.string({ unit: "binary", maxLength: 200 }),
      ),
      async (value) => {
        api++;
        const body = typeof value === "string" ? value : JSON.stringify(value);
        const res = await request(app).post("/api/v1/classify").set("content-type", "application/json").send(body);
        if (res.status >= 500) throw new Error(`5xx for ${body.slice(0, 200)}`);
        if (LEAK.test(res.text)) throw new Error(`leak for ${body.slice(0, 200)}`);
      },
    ),
    { numRuns: RUNS },
  );

  let bulkRows = 0;
  let bulkFiles = 0;
  const classifyMany = classifyOnThisThread(classifier, "en");
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(anyText, { minLength: 1, maxLength: 4 }), { maxLength: 30 }), fc.constantFrom(",", ";", "\t"), async (rows, delimiter) => {
      bulkFiles++;
      const text = stringify([["SKU", "description", "HS code"], ...rows], { delimiter });
      const out = new PassThrough();
      let written = "";
      out.on("data", (d) => (written += d));
      const summary = await runBulk({ input: Readable.from([Buffer.from(text)]), output: out, asOf: "2026-11-29", classifyMany, delimiter: delimiter as "," });
      bulkRows += summary.rows;
      if (summary.rows < rows.filter((r) => r.some((c) => c !== "")).length) throw new Error("rows lost");
      const cells = (parse(written.replace(/^\ufeff/, ""), { relax_column_count: true }) as string[][]).flat();
      for (const cell of cells) if (/^[=+\-@\t\r]/.test(cell)) throw new Error(`formula not neutralised: ${JSON.stringify(cell)}`);
    }),
    { numRuns: Math.max(50, Math.round(RUNS / 5)) },
  );

  console.log(
    `fuzz: ${engine.toLocaleString("en-US")} engine inputs, ${api.toLocaleString("en-US")} API requests, ${bulkFiles} CSV files (${bulkRows.toLocaleString("en-US")} rows); ` +
      `no failure in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
