import type { Worksheet } from "exceljs";
import { spawn } from "node:child_process";
import http from "node:http";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import request from "supertest";
import iconv from "iconv-lite";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { RESULT_COLUMNS, runBulk } from "../../src/bulk/pipeline.ts";
import { classifyOnThisThread } from "../../src/bulk/rowVerdict.ts";
import { VERDICTS } from "../../src/core/result.ts";
import { MISSING_MARK } from "../../src/web/i18n/index.ts";
import { closeTestApps, formClient, testApp } from "../support/testApp.ts";

// The whole file runs twice: batches on the thread answering requests, and (CLC_TEST_BATCH_THREAD=1,
// see vitest.config.ts) on a batch thread as the server runs them.
afterEach(closeTestApps);

type TestApp = ReturnType<typeof testApp>;
type App = TestApp["app"];

const AS_OF = "2026-11-29";
const ID = /^[A-Za-z0-9_-]{22}$/;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const HEADER = ["SKU", "品名", "HS code", "Notes"];
const ROWS: string[][] = [
  ["A-1001", "服务器密码机，SM4加解密速率 20Gbps，SM2签名速率 8万次/秒，机架式", "8543709950", ""],
  ["A-1002", "IPsec VPN gateway, AES-256, IPsec throughput 40 Gbps", "8517622920", "=HYPERLINK(\"http://evil\")"],
  ["A-1003", "", "", "no description, no HS code"],
  ["A-1004", "密钥管理系统，可管理1万个密钥对象，支持SM2/SM4", "", "multi\nline"],
  ["A-1005", "5G 智能手机，文件加密，消费类零售", "8517130000", ""],
  ["A-1006", "24口千兆交换机，不支持加密", "851762", "-1"],
  ["A-1007", "", "8543709950", "HS code only"],
];
const CSV = stringify([HEADER, ...ROWS], { record_delimiter: "windows" });

/** Collects a response body as raw bytes, whatever its content type. */
const binary = (res: unknown, callback: (err: Error | null, body: Buffer) => void) => {
  // At run time superagent hands the parser the Node response stream.
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on("data", (d: Buffer) => chunks.push(d));
  stream.on("end", () => callback(null, Buffer.concat(chunks)));
};

const cellsOf = (bytes: Buffer): string[][] => parse(bytes.toString("utf8").replace(/^\ufeff/, ""), { relax_column_count: true }) as string[][];

type Client = Awaited<ReturnType<typeof formClient>>;

/** A browser on the upload page: its cookies and the CSRF token the form posts with. */
const browser = (app: App): Promise<Client> => formClient(app, "/bulk");

/** POST /bulk as the form does: multipart, with the CSRF token in the query string. */
function postUpload(client: Client, body: string | Buffer, fields: Record<string, string> = { asOf: AS_OF }, name = "skus.csv") {
  let req = client.agent.post(`/bulk?_csrf=${encodeURIComponent(client.csrf)}`).attach("file", Buffer.isBuffer(body) ? body : Buffer.from(body), name);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}

async function upload(app: App | Client, body: string | Buffer, fields: Record<string, string> = { asOf: AS_OF }, name = "skus.csv"): Promise<string> {
  const client = "agent" in app ? app : await browser(app);
  const res = await postUpload(client, body, fields, name);
  expect(res.status).toBe(303);
  expect(res.headers.location).toMatch(/^\/b\/[A-Za-z0-9_-]{22}$/);
  return (res.headers.location as string).slice(3);
}

async function uploaded(t: TestApp, body: string | Buffer = CSV, fields?: Record<string, string>): Promise<string> {
  const id = await upload(t.app, body, fields);
  await t.deps.bulk.jobs.idle();
  return id;
}

const shown = (html: string) => /Rows (\d+)–(\d+) of (\d+)/.exec(html)?.slice(1).map(Number) ?? null;

describe("GET /bulk and the sample", () => {
  it.each([
    ["en", "Accept-Language", "en-GB,en;q=0.9", '<html lang="en">', "Classify a CSV"],
    ["zh", "Accept-Language", "zh-CN,zh;q=0.9", 'lang="zh-Hans"', "批量分类（CSV）"],
    ["zh (cookie)", "Cookie", "lang=zh", 'lang="zh-Hans"', "上传并分类"],
  ])("shows the upload form in %s with every message translated", async (_lang, header, value, htmlLang, text) => {
    const { app } = testApp();
    const res = await request(app).get("/bulk").set(header, value);
    expect(res.status).toBe(200);
    expect(res.text).toContain(htmlLang);
    expect(res.text).toContain(text);
    expect(res.text).not.toContain(MISSING_MARK);
    expect(res.text).toContain('enctype="multipart/form-data"');
    expect(res.text).toContain('name="file"');
    expect(res.text).toContain(`value="${AS_OF}"`);
    expect(res.text).toContain('href="/bulk/sample.csv"');
  });

  it("serves the sample as a CSV attachment that classifies cleanly", async () => {
    const t = testApp();
    const res = await request(t.app).get("/bulk/sample.csv").buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="?sample-skus\.csv"?$/);
    const body = res.body as Buffer;
    expect(body.subarray(0, 3)).toEqual(UTF8_BOM);

    const output = new PassThrough();
    const out: Buffer[] = [];
    output.on("data", (d: Buffer) => out.push(d));
    const summary = await runBulk({ input: Readable.from([body]), output, asOf: AS_OF, classifyMany: classifyOnThisThread(t.deps.classifier, "en") });
    expect(summary).toMatchObject({ rows: 7, errors: 0, encoding: "utf-8", delimiter: "," });
    expect(summary.mapping).toMatchObject({ sku: 0, description: 1, hsCode: 2 });
    expect(summary.byVerdict.import.licence_required).toBeGreaterThanOrEqual(2);

    // …and the same file through the upload.
    const id = await uploaded(t, body);
    expect(t.store.batches.get(id)).toMatchObject({ status: "done", rowsDone: 7, errors: 0 });
  });
});

