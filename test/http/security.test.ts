import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import request from "supertest";
import { testApp } from "../support/testApp.ts";

const json = (body: unknown) => JSON.stringify(body);

describe("access control", () => {
  const token = "s3cret-token-for-tests-0123456789";

  it.each(["/", "/lists", "/bulk", "/api/v1/classifications/AAAAAAAAAAAAAAAAAAAAAA"])("asks for credentials on %s when a token is set", async (path) => {
    const { app } = testApp({ security: { accessToken: token } });
    const res = await request(app).get(path);
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toMatch(/^Basic realm=/);
  });

  it("accepts the token as a bearer header or as the basic-auth password, and nothing else", async () => {
    const { app } = testApp({ security: { accessToken: token } });
    expect((await request(app).get("/").set("Authorization", `Bearer ${token}`)).status).toBe(200);
    expect((await request(app).get("/").auth("anyone", token)).status).toBe(200);
    expect((await request(app).get("/").set("Authorization", `Bearer ${token}x`)).status).toBe(401);
    expect((await request(app).get("/").auth("anyone", "wrong")).status).toBe(401);
    const api = await request(app).post("/api/v1/classify").set("Authorization", `Bearer ${token}`).set("content-type", "application/json").send(json({ hsCode: "854231" }));
    expect(api.status).toBe(200);
    const denied = await request(app).post("/api/v1/classify").set("content-type", "application/json").send(json({ hsCode: "854231" }));
    expect(denied.status).toBe(401);
    expect(denied.body.error).toBe("Authentication required.");
  });

  it("checks basic credentials", async () => {
    const { app } = testApp({ security: { basicAuth: { user: "trade", password: "correct horse" } } });
    expect((await request(app).get("/lists").auth("trade", "correct horse")).status).toBe(200);
    expect((await request(app).get("/lists").auth("trade", "correct horsE")).status).toBe(401);
    expect((await request(app).get("/lists").auth("other", "correct horse")).status).toBe(401);
  });

  it("leaves the health check open for probes", async () => {
    const { app } = testApp({ security: { accessToken: token } });
    expect((await request(app).get("/healthz")).status).toBe(200);
  });

  it("is off by default", async () => {
    const { app } = testApp();
    expect((await request(app).get("/")).status).toBe(200);
  });
});

describe("rate limits", () => {
  it("answers 429 past the API budget, per client, with a JSON error", async () => {
    const { app } = testApp({ security: { apiRatePerMinute: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(app).post("/api/v1/classify").set("content-type", "application/json").send(json({ hsCode: "854231" }));
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.error).toMatch(/Too many requests/);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it("can be turned off with 0", async () => {
    const { app } = testApp({ security: { apiRatePerMinute: 0 } });
    for (let i = 0; i < 10; i++) {
      const res = await request(app).post("/api/v1/classify").set("content-type", "application/json").send(json({ hsCode: "854231" }));
      expect(res.status).toBe(200);
    }
  });

  it("limits uploads separately", async () => {
    const { app } = testApp({ security: { uploadsPerMinute: 1 } });
    const first = await request(app).post("/bulk");
    const second = await request(app).post("/bulk");
    expect(first.status).not.toBe(429);
    expect(second.status).toBe(429);
  });
});

describe("escaped output", () => {
  const viewsDir = path.resolve(import.meta.dirname, "../../views");
  const files = fs.readdirSync(viewsDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ejs"));

  it.each(files)("%s prints with <%%= only (<%%- is for include)", (file) => {
    const source = fs.readFileSync(path.join(viewsDir, file), "utf8");
    const raw = [...source.matchAll(/<%-\s*([\s\S]*?)%>/g)].map((m) => (m[1] as string).trim());
    for (const expression of raw) expect(expression, `${file}: <%- ${expression}`).toMatch(/^include\(/);
  });

  it("has no inline script or style in any view", () => {
    for (const file of files) {
      const source = fs.readFileSync(path.join(viewsDir, file), "utf8");
      expect(source, file).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(source, file).not.toMatch(/\sstyle="/);
      expect(source, file).not.toMatch(/\son[a-z]+="/);
    }
  });
});
