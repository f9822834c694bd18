import { describe, expect, it } from "vitest";
import request from "supertest";
import { testApp } from "../support/testApp.ts";

const post = (app: ReturnType<typeof testApp>["app"], body: unknown) =>
  request(app).post("/api/v1/classify").set("content-type", "application/json").send(JSON.stringify(body));

describe("POST /api/v1/classify", () => {
  it("classifies a description and returns the contract fields", async () => {
    const { app } = testApp();
    const res = await post(app, { description: "Crypto card, 12 Gbps, algorithm: SM1." });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      asOf: "2026-11-29",
      import: { verdict: "licence_required", entry: { id: "I-3" }, edition: { id: "import-2021" } },
      export: { verdict: "licence_required", entry: { id: "5A002.b" }, edition: { id: "export-2024" } },
    });
    expect(res.body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(res.body.url).toMatch(new RegExp(`/c/${res.body.id}$`));
    expect(res.body.parameters.algorithms[0]).toMatchObject({ name: "SM1", keyBits: 128 });
    for (const d of ["import", "export"]) {
      for (const check of res.body[d].checks) expect(["pass", "fail", "unknown"]).toContain(check.status);
    }
  });

  it("defaults asOf to today's date in China (the clock is 2026-11-29 20:00 UTC → 11-30 in Beijing)", async () => {
    const { app } = testApp({ now: new Date("2026-11-29T20:00:00Z") });
    const res = await post(app, { hsCode: "8543709950" });
    expect(res.body.asOf).toBe("2026-11-30");
  });

  it("uses the edition in force on asOf", async () => {
    const { app } = testApp();
    const before = await post(app, { description: "Cryptanalysis equipment for breaking encrypted communications.", asOf: "2024-11-30" });
    const after = await post(app, { description: "Cryptanalysis equipment for breaking encrypted communications.", asOf: "2024-12-01" });
    expect(before.body.export).toMatchObject({ verdict: "licence_required", entry: { id: "1.7" }, edition: { id: "export-2021" } });
    expect(after.body.export).toMatchObject({ verdict: "licence_required", entry: { id: "5A004" }, edition: { id: "export-2024" } });
  });

  it("never gives licence_required from an HS code alone", async () => {
    const { app } = testApp();
    const res = await post(app, { hsCode: "8543.70.99.50" });
    expect(res.body.import).toMatchObject({ verdict: "needs_info", entry: { id: "I-3" } });
    expect(res.body.import.missing.length).toBeGreaterThan(0);
    expect(res.body.parameters.hsCode).toBe("8543709950");
  });

  it.each([
    [{}, "description"],
    [{ description: "   " }, "description"],
    [{ description: "x".repeat(5001) }, "description"],
    [{ description: 42 }, "description"],
    [{ hsCode: "85x" }, "hsCode"],
    [{ description: "HSM", asOf: "2024-02-30" }, "asOf"],
    [{ description: "HSM", asOf: "30/11/2024" }, "asOf"],
    [{ description: "HSM", hs_code: "851762" }, "hs_code"],
  ])("rejects %j with 400 naming the field %s", async (body, field) => {
    const { app } = testApp();
    const res = await post(app, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(expect.any(String));
    expect(Object.keys(res.body.fields)).toContain(field);
  });

  it("accepts a description of exactly 5,000 characters", async () => {
    const { app } = testApp();
    const res = await post(app, { description: "HSM with AES-256. ".padEnd(5000, "x") });
    expect(res.status).toBe(200);
  });

  it("answers malformed JSON with 400, not a stack trace", async () => {
    const { app } = testApp();
    const res = await request(app).post("/api/v1/classify").set("content-type", "application/json").send("{bad");
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "The request body is not valid JSON.", fields: {} });
    expect(res.text).not.toMatch(/at .*\.ts|node_modules|SyntaxError/);
  });

  it("answers an oversized body with 413", async () => {
    const { app } = testApp();
    const res = await post(app, { description: "x".repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/too large/);
  });

  it("asks for JSON when the body is not JSON", async () => {
    const { app } = testApp();
    const res = await request(app).post("/api/v1/classify").set("content-type", "text/plain").send("HSM");
    expect(res.status).toBe(415);
  });
});

describe("stored classifications", () => {
  it("stores every classification and returns it by id", async () => {
    const { app } = testApp();
    const created = await post(app, { description: "服务器密码机，SM4对称加解密速率 8Gbps，SM2签名速率 60000次/秒，机架式。" });
    const fetched = await request(app).get(`/api/v1/classifications/${created.body.id}`);
    expect(fetched.status).toBe(200);
    const { url: fetchedUrl, ...fetchedRecord } = fetched.body;
    const { url: createdUrl, ...createdRecord } = created.body;
    expect(fetchedRecord).toEqual(createdRecord);
    expect(new URL(fetchedUrl).pathname).toBe(new URL(createdUrl).pathname);
    expect(fetched.body.import.verdict).toBe("below_threshold");
    expect(fetched.body.export.verdict).toBe("licence_required");
  });

  it("gives every record a different, unguessable id", async () => {
    const { app } = testApp();
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await post(app, { hsCode: "854231" })).body.id);
    expect(ids.size).toBe(20);
  });

  it.each(["nope", "../../etc/passwd", "AAAAAAAAAAAAAAAAAAAAAA", "%00"])("answers 404 for the id %s", async (id) => {
    const { app } = testApp();
    const res = await request(app).get(`/api/v1/classifications/${encodeURIComponent(id)}`);
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual(expect.any(String));
  });
});