describe("POST /bulk and the batch page", () => {
  it("uploads, classifies in the background and shows status, summary, rows and the column form", async () => {
    const t = testApp();
    const id = await upload(t.app, CSV, { asOf: AS_OF });
    await t.deps.bulk.jobs.idle();
    const batch = t.store.batches.get(id);
    expect(batch).toMatchObject({ status: "done", fileName: "skus.csv", source: "upload", rowsDone: ROWS.length, errors: 1, header: HEADER });
    expect(batch?.options).toMatchObject({ asOf: AS_OF, lang: "en", encoding: null, delimiter: null });
    expect(batch?.editions).toBe("import-2021,export-2024");

    const page = await request(t.app).get(`/b/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(MISSING_MARK);
    expect(page.text).toContain("status-pill--done");
    expect(page.text).toContain("Finished");
    expect(page.text).toContain(`${ROWS.length} rows classified`);
    expect(page.text).toContain('Bad rows: <span data-field="errors">1</span>');
    expect(page.text).toContain("Read as UTF-8, delimiter ,");
    // The summary links every verdict count to the filtered rows.
    expect(page.text).toContain(`href="/b/${id}?direction=export&amp;verdict=licence_required"`);
    // The rows table, with the bad row's problem and permalinks for the others.
    expect(page.text).toContain('<table class="batch-rows">');
    expect(page.text).toContain("IPsec VPN gateway, AES-256, IPsec throughput 40 Gbps");
    expect(page.text).toContain("line 4: no description and no HS code");
    expect(page.text).toContain(`href="/b/${id}/rows/1"`);
    expect(page.text).not.toContain(`href="/b/${id}/rows/3"`);
    expect(shown(page.text)).toEqual([1, ROWS.length, ROWS.length]);
    // The mapping form, with the detected columns selected.
    expect(page.text).toContain(`action="/b/${id}/rerun"`);
    expect(page.text).toMatch(/<select id="map-description" name="description">[\s\S]*?<option value="1" selected>2\. 品名<\/option>/);
    expect(page.text).toMatch(/<select id="map-hsCode" name="hsCode">[\s\S]*?<option value="2" selected>3\. HS code<\/option>/);
    expect(page.text).toContain(`href="/b/${id}/result.csv"`);
    // Finished: no polling script.
    expect(page.text).not.toContain("/static/batch.js");
  });

  it("shows the batch page in Chinese too", async () => {
    const t = testApp();
    const id = await uploaded(t);
    const page = await request(t.app).get(`/b/${id}`).set("Cookie", "lang=zh");
    expect(page.status).toBe(200);
    expect(page.text).toContain('lang="zh-Hans"');
    expect(page.text).not.toContain(MISSING_MARK);
    const list = await request(t.app).get("/batches").set("Cookie", "lang=zh");
    expect(list.text).not.toContain(MISSING_MARK);
  });

  it("answers progress.json", async () => {
    const t = testApp();
    const id = await upload(t.app, CSV);
    await t.deps.bulk.jobs.idle();
    const res = await request(t.app).get(`/b/${id}/progress.json`);
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body).toEqual({
      status: "done",
      rowsDone: ROWS.length,
      errors: 1,
      fraction: 1,
      estimatedTotal: ROWS.length,
      rowsPerSecond: null,
      secondsLeft: 0,
    });
  });

  it("reports a queued batch before it has run", async () => {
    const t = testApp();
    const id = await upload(t.app, CSV);
    const res = await request(t.app).get(`/b/${id}/progress.json`);
    expect(["queued", "running", "done"]).toContain(res.body.status);
    await t.deps.bulk.jobs.idle();
  });

  it("downloads result.csv exactly as the pipeline writes it", async () => {
    const t = testApp();
    const id = await uploaded(t);
    const res = await request(t.app).get(`/b/${id}/result.csv`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="?skus-classified\.csv"?$/);
    const body = res.body as Buffer;
    expect(body.subarray(0, 3)).toEqual(UTF8_BOM);

    const rows = cellsOf(body);
    expect(rows[0]).toEqual([...HEADER, ...RESULT_COLUMNS]);
    expect(rows).toHaveLength(ROWS.length + 1);
    const col = (name: string) => (rows[0] as string[]).indexOf(name);
    // Input cells kept, formulas neutralised.
    expect(rows[2]?.[3]).toBe("'=HYPERLINK(\"http://evil\")");
    expect(rows[6]?.[3]).toBe("'-1");
    expect(rows[4]?.[3]).toBe("multi\nline");
    // A permalink for every classified row, none for the bad one.
    const permalinks = rows.slice(1).map((r) => r[col("permalink")] as string);
    permalinks.forEach((p, i) => {
      if (i === 2) expect(p).toBe("");
      else expect(p).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/b/${id}/rows/${i + 1}$`));
    });
    expect(rows[3]?.[col("error")]).toBe("line 4: no description and no HS code");

    // The same bytes as the pipeline run on the same file.
    const base = (permalinks[0] as string).replace(/\/b\/.*$/, "");
    const output = new PassThrough();
    const out: Buffer[] = [];
    output.on("data", (d: Buffer) => out.push(d));
    await runBulk({
      input: Readable.from([Buffer.from(CSV)]),
      output,
      asOf: AS_OF,
      classifyMany: classifyOnThisThread(t.deps.classifier, "en"),
      permalinkFor: (row) => `${base}/b/${id}/rows/${row}`,
    });
    expect(body.equals(Buffer.concat(out))).toBe(true);
  });

  it("opens a row's permalink as a stored classification, the same record every time, and never writes on GET", async () => {
    const t = testApp();
    const id = await uploaded(t);
    const client = await browser(t.app);
    // Crawlers and prefetchers send GETs: opening the link shows the row and a button, and stores nothing.
    for (let i = 0; i < 5; i++) {
      const page = await client.agent.get(`/b/${id}/rows/2`);
      expect(page.status).toBe(200);
      expect(page.text).toContain("IPsec VPN gateway");
      expect(page.text).toMatch(new RegExp(`<form method="post" action="/b/${id}/rows/2"`));
    }
    expect(t.store.batches.row(id, 2)?.recordId).toBeNull();
    const forged = await client.agent.post(`/b/${id}/rows/2`).type("form").send({ _csrf: "forged" });
    expect(forged.status).toBe(403);
    const first = await client.agent.post(`/b/${id}/rows/2`).type("form").send({ _csrf: client.csrf });
    expect(first.status).toBe(303);
    expect(first.headers.location).toMatch(/^\/c\/[A-Za-z0-9_-]{22}$/);
    const second = await request(t.app).get(`/b/${id}/rows/2`);
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    const again = await client.agent.post(`/b/${id}/rows/2`).type("form").send({ _csrf: client.csrf });
    expect(again.headers.location).toBe(first.headers.location);
    const record = t.store.get((first.headers.location as string).slice(3));
    expect(record?.import.verdict).toBe("licence_required");
    expect(record?.asOf).toBe(AS_OF);
    const result = await request(t.app).get(first.headers.location as string);
    expect(result.status).toBe(200);
    expect(result.text).toContain("IPsec VPN gateway");
    // Another row gets another record.
    const other = await client.agent.post(`/b/${id}/rows/1`).type("form").send({ _csrf: client.csrf });
    expect(other.headers.location).toMatch(/^\/c\//);
    expect(other.headers.location).not.toBe(first.headers.location);
  });

  it.each(["3", "0", "-1", "8", "999", "1.5", "abc", "..%2F..%2Fetc%2Fpasswd"])("answers 404 for row %s (bad row, out of range or not a number)", async (row) => {
    const t = testApp();
    const id = await uploaded(t);
    const res = await request(t.app).get(`/b/${id}/rows/${row}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain("This batch has no classified row with that number.");
  });

  it("filters rows by direction and verdict, by errors, and pages them", async () => {
    const t = testApp();
    const many = [HEADER, ...Array.from({ length: 120 }, (_, i) => (ROWS[i % ROWS.length] as string[]).map((c, k) => (k === 0 ? `P-${i + 1}` : c)))];
    const id = await uploaded(t, stringify(many));
    const summary = t.store.batches.get(id)?.summary;
    expect(summary?.rows).toBe(120);

    const all = await request(t.app).get(`/b/${id}`);
    expect(shown(all.text)).toEqual([1, 50, 120]);
    expect(all.text).toContain("1 / 3");
    expect(all.text).toContain('rel="next"');
    expect(all.text).not.toContain('rel="prev"');

    const last = await request(t.app).get(`/b/${id}?page=3`);
    expect(shown(last.text)).toEqual([101, 120, 120]);
    expect(last.text).toContain("P-120");
    expect(last.text).not.toContain(">P-100<");
    expect(last.text).toContain('rel="prev"');
    expect(last.text).not.toContain('rel="next"');

    const beyond = await request(t.app).get(`/b/${id}?page=99`);
    expect(beyond.status).toBe(200);
    expect(beyond.text).toContain("No rows match.");

    const exportRequired = summary?.byVerdict.export.licence_required ?? 0;
    expect(exportRequired).toBeGreaterThan(0);
    const filtered = await request(t.app).get(`/b/${id}?direction=export&verdict=licence_required`);
    expect(shown(filtered.text)?.[2]).toBe(exportRequired);
    expect(filtered.text).toContain('<option value="export" selected>');
    expect(filtered.text).toContain('<option value="licence_required" selected>');
    expect(filtered.text).not.toContain("24口千兆交换机");
    // Paging keeps the filter.
    if (exportRequired > 50) expect(filtered.text).toContain(`?direction=export&amp;verdict=licence_required&amp;page=2`);

    const importExempt = await request(t.app).get(`/b/${id}?direction=import&verdict=exempt`);
    expect(shown(importExempt.text)?.[2]).toBe(summary?.byVerdict.import.exempt);

    const errors = await request(t.app).get(`/b/${id}?errors=1`);
    expect(shown(errors.text)?.[2]).toBe(summary?.errors);
    expect(errors.text).toContain("no description and no HS code");
    expect(errors.text).toContain("checked");
    expect(errors.text).not.toContain("IPsec VPN gateway");

    // Nonsense filters are ignored, not errors.
    const junk = await request(t.app).get(`/b/${id}?direction=sideways&verdict=maybe&page=-4`);
    expect(junk.status).toBe(200);
    expect(shown(junk.text)).toEqual([1, 50, 120]);
  });

  it("re-runs a batch with a different description column as a new batch", async () => {
    const t = testApp();
    const client = await browser(t.app);
    const id = await upload(client, CSV);
    await t.deps.bulk.jobs.idle();
    const form = await client.agent.get(`/b/${id}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? "";
    expect(csrf).not.toBe("");
    // Without the form's token the re-run is refused.
    expect((await client.agent.post(`/b/${id}/rerun`).type("form").send({ description: "3" })).status).toBe(403);
    // Column 3 (Notes) as the description, no HS code column.
    const res = await client.agent.post(`/b/${id}/rerun`).type("form").send({ description: "3", hsCode: "", sku: "0", asOf: "", _csrf: csrf });
    expect(res.status).toBe(303);
    const next = (res.headers.location as string).slice(3);
    expect(next).toMatch(ID);
    expect(next).not.toBe(id);
    await t.deps.bulk.jobs.idle();
    const batch = t.store.batches.get(next);
    expect(batch).toMatchObject({ status: "done", fileName: "skus.csv" });
    expect(batch?.options.mapping).toEqual({ description: 3, hsCode: null, sku: 0, asOf: null });
    expect(batch?.summary?.mapping).toEqual({ description: 3, hsCode: null, sku: 0, asOf: null });
    const { rows } = t.store.batches.rows(next, { offset: 0, limit: 50 });
    expect(rows.map((r) => r.description)).toEqual(ROWS.map((r) => (r[3] === "" ? null : r[3])));
    // The rows with empty notes are now the bad ones.
    expect(batch?.errors).toBe(ROWS.filter((r) => r[3] === "").length);
    const page = await request(t.app).get(`/b/${next}`);
    expect(page.text).toMatch(/<select id="map-description" name="description">[\s\S]*?<option value="3" selected>4\. Notes<\/option>/);
    // The first batch is untouched.
    expect(t.store.batches.get(id)?.summary?.mapping.description).toBe(1);
  });

  it("ignores column numbers outside the header when re-running", async () => {
    const t = testApp();
    const client = await browser(t.app);
    const id = await upload(client, CSV);
    await t.deps.bulk.jobs.idle();
    const res = await client.agent.post(`/b/${id}/rerun`).type("form").send({ description: "99", hsCode: "-1", sku: "x", asOf: "1.5", _csrf: client.csrf });
    expect(res.status).toBe(303);
    await t.deps.bulk.jobs.idle();
    const next = t.store.batches.get((res.headers.location as string).slice(3));
    expect(next?.options.mapping).toEqual({ description: null, hsCode: null, sku: null, asOf: null });
    // With no description and no HS code column the batch cannot run: it fails with the reason, it does not crash.
    expect(next?.status).toBe("failed");
    expect(next?.message).toMatch(/No description or HS code column/);
  });

  it("lists batches, newest first", async () => {
    const t = testApp();
    const empty = await request(t.app).get("/batches");
    expect(empty.status).toBe(200);
    expect(empty.text).toContain("No batches yet.");
    const a = await upload(t.app, CSV, { asOf: AS_OF }, "first.csv");
    const b = await upload(t.app, CSV, { asOf: AS_OF }, "second <b>.csv");
    await t.deps.bulk.jobs.idle();
    const res = await request(t.app).get("/batches");
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(MISSING_MARK);
    expect(res.text).toContain(`<a href="/b/${a}">first.csv</a>`);
    expect(res.text).toContain(`<a href="/b/${b}">second &lt;b&gt;.csv</a>`);
    expect(res.text.match(/status-pill--done/g)).toHaveLength(2);
  });

  it("shows a batch that cannot be read as failed, with the reason, and has no result to download", async () => {
    const t = testApp();
    const id = await uploaded(t, "A-1001,IPsec VPN gateway,8517622920\nA-1002,HSM,8543709950\n");
    expect(t.store.batches.get(id)?.status).toBe("failed");
    const page = await request(t.app).get(`/b/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("status-pill--failed");
    expect(page.text).toContain("No description or HS code column found");
    // The reason is in the reader's language, not the pipeline's English.
    const zh = await request(t.app).get(`/b/${id}`).set("Cookie", "lang=zh");
    expect(zh.text).toContain("表头中未找到描述列或HS编码列");
    expect(zh.text).not.toContain("No description or HS code column found");
    const download = await request(t.app).get(`/b/${id}/result.csv`);
    expect(download.status).toBe(409);
    const row = await request(t.app).get(`/b/${id}/rows/1`);
    expect(row.status).toBe(404);
  });

  it("honours the encoding and delimiter chosen on the form", async () => {
    const t = testApp();
    const gb = iconv.encode(stringify([HEADER, ...ROWS], { delimiter: ";" }), "gb18030");
    const id = await uploaded(t, gb, { asOf: AS_OF, encoding: "GBK", delimiter: ";" });
    const batch = t.store.batches.get(id);
    expect(batch?.options).toMatchObject({ encoding: "gb18030", delimiter: ";" });
    expect(batch).toMatchObject({ status: "done", rowsDone: ROWS.length, errors: 1, header: HEADER });
  });
});

describe("POST /bulk: rejected uploads", () => {
  it("refuses an upload without the form's CSRF token with 403", async () => {
    const t = testApp();
    const bare = await request(t.app).post("/bulk").attach("file", Buffer.from(CSV), "skus.csv").field("asOf", AS_OF);
    expect(bare.status).toBe(403);
    const client = await browser(t.app);
    const forged = await client.agent.post("/bulk?_csrf=forged").attach("file", Buffer.from(CSV), "skus.csv").field("asOf", AS_OF);
    expect(forged.status).toBe(403);
    expect(t.store.batches.list(10)).toHaveLength(0);
  });

  it("answers a form without a file with 400 and an error summary", async () => {
    const { app } = testApp();
    const client = await browser(app);
    const res = await client.agent.post(`/bulk?_csrf=${encodeURIComponent(client.csrf)}`).field("asOf", AS_OF);
    expect(res.status).toBe(400);
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toContain('<a href="#file">Choose a CSV file to upload.</a>');
    expect(res.text).toContain(`value="${AS_OF}"`);
  });

  it("answers an empty file with 400", async () => {
    const { app } = testApp();
    const res = await postUpload(await browser(app), Buffer.alloc(0), { asOf: AS_OF }, "empty.csv");
    expect(res.status).toBe(400);
    expect(res.text).toContain("Choose a CSV file to upload.");
  });

  it.each([
    [{ asOf: "2026-02-30" }, "#asOf"],
    [{ asOf: "29/11/2026" }, "#asOf"],
    [{ asOf: AS_OF, encoding: "latin1" }, "#encoding"],
    [{ asOf: AS_OF, delimiter: "|" }, "#delimiter"],
  ])("answers bad options %j with 400 naming the field", async (fields, anchor) => {
    const t = testApp();
    const res = await postUpload(await browser(t.app), CSV, fields);
    expect(res.status).toBe(400);
    expect(res.text).toContain(`href="${anchor}"`);
    expect(t.store.batches.list(10)).toHaveLength(0);
  });

  it("answers a file over the limit with 413 and keeps no batch", async () => {
    const t = testApp({ maxUploadBytes: 1000 });
    const big = stringify([HEADER, ...Array.from({ length: 40 }, () => ROWS[1] as string[])]);
    expect(big.length).toBeGreaterThan(1000);
    const client = await browser(t.app);
    const res = await postUpload(client, big, { asOf: AS_OF }, "big.csv");
    expect(res.status).toBe(413);
    expect(res.text).toContain('class="error-summary"');
    expect(t.store.batches.list(10)).toHaveLength(0);
    // Just under the limit is fine.
    const small = await postUpload(client, CSV, { asOf: AS_OF }, "small.csv");
    expect(small.status).toBe(303);
    await t.deps.bulk.jobs.idle();
  });

  it.each([
    ["a urlencoded form", "application/x-www-form-urlencoded", "asOf=2026-11-29"],
    ["JSON", "application/json", '{"asOf":"2026-11-29"}'],
    ["a CSV body", "text/csv", CSV],
    ["multipart without a boundary", "multipart/form-data", "x"],
  ])("answers %s with 400", async (_name, type, body) => {
    const { app } = testApp();
    const client = await browser(app);
    const res = await client.agent.post(`/bulk?_csrf=${encodeURIComponent(client.csrf)}`).set("Content-Type", type).send(body);
    expect(res.status).toBe(400);
    expect(res.text).toContain('class="error-summary"');
  });

  // Guards against a past bug: when busboy fails on a multipart body that ends early without a file part in flight (e.g. a form cut off by
  // the network, or any client sending a bare boundary) the router calls next(err) — a 500 — and then its "close"
  // handler renders the form as well, which throws "Cannot set headers after they are sent" outside any handler. server.ts installs no uncaughtException handler,
  // so one such request stops the whole server. The app runs in a child process here so the crash cannot take the
  // test runner with it.
  it("survives a truncated multipart upload and answers it with 400", async () => {
    const testAppUrl = new URL("../support/testApp.ts", import.meta.url).href;
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const { testApp } = await import(${JSON.stringify(testAppUrl)});
         const server = testApp().app.listen(0, "127.0.0.1", () => console.log("PORT " + server.address().port));`,
      ],
      { cwd: fileURLToPath(new URL("../..", import.meta.url)), stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          const m = /PORT (\d+)/.exec(d.toString());
          if (m) resolve(Number(m[1]));
        });
        child.on("exit", () => reject(new Error("the server did not start")));
      });
      const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
        new Promise<{ status: number; cookies: string[]; text: string }>((resolve, reject) => {
          const req = http.request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (text += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, cookies: res.headers["set-cookie"] ?? [], text }));
          });
          req.on("error", reject);
          req.end(body);
        });
      // A browser first: the session cookies and the form's CSRF token.
      const form = await send("GET", "/bulk");
      const cookie = form.cookies.map((c) => c.split(";")[0]).join("; ");
      const action = /action="(\/bulk\?_csrf=[^"]+)"/.exec(form.text)?.[1] as string;
      expect(action).toBeDefined();
      // The form's fields arrive, the connection ends before the closing boundary (and before any file part).
      const truncated = '--xyz\r\nContent-Disposition: form-data; name="asOf"\r\n\r\n2026-11-29';
      const upload = await send("POST", action.replace(/&amp;/g, "&"), { "Content-Type": "multipart/form-data; boundary=xyz", Cookie: cookie }, truncated);
      await new Promise((r) => setTimeout(r, 300));
      const alive = await send("GET", "/healthz").catch(() => ({ status: 0 }));
      expect(alive.status).toBe(200);
      expect(upload.status).toBe(400);
    } finally {
      child.kill();
    }
  });
});

