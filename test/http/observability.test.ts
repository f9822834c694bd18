import { describe, expect, it } from "vitest";
import request from "supertest";
import { openClassificationStore } from "../../src/store/classificationStore.ts";
import { createLogger } from "../../src/web/requestLog.ts";
import { formClient, testApp } from "../support/testApp.ts";

type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A logger writing into an array, to read what the app logs. */
function captured(level: "info" | "debug" = "info") {
  const lines: LogLine[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
  return { logger, lines, text: () => lines.map((l) => JSON.stringify(l)).join("\n") };
}

const classify = (app: ReturnType<typeof testApp>["app"], body: unknown) =>
  request(app).post("/api/v1/classify").set("content-type", "application/json").send(JSON.stringify(body));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request ids", () => {
  it("generates one per request, echoes it and logs it", async () => {
    const log = captured();
    const { app } = testApp({ logger: log.logger });
    const a = await request(app).get("/lists");
    const b = await request(app).get("/lists");
    expect(a.headers["x-request-id"]).toMatch(UUID);
    expect(b.headers["x-request-id"]).toMatch(UUID);
    expect(a.headers["x-request-id"]).not.toBe(b.headers["x-request-id"]);
    expect(log.lines.map((l) => l.reqId)).toEqual([a.headers["x-request-id"], b.headers["x-request-id"]]);
  });

  it("reuses a safe incoming id", async () => {
    const log = captured();
    const { app } = testApp({ logger: log.logger });
    const res = await request(app).get("/lists").set("X-Request-Id", "edge-7f3a.B_2");
    expect(res.headers["x-request-id"]).toBe("edge-7f3a.B_2");
    expect(log.lines[0]?.reqId).toBe("edge-7f3a.B_2");
  });

  it.each(["has space", "x".repeat(65), "a;b", '"quoted"', "id\\n", "ÜBER"])("replaces the unsafe incoming id %j", async (unsafe) => {
    const log = captured();
    const { app } = testApp({ logger: log.logger });
    const res = await request(app).get("/lists").set("X-Request-Id", unsafe);
    expect(res.headers["x-request-id"]).toMatch(UUID);
    expect(log.text()).not.toContain(unsafe);
  });

  it("is set on refusals too (401 before any route)", async () => {
    const { app } = testApp({ security: { accessToken: "s3cret-token-for-tests-0123456789" } });
    const res = await request(app).get("/");
    expect(res.status).toBe(401);
    expect(res.headers["x-request-id"]).toMatch(UUID);
  });
});