describe("GET /healthz", () => {
  it("reports the editions and the database", async () => {
    const { app } = testApp();
    const res = await request(app).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
    expect(res.body.database).toBe("ok");
    expect(res.body.editions.map((e: { id: string }) => e.id).sort()).toEqual(["export-2021", "export-2024", "import-2021"]);
  });

  it("reports a closed database as degraded with 503", async () => {
    const { app, store } = testApp();
    store.close();
    const res = await request(app).get("/healthz");
    expect(res.status).toBe(503);
    expect(res.body.database).toBe("unavailable");
  });
});

describe("security headers", () => {
  it("sends a CSP without inline scripts and hides the framework", async () => {
    const { app } = testApp();
    const res = await request(app).get("/healthz");
    expect(res.headers["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(res.headers["content-security-policy"]).not.toMatch(/unsafe-inline/);
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });
});

describe("the reading trace (?trace=1)", () => {
  const SPEC = "品名:VPN网关|VPN吞吐量:12G|算法:SM4|用于连接密码卡";

  it("says, step by step, how the description was read, with the rules applied", async () => {
    const { app } = testApp();
    const res = await request(app).post("/api/v1/classify?trace=1").set("content-type", "application/json").send(JSON.stringify({ description: SPEC }));
    expect(res.status).toBe(200);
    const steps = res.body.trace as { step: string; rules: string | null; found: string[] }[];
    const byStep = new Map(steps.map((s) => [s.step, s]));
    expect(byStep.get("shape")?.found.join(" ")).toContain("declaration elements");
    expect(byStep.get("rates")?.found.join(" ")).toContain("“12G” = 12 Gbps, encrypted communication, from the key of its field");
    expect(byStep.get("rates")?.rules).toContain("19");
    expect(byStep.get("objects of the product")?.found.join(" ")).toContain("“密码卡”");
    expect(res.body.export.verdict).toBe("licence_required");
  });

  it("is left out unless asked for, and is given again for a stored record", async () => {
    const { app } = testApp();
    const created = await post(app, { description: SPEC });
    expect(created.body.trace).toBeUndefined();
    const fetched = await request(app).get(`/api/v1/classifications/${created.body.id}?trace=1`);
    expect(fetched.body.trace.map((s: { step: string }) => s.step)).toContain("rates");
    const { trace: _trace, url: _fetchedUrl, ...record } = fetched.body;
    const { url: _createdUrl, ...stored } = created.body;
    expect(record).toEqual(stored);
  });
});

describe("questions and answers", () => {
  const HSM = "Network HSM appliance, AES-256, RSA-4096";

  it("gives a needs_info result its questions as data", async () => {
    const { app } = testApp();
    const res = await post(app, { description: HSM });
    expect(res.body.export.verdict).toBe("needs_info");
    expect(res.body.export.questions).toContainEqual({
      id: "symmetric_gbps",
      kind: "number",
      unit: "Gbps",
      text: { en: "What is the symmetric encryption/decryption rate in Gbps?", zh: "对称密码算法加解密速率是多少（Gbps）？" },
    });
    expect(res.body.export.missing.length).toBeGreaterThan(0);
  });

  it("classifies with answers, shown as stated by the user", async () => {
    const { app } = testApp();
    const res = await post(app, { description: HSM, answers: { symmetric_gbps: 20 } });
    expect(res.status).toBe(200);
    expect(res.body.export.verdict).toBe("licence_required");
    expect(res.body.input.answers).toEqual({ symmetric_gbps: 20 });
    const rate = res.body.export.checks.find((c: { criterion: string }) => c.criterion === "anyOf" || c.criterion === "rate");
    expect(JSON.stringify(rate)).toContain("stated by the user");
    expect(res.body.export.questions).toEqual([]);
  });

  it("says where an answer replaces a figure of the text", async () => {
    const { app } = testApp();
    const res = await post(app, { description: "IPsec VPN gateway, IPsec throughput 20 Gbps, AES-256", answers: { vpn_gbps: 5 } });
    expect(res.body.export.verdict).toBe("below_threshold");
    expect(res.body.export.reasons.join(" ")).toContain("Your answer 5 Gbps (vpn_gbps) differs from the text's “20 Gbps”");
  });

  it("refuses a bad answer or an unknown question, naming it", async () => {
    const { app } = testApp();
    const bad = await post(app, { description: HSM, answers: { symmetric_gbps: "fast" } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields)).toContain("answers.symmetric_gbps");
    const unknown = await post(app, { description: HSM, answers: { speed: 3 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields["answers.speed"]?.[0]).toContain("is not a question id");
    const wrongKind = await post(app, { description: HSM, answers: { main_function: 1 } });
    expect(wrongKind.status).toBe(400);
  });
});