describe("POST /bulk: a cut-off upload", () => {
  // Guards against a past bug: a multipart body that ends inside the file part ("Unexpected end of form") is answered 500 and logged as a
  // server error, though it is the client's request that is broken (the error handler gives other unreadable
  // requests a 4xx).
  it("answers a file part cut off before the closing boundary with 400, not 500", async () => {
    // The error handler logs it as a server error; keep the test output clean.
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    onTestFinished(() => quiet.mockRestore());
    const t = testApp();
    const client = await browser(t.app);
    const truncated = '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nSKU,description\r\nA,HSM';
    const res = await client.agent
      .post(`/bulk?_csrf=${encodeURIComponent(client.csrf)}`)
      .set("Content-Type", "multipart/form-data; boundary=xyz")
      .send(truncated);
    expect(res.status).toBe(400);
  });
});

describe("batch ids that do not exist", () => {
  const bad = ["nope", "AAAAAAAAAAAAAAAAAAAAAA", "..%2F..%2Fetc%2Fpasswd", "..%2F..%2Fpackage.json", "%2e%2e", "%00", "A".repeat(200)];

  it.each(bad)("answers 404 for /b/%s and its sub-pages", async (id) => {
    const { app } = testApp();
    for (const path of [`/b/${id}`, `/b/${id}/result.csv`, `/b/${id}/rows/1`]) {
      const res = await request(app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toContain("{");
    }
    const progress = await request(app).get(`/b/${id}/progress.json`);
    expect(progress.status).toBe(404);
    expect(progress.body).toEqual({ error: "No batch with this id.", fields: {} });
    const client = await browser(app);
    const rerun = await client.agent.post(`/b/${id}/rerun`).type("form").send({ description: "1", _csrf: client.csrf });
    expect(rerun.status).toBe(404);
  });

  it("does not serve files from the batch folder by a path", async () => {
    const t = testApp();
    const id = await uploaded(t);
    for (const path of [`/b/..%2F${id}.csv`, `/b/${id}.csv/result.csv`, `/b/${id}%2F..%2F${id}/result.csv`, `/b/${id}.upload`]) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(404);
    }
  });
});