describe("request logs", () => {
  const secret = "ZEBRAFISH-42 crypto card, 12 Gbps, algorithm: SM1";

  it("log method, route pattern, status, time and size at info, and no part of the description", async () => {
    const log = captured();
    const { app } = testApp({ logger: log.logger });
    const res = await classify(app, { description: secret, hsCode: "8543709950", asOf: "2026-01-05" });
    expect(res.status).toBe(200);
    expect(log.lines).toHaveLength(1);
    const line = log.lines[0] as LogLine;
    expect(line).toMatchObject({ level: 30, msg: "request completed", method: "POST", route: "/api/v1/classify", status: 200, reqId: res.headers["x-request-id"] });
    expect(line.responseTime).toEqual(expect.any(Number));
    expect(line.contentLength).toBe(Number(res.headers["content-length"]));
    for (const part of ["ZEBRAFISH", "crypto card", "12 Gbps", "SM1", "8543709950", "2026-01-05", res.body.id as string]) {
      expect(log.text()).not.toContain(part);
    }
  });

  it("log permalinks by pattern, unmatched paths without their query string or ids", async () => {
    const log = captured();
    const { app } = testApp({ logger: log.logger });
    const { body } = await classify(app, { description: secret });
    await request(app).get(`/c/${body.id as string}`);
    await request(app).get(`/c/${body.id as string}/nope?q=${encodeURIComponent(secret)}`);
    await request(app).get(`/?from=${body.id as string}&description=${encodeURIComponent(secret)}`);
    expect(log.lines.slice(1).map((l) => [l.route, l.path, l.status])).toEqual([
      ["/c/:id", undefined, 200],
      ["unmatched", "/c/:id/nope", 404],
      ["/", undefined, 200],
    ]);
    expect(log.text()).not.toContain(body.id as string);
    expect(log.text()).not.toContain("ZEBRAFISH");
  });

  it("never log form bodies, the batch API's query or CSV", async () => {
    const log = captured();
    const { app } = testApp({ logger: log.logger });
    const { agent, csrf } = await formClient(app);
    const form = await agent.post("/classify").type("form").send({ _csrf: csrf, description: secret, hsCode: "", asOf: "" });
    expect(form.status).toBe(303);
    const csv = `SKU,品名\nA-1,"${secret}"\n`;
    const batch = await request(app).post(`/api/v1/classify/batch?description=${encodeURIComponent("品名")}`).set("content-type", "text/csv").send(csv);
    expect(batch.status).toBe(200);
    expect(log.lines.map((l) => l.route)).toEqual(["/", "/classify", "/api/v1/classify/batch"]);
    for (const part of ["ZEBRAFISH", "品名", "A-1", csrf]) expect(log.text()).not.toContain(part);
  });

  it("never log Authorization or Cookie headers", async () => {
    const token = "s3cret-token-for-tests-0123456789";
    const log = captured("debug");
    const { app } = testApp({ logger: log.logger, security: { accessToken: token } });
    await request(app).get("/lists").set("Authorization", `Bearer ${token}`).set("Cookie", "clc_sid=COOKIE-VALUE-123; other=xyz");
    await request(app).get("/lists").auth("someone", "wrong-password-456");
    await request(app).get("/metrics").set("Authorization", `Bearer ${token}`);
    expect(log.lines.map((l) => l.status)).toEqual([200, 401, 200]);
    for (const part of [token, "COOKIE-VALUE-123", "wrong-password-456", Buffer.from("someone:wrong-password-456").toString("base64"), "authorization", "cookie"]) {
      expect(log.text().toLowerCase()).not.toContain(part.toLowerCase());
    }
  });

  it("log /healthz and /metrics probes at debug only", async () => {
    const info = captured("info");
    const quiet = testApp({ logger: info.logger });
    await request(quiet.app).get("/healthz");
    await request(quiet.app).get("/metrics");
    expect(info.lines).toEqual([]);
    const debug = captured("debug");
    const loud = testApp({ logger: debug.logger });
    await request(loud.app).get("/healthz");
    expect(debug.lines).toMatchObject([{ level: 20, route: "/healthz", status: 200 }]);
  });

  it("log an unexpected error with its stack and request id, and answer without it", async () => {
    const log = captured();
    const store = openClassificationStore(":memory:");
    const failing = {
      ...store,
      save: () => {
        throw new Error("disk on fire");
      },
      saveSoon: () => Promise.reject(new Error("disk on fire")),
    };
    const { app } = testApp({ logger: log.logger, store: failing });
    const res = await classify(app, { description: secret });
    expect(res.status).toBe(500);
    expect(res.text).not.toMatch(/disk on fire|at .*\.ts/);
    const id = res.headers["x-request-id"];
    const error = log.lines.find((l) => l.msg === "unhandled error");
    expect(error).toMatchObject({ level: 50, reqId: id, err: { type: "Error", message: "disk on fire" } });
    expect((error?.err as { stack: string }).stack).toMatch(/at /);
    expect(log.lines.at(-1)).toMatchObject({ level: 50, reqId: id, route: "/api/v1/classify", status: 500 });
    expect(log.text()).not.toContain("ZEBRAFISH");
  });
});

