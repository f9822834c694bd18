import { describe, expect, it } from "vitest";
import fc from "fast-check";
import request from "supertest";
import { formClient, testApp } from "../support/testApp.ts";

const VERDICTS = ["licence_required", "needs_info", "below_threshold", "exempt", "not_listed"];
/** Signs that internals leaked into a response. */
const LEAK = /at [\w.<>]+ \(|node_modules|\/work\/|src\/[\w/]+\.ts|SqliteError|TypeError|RangeError/;

const SCRIPT = `<script>alert("x")</script><img src=x onerror=alert(1)>"'&`;
const NASTY = [
  SCRIPT,
  "\u202eRTL override\u202c and \u200f marks",
  "control \u0000\u0001\u0007\u001b[31m chars",
  "lone surrogates \ud800 and \udfff",
  "=cmd|' /C calc'!A0",
  "SM4 加密机 \ufeff with BOM inside",
  "../../../etc/passwd",
  "%00%2e%2e%2f",
];

const postJson = (app: ReturnType<typeof testApp>["app"], body: string, type = "application/json") =>
  request(app).post("/api/v1/classify").set("content-type", type).send(body);

describe("hostile input: the JSON API", () => {
  it.each(NASTY)("classifies %j without error and returns it as data", async (text) => {
    const { app } = testApp();
    const res = await postJson(app, JSON.stringify({ description: text, hsCode: "8543709950" }));
    expect(res.status).toBe(200);
    expect(VERDICTS).toContain(res.body.import.verdict);
    const stored = await request(app).get(`/api/v1/classifications/${res.body.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.input.description.replace(/\ufffd/g, "")).toBe(res.body.input.description.replace(/\ufffd/g, ""));
  });

  it("answers a megabyte description with 413 and no stack trace", async () => {
    const { app } = testApp();
    const res = await postJson(app, JSON.stringify({ description: "HSM ".repeat(300_000) }));
    expect(res.status).toBe(413);
    expect(res.text).not.toMatch(LEAK);
  });

  it.each([
    ["{", "application/json"],
    ['{"description": "x"', "application/json"],
    ["[1,2,3]", "application/json"],
    ['"just a string"', "application/json"],
    ["null", "application/json"],
    ['{"description": {"$gt": ""}}', "application/json"],
    ['{"description": ["a"]}', "application/json"],
    ['{"__proto__": {"admin": true}, "description": "HSM"}', "application/json"],
    ["description=HSM", "application/x-www-form-urlencoded"],
    ["<xml/>", "application/xml"],
    ["\u00ff\u00fe\u0000", "application/json; charset=utf-16"],
  ])("answers a malformed body %j (%s) with a 4xx JSON error", async (body, type) => {
    const { app } = testApp();
    const res = await postJson(app, body, type);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error).toEqual(expect.any(String));
    expect(res.text).not.toMatch(LEAK);
  });

  it("answers invalid UTF-8 bytes as text, not a crash", async () => {
    const { app } = testApp();
    const body = Buffer.concat([Buffer.from('{"description":"HSM '), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(' AES-256"}')]);
    const res = await request(app).post("/api/v1/classify").set("content-type", "application/json").send(body);
    expect([200, 400]).toContain(res.status);
    expect(res.text).not.toMatch(LEAK);
  });

  it("fuzz: any JSON value as a body gets a 200 or a 4xx with field errors, never a 5xx", async () => {
    const { app } = testApp();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ description: fc.string({ unit: "binary", maxLength: 300 }), hsCode: fc.option(fc.string({ maxLength: 14 }), { nil: undefined }), asOf: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }) }, { requiredKeys: [] }),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        async (value) => {
          const res = await postJson(app, JSON.stringify(value));
          expect(res.status === 200 || (res.status >= 400 && res.status < 500)).toBe(true);
          expect(res.text).not.toMatch(LEAK);
          if (res.status === 200) {
            expect(VERDICTS).toContain(res.body.import.verdict);
            expect(VERDICTS).toContain(res.body.export.verdict);
          } else {
            expect(res.body.fields).toEqual(expect.any(Object));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("hostile input: pages", () => {
  it("shows script payloads inert on the result page, the worksheet and the form", async () => {
    const { app } = testApp();
    const created = await postJson(app, JSON.stringify({ description: `${SCRIPT} HSM AES-256 ${SCRIPT}`, hsCode: "8543709950" }));
    const id = created.body.id as string;
    for (const path of [`/c/${id}`, `/c/${id}/worksheet`, `/?from=${id}`]) {
      const page = await request(app).get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toContain("<script>alert");
      expect(page.text, path).not.toContain("<img src=x");
      if (!path.includes("worksheet")) expect(page.text, path).toContain("&lt;script&gt;");
    }
    const json = await request(app).get(`/c/${id}/worksheet.json`);
    expect(json.headers["content-type"]).toMatch(/^application\/json/);
  });

  it.each(["/c/%E0%A4%A", "/lists/%ff", "/b/%", "/c/" + "A".repeat(5000), "/lang/zh?next=%0d%0aSet-Cookie:x=1"])("answers the bad address %s without a 5xx", async (path) => {
    const { app } = testApp();
    const res = await request(app).get(path);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toMatch(LEAK);
    expect(res.headers["set-cookie"]?.toString() ?? "").not.toMatch(/x=1/);
  });

  it("re-renders a form with control characters and a 5,001-character description without losing the input", async () => {
    const { app } = testApp();
    const { agent, csrf } = await formClient(app);
    const text = `${"\u202e".repeat(3)}${SCRIPT}`.padEnd(5001, "x");
    const res = await agent.post("/classify").type("form").send({ description: text, _csrf: csrf });
    expect(res.status).toBe(400);
    expect(res.text).toContain("&lt;script&gt;");
    expect(res.text).not.toMatch(LEAK);
  });
});

describe("hostile input: bulk", () => {
  const postCsv = (app: ReturnType<typeof testApp>["app"], body: Buffer | string, headers: Record<string, string> = {}) =>
    request(app)
      .post("/api/v1/classify/batch")
      .set({ "content-type": "text/csv", ...headers })
      .send(typeof body === "string" ? Buffer.from(body) : body);

  it("neutralises script and formula payloads in the CSV it returns", async () => {
    const { app } = testApp();
    const res = await postCsv(app, `SKU,description\n"=HYPERLINK(""http://x"")","${SCRIPT.replace(/"/g, '""')} HSM"\n@SUM(1),"+1 VPN gateway"\n`);
    expect(res.status).toBe(200);
    for (const line of res.text.split("\n").slice(1).filter(Boolean)) {
      for (const start of ["=", "+", "@"]) expect(line.startsWith(start)).toBe(false);
    }
    expect(res.text).toContain("'=HYPERLINK");
  });

  it("survives a CSV bomb: one 3 MB field and a 200,000-column row, and keeps the rows after them", async () => {
    const { app } = testApp();
    const bomb = `SKU,description\nB-1,"${"x".repeat(3_000_000)}"\nB-2,${"a,".repeat(200_000)}\nB-3,HSM with SM4 20 Gbps\n`;
    const res = await postCsv(app, bomb, { accept: "application/x-ndjson" });
    expect(res.status).toBe(200);
    const lines = res.text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
    expect(lines[0].error).toMatch(/^line 2: the row is longer than/);
    expect(lines[lines.length - 1].columns.SKU).toBe("B-3");
    expect(lines[lines.length - 1].import.verdict).toBe("licence_required");
  });

  it("reports an endless quote as one cut row, not a hang", async () => {
    const { app } = testApp();
    const res = await postCsv(app, `SKU,description\nQ-1,"never closed ${"HSM ".repeat(300_000)}`, { accept: "application/x-ndjson" });
    expect(res.status).toBe(200);
    const lines = res.text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].error).toMatch(/^line 2: /);
  });

  it("answers binary or compressed uploads with a clear 4xx", async () => {
    const { app } = testApp();
    const zipLike = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 0)]);
    const res = await postCsv(app, zipLike);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(expect.any(String));
    const gz = await postCsv(app, Buffer.from([0x1f, 0x8b, 0x08, 0x00]), { "content-encoding": "gzip" });
    expect(gz.status).toBe(415);
  });
});