describe("POST /api/v1/classify/batch", () => {
  const api = (app: App, query = "") => request(app).post(`/api/v1/classify/batch${query}`);

  it("streams the classified CSV back with the batch id", async () => {
    const t = testApp();
    const res = await api(t.app, `?asOf=${AS_OF}`).set("Content-Type", "text/csv").send(Buffer.from(CSV)).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv; charset=utf-8/);
    const id = res.headers["x-batch-id"] as string;
    expect(id).toMatch(ID);
    const body = res.body as Buffer;
    expect(body.subarray(0, 3)).toEqual(UTF8_BOM);
    const rows = cellsOf(body);
    expect(rows[0]).toEqual([...HEADER, ...RESULT_COLUMNS]);
    expect(rows.slice(1).map((r) => r.slice(0, 4))).toEqual(ROWS.map((r) => r.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c))));
    expect(rows[2]?.slice(4, 8)).toEqual(["licence_required", "I-4", "licence_required", "5A002.c"]);
    expect(rows[2]?.[4 + RESULT_COLUMNS.indexOf("permalink")]).toMatch(new RegExp(`/b/${id}/rows/2$`));
    expect(rows[3]?.[4 + RESULT_COLUMNS.indexOf("error")]).toBe("line 4: no description and no HS code");
    // The batch is stored, and its rows' permalinks work.
    expect(t.store.batches.get(id)).toMatchObject({ status: "done", source: "api", rowsDone: ROWS.length, errors: 1 });
    const permalink = await request(t.app).get(`/b/${id}/rows/2`);
    expect(permalink.status).toBe(200);
  });

  it("accepts application/csv too", async () => {
    const t = testApp();
    const res = await api(t.app).set("Content-Type", "application/csv; charset=utf-8").send(CSV);
    expect(res.status).toBe(200);
  });

  it("answers JSON lines when asked", async () => {
    const t = testApp();
    const res = await api(t.app).set("Content-Type", "text/csv").set("Accept", "application/x-ndjson").send(CSV).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    expect(res.headers["x-batch-id"]).toMatch(ID);
    const lines = (res.body as Buffer)
      .toString("utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(ROWS.length);
    lines.forEach((l, i) => {
      expect(l.row).toBe(i + 1);
      expect(typeof l.line).toBe("number");
      expect(l.columns).toEqual(Object.fromEntries(HEADER.map((h, k) => [h, (ROWS[i] as string[])[k]])));
      if (i === 2) expect(l).toMatchObject({ import: null, export: null, error: "line 4: no description and no HS code" });
      else {
        expect(l.error).toBeNull();
        expect(VERDICTS).toContain((l.import as { verdict: string }).verdict);
        expect(VERDICTS).toContain((l.export as { verdict: string }).verdict);
      }
    });
  });

  it("reads a GB18030 body with ?encoding=gb18030 like the UTF-8 one", async () => {
    const t = testApp();
    const utf8 = await api(t.app).set("Content-Type", "text/csv").send(CSV).buffer(true).parse(binary);
    const gb = await api(t.app, "?encoding=gb18030")
      .set("Content-Type", "text/csv; charset=gb18030")
      .send(iconv.encode(CSV, "gb18030"))
      .buffer(true)
      .parse(binary);
    expect(gb.status).toBe(200);
    // Everything but the permalink and the error columns (and what follows them).
    const strip = (rows: string[][]) => rows.map((r) => r.slice(0, r.length - RESULT_COLUMNS.length + RESULT_COLUMNS.indexOf("permalink")));
    expect(strip(cellsOf(gb.body as Buffer))).toEqual(strip(cellsOf(utf8.body as Buffer)));
    // Detected without the parameter as well.
    const detected = await api(t.app).set("Content-Type", "text/csv").send(iconv.encode(CSV, "gb18030")).buffer(true).parse(binary);
    expect(strip(cellsOf(detected.body as Buffer))).toEqual(strip(cellsOf(utf8.body as Buffer)));
  });

  it("maps columns named in the query (?description=…)", async () => {
    const t = testApp();
    const body = "Code;Text;Tariff\nK-1;VPN gateway AES-256 40 Gbps;851762\nK-2;;8543709950\n";
    const unnamed = await api(t.app).set("Content-Type", "text/csv").set("Accept", "application/x-ndjson").send(body);
    expect(unnamed.status).toBe(400);
    const res = await api(t.app, `?description=Text&hsCode=${encodeURIComponent("TARIFF")}&sku=code&delimiter=semicolon`)
      .set("Content-Type", "text/csv")
      .send(body)
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const rows = cellsOf(res.body as Buffer);
    expect(rows[1]?.slice(3, 5)).toEqual(["licence_required", "I-4"]);
    expect(rows[2]?.[3]).toBe("needs_info");
    expect(t.store.batches.get(res.headers["x-batch-id"] as string)?.summary?.mapping).toEqual({ description: 1, hsCode: 2, sku: 0, asOf: null });
  });

  it("answers a column name that is not in the header with 400 naming it (JSON lines)", async () => {
    const { app } = testApp();
    const res = await api(app, "?description=Beschreibung").set("Content-Type", "text/csv").set("Accept", "application/x-ndjson").send(CSV);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error).toContain('No column named "Beschreibung"');
  });

  // Regression (found while writing these tests): with CSV output the error never reached the client, see below.
  it("answers a column name that is not in the header with 400 naming it (CSV)", async () => {
    const { app } = testApp();
    const res = await api(app, "?description=Beschreibung").set("Content-Type", "text/csv").send(CSV);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('No column named "Beschreibung"');
  });

  // text/plain is refused as well: a cross-site form could send it without a CORS preflight.
  it.each(["application/json", "multipart/form-data; boundary=x", "application/octet-stream", "text/plain", "application/x-www-form-urlencoded"])("answers Content-Type %s with 415", async (type) => {
    const { app } = testApp();
    const res = await api(app).set("Content-Type", type).send(type.startsWith("application/json") ? "{}" : CSV);
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/text\/csv/);
    expect(res.headers["x-batch-id"]).toBeUndefined();
  });

  it.each([
    ["?asOf=2026-02-30", "asOf"],
    ["?asOf=29%2F11%2F2026", "asOf"],
    ["?encoding=latin1", "encoding"],
    ["?delimiter=pipe", "delimiter"],
  ])("answers %s with 400 and fields.%s", async (query, field) => {
    const t = testApp();
    const res = await api(t.app, query).set("Content-Type", "text/csv").send(CSV);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(expect.any(String));
    expect(Object.keys(res.body.fields)).toEqual([field]);
    expect(t.store.batches.list(10)).toHaveLength(0);
  });

  const unreadable: [string, string, RegExp][] = [
    ["a header it does not recognise", "A-1001,IPsec VPN gateway,8517622920\n", /No description or HS code column/],
    ["an empty body", "", /empty/],
  ];

  it.each(unreadable)("answers %s with 400 and the problem when JSON lines are asked for", async (_name, body, message) => {
    const t = testApp();
    const res = await api(t.app).set("Content-Type", "text/csv").set("Accept", "application/x-ndjson").send(body);
    expect(res.status).toBe(400);
    expect(res.headers["x-batch-id"]).toBeUndefined();
    const json = JSON.parse(res.text) as { error: string; fields: { body: string[] } };
    expect(json.error).toMatch(message);
    expect(json.fields.body[0]).toMatch(message);
    expect(t.store.batches.list(10)[0]?.status).toBe("failed");
  });

  // Regression (found while writing these tests): the 400 above was sent with the Content-Type already set for the
  // stream (application/x-ndjson), because res.json keeps a Content-Type that is already set.
  it("labels that 400 as application/json", async () => {
    const { app } = testApp();
    const res = await api(app).set("Content-Type", "text/csv").set("Accept", "application/x-ndjson").send("foo,bar\n1,2\n");
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
  });

  // Regression (found while writing these tests): with CSV output runBulk's finally block ended the csv-stringify
  // stream, which is piped into the response, so the response was finished (200, empty body) before the
  // BulkInputError reached batchApi. The client got "200 OK" with nothing; the reason was only on the stored batch.
  it.each(unreadable)("answers %s with 400 JSON naming the problem", async (_name, body, message) => {
    const t = testApp();
    const res = await api(t.app).set("Content-Type", "text/csv").send(body);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["x-batch-id"]).toBeUndefined();
    expect(res.body.error).toMatch(message);
    expect(res.body.fields.body[0]).toMatch(message);
    expect(t.store.batches.list(10)[0]?.status).toBe("failed");
  });

  it("answers a body over maxUploadBytes with 413", async () => {
    const { app } = testApp({ maxUploadBytes: 1000 });
    const big = stringify([HEADER, ...Array.from({ length: 40 }, () => ROWS[1] as string[])]);
    const res = await api(app).set("Content-Type", "text/csv").send(big);
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual(expect.any(String));
    const ok = await api(app).set("Content-Type", "text/csv").send(CSV);
    expect(ok.status).toBe(200);
  });

  // Guards against a past bug: without a Content-Length (chunked upload) the byte limit trips while runBulk is still peeking at the first
  // 64 KiB, and peek wraps every read error in BulkInputError, so the API answers 400 "The input could not be read"
  // instead of the 413 its LIMIT branch is written for.
  it("answers a chunked body over maxUploadBytes with 413", async () => {
    const { app } = testApp({ maxUploadBytes: 1000 });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const { port } = server.address() as { port: number };
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port, method: "POST", path: "/api/v1/classify/batch", headers: { "Content-Type": "text/csv" } },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        req.write("SKU,description\n");
        for (let i = 0; i < 100; i++) req.write("A-1,HSM with SM4\n");
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      server.close();
    }
  });
});