describe("GET /metrics", () => {
  const sample = (text: string, name: string, labels: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
  };

  it("counts requests by route pattern and classifications by direction and verdict", async () => {
    const { app } = testApp();
    const created = await classify(app, { description: "Crypto card, 12 Gbps, algorithm: SM1." });
    await classify(app, { description: "24-port gigabit switch, no encryption." });
    await request(app).get(`/c/${created.body.id as string}`);
    await request(app).get("/c/AAAAAAAAAAAAAAAAAAAAAA");
    await request(app).get("/no/such/page?x=1");
    await request(app).get("/static/styles.css");
    const { agent, csrf } = await formClient(app);
    await agent.post("/classify").type("form").send({ _csrf: csrf, description: "Crypto card, 12 Gbps, algorithm: SM1.", hsCode: "", asOf: "" });

    const res = await request(app).get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    expect(text).toContain("# TYPE http_requests_total counter");
    expect(text).toContain("# TYPE http_request_duration_seconds histogram");
    expect(sample(text, "classifications_total", 'direction="export",verdict="licence_required"')).toBe(2);
    expect(sample(text, "classifications_total", 'direction="import",verdict="licence_required"')).toBe(2);
    expect(sample(text, "classifications_total", 'direction="export",verdict="not_listed"')).toBe(1);
    expect(sample(text, "http_requests_total", 'method="POST",route="/api/v1/classify",status="200"')).toBe(2);
    expect(sample(text, "http_requests_total", 'method="GET",route="/c/:id",status="200"')).toBe(1);
    expect(sample(text, "http_requests_total", 'method="GET",route="/c/:id",status="404"')).toBe(1);
    expect(sample(text, "http_requests_total", 'method="GET",route="unmatched",status="404"')).toBe(1);
    expect(sample(text, "http_requests_total", 'method="POST",route="/classify",status="303"')).toBe(1);
    expect(sample(text, "http_requests_total", 'method="GET",route="/static",status="200"')).toBe(1);
    expect(sample(text, "http_request_duration_seconds_bucket", 'le="0.001",method="GET",route="/c/:id"')).toEqual(expect.any(Number));
    expect(sample(text, "http_request_duration_seconds_bucket", 'le="10",method="GET",route="/c/:id"')).toBe(2);
    expect(sample(text, "http_request_duration_seconds_count", 'method="POST",route="/api/v1/classify"')).toBe(2);
    // Patterns only: no ids, no raw paths.
    expect(text).not.toContain(created.body.id as string);
    expect(text).not.toContain("/no/such/page");
    // Node's process metrics.
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
  });

  it("counts bulk rows, their classifications and finished batches", async () => {
    const { app } = testApp();
    const csv = "SKU,Description,HS code\nA-1,\"Crypto card, 12 Gbps, algorithm: SM1.\",\nA-2,,\nA-3,24-port gigabit switch,851762\n";
    const ok = await request(app).post("/api/v1/classify/batch").set("content-type", "text/csv").send(csv);
    expect(ok.status).toBe(200);
    const failed = await request(app).post("/api/v1/classify/batch?description=Nope").set("content-type", "text/csv").send(csv);
    expect(failed.status).toBe(400);
    const text = (await request(app).get("/metrics")).text;
    expect(sample(text, "batch_rows_total", 'outcome="classified"')).toBe(2);
    expect(sample(text, "batch_rows_total", 'outcome="error"')).toBe(1);
    expect(sample(text, "batches_total", 'status="done"')).toBe(1);
    expect(sample(text, "batches_total", 'status="failed"')).toBe(1);
    expect(sample(text, "classifications_total", 'direction="export",verdict="licence_required"')).toBe(1);
    expect(sample(text, "http_requests_total", 'method="POST",route="/api/v1/classify/batch",status="200"')).toBe(1);
  });

  it("counts per app: a new app starts from zero", async () => {
    const first = testApp();
    await classify(first.app, { description: "Crypto card, 12 Gbps, algorithm: SM1." });
    const second = testApp();
    const text = (await request(second.app).get("/metrics")).text;
    expect(text).toContain("# TYPE classifications_total counter");
    expect(sample(text, "classifications_total", 'direction="export",verdict="licence_required"')).toBeUndefined();
  });

  it("asks for credentials when an access token is set", async () => {
    const token = "s3cret-token-for-tests-0123456789";
    const { app } = testApp({ security: { accessToken: token } });
    const denied = await request(app).get("/metrics");
    expect(denied.status).toBe(401);
    expect(denied.text).not.toContain("http_requests_total");
    const allowed = await request(app).get("/metrics").set("Authorization", `Bearer ${token}`);
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain("http_requests_total");
  });
});