describe("Excel workbooks in the browser", () => {
  const workbookOf = async (rows: unknown[][], sheet = "SKUs") => {
    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Notes").addRows([["not the data"]]);
    wb.addWorksheet(sheet).addRows(rows);
    return Buffer.from(await wb.xlsx.writeBuffer());
  };

  it("classifies a chosen sheet of an uploaded .xlsx and offers the result as .xlsx and CSV", async () => {
    const t = testApp();
    const file = await workbookOf([["SKU", "品名"], ["H-1", "Network HSM appliance, AES-256, SM4 20 Gbps"], ["C-1", "USB cable"]]);
    const client = await browser(t.app);
    const res = await postUpload(client, file, { asOf: AS_OF, sheet: "SKUs" }, "catalogue.xlsx");
    expect(res.status).toBe(303);
    const id = (res.headers.location as string).slice(3);
    await t.deps.bulk.jobs.idle();
    const csv = await request(t.app).get(`/b/${id}/result.csv`).buffer(true).parse(binary);
    const rows = cellsOf(csv.body as Buffer);
    expect(rows[0]?.slice(0, 2)).toEqual(["SKU", "品名"]);
    expect(rows[1]?.[2 + RESULT_COLUMNS.indexOf("export_verdict")]).toBe("licence_required");
    const xlsx = await request(t.app).get(`/b/${id}/result.xlsx`).buffer(true).parse(binary);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers["content-type"]).toContain("spreadsheetml");
    const ExcelJS = (await import("exceljs")).default;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = book.worksheets[0] as Worksheet;
    expect(sheet.getRow(2).getCell(3 + RESULT_COLUMNS.indexOf("export_verdict")).value).toBe("licence_required");
  });

  it("refuses an old .xls or a macro workbook by name, and fails a corrupt one with a clear reason", async () => {
    const t = testApp();
    const client = await browser(t.app);
    const xls = await postUpload(client, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]), { asOf: AS_OF }, "old.xls");
    expect(xls.status).toBe(415);
    expect(xls.text).toContain("Old .xls and macro-enabled .xlsm/.xlsb workbooks are not read");
    const protectedBook = await postUpload(client, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3, 4]), { asOf: AS_OF }, "locked.xlsx");
    const id = (protectedBook.headers.location as string).slice(3);
    await t.deps.bulk.jobs.idle();
    const page = await request(t.app).get(`/b/${id}`);
    expect(page.text).toContain("password-protected or an old .xls file");
  });
});

describe("an .xlsx body on the batch API", () => {
  it("reads the workbook (the sheet named in ?sheet=) like a CSV body", async () => {
    const t = testApp();
    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Cover").addRows([["nothing here"]]);
    wb.addWorksheet("Items").addRows([["description"], ["IPsec VPN gateway 40 Gbps AES-256"]]);
    const body = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await request(t.app)
      .post("/api/v1/classify/batch?sheet=Items")
      .set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .send(body)
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const rows = cellsOf(res.body as Buffer);
    expect(rows[1]?.[1 + RESULT_COLUMNS.indexOf("export_verdict")]).toBe("licence_required");
  });
});

describe("answering a batch's questions by uploading its result again", () => {
  it("links the two batches and counts the rows that needed information, by what they became", async () => {
    const t = testApp();
    const first = await uploaded(t, "SKU,description\nH-1,Network HSM appliance AES-256 RSA-4096\nH-2,Network HSM appliance AES-256 RSA-4096\nC-1,USB cable\n");
    const csv = await request(t.app).get(`/b/${first}/result.csv`).buffer(true).parse(binary);
    const rows = cellsOf(csv.body as Buffer);
    const own = 2;
    const at = (name: string) => own + RESULT_COLUMNS.indexOf(name as (typeof RESULT_COLUMNS)[number]);
    (rows[1] as string[])[at("answer_symmetric_gbps")] = "20";
    (rows[2] as string[])[at("answer_symmetric_gbps")] = "4";
    (rows[2] as string[])[at("answer_signature_tps")] = "9000";
    const second = await uploaded(t, stringify(rows));
    const page = await request(t.app).get(`/b/${second}`);
    expect(page.text).toContain(`This batch answers the questions of batch <a href="/b/${first}">`);
    expect(page.text).toMatch(/Export: of 2 rows that needed information there, now\s+(Licence likely required: 1 · Below the thresholds: 1|Below the thresholds: 1 · Licence likely required: 1)/);
    const firstPage = await request(t.app).get(`/b/${first}`);
    expect(firstPage.text).toContain(`Its questions are answered in batch <a href="/b/${second}">`);
  });
});
