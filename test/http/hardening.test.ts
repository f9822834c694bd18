import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import request from "supertest";
import { parse } from "csv-parse/sync";
import { safeCsv } from "../../src/bulk/csvSafety.ts";
import { RESULT_COLUMNS } from "../../src/bulk/pipeline.ts";
import { sweepBatchFiles } from "../../src/app/sweepBatchFiles.ts";
import { closeTestApps, formClient, patchedStore, testApp } from "../support/testApp.ts";

afterEach(closeTestApps);

const AS_OF = "2026-11-29";
const diskFull = () => Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });

async function upload(app: ReturnType<typeof testApp>["app"], csv: string) {
  const client = await formClient(app, "/bulk");
  const res = await client.agent.post(`/bulk?_csrf=${encodeURIComponent(client.csrf)}`).attach("file", Buffer.from(csv), "skus.csv").field("asOf", AS_OF);
  expect(res.status).toBe(303);
  return { client, id: (res.headers.location as string).slice(3) };
}

describe("HTTPS-only headers", () => {
  it("sends neither upgrade-insecure-requests nor HSTS on a plain-HTTP deployment", async () => {
    const { app } = testApp();
    const res = await request(app).get("/");
    expect(res.headers["content-security-policy"]).not.toMatch(/upgrade-insecure-requests/);
    expect(res.headers["strict-transport-security"]).toBeUndefined();
    expect(res.headers["content-security-policy"]).toMatch(/script-src 'self'/);
  });

  it("sends both when the site is configured for HTTPS", async () => {
    const { app } = testApp({ security: { https: true } });
    const res = await request(app).get("/");
    expect(res.headers["content-security-policy"]).toMatch(/upgrade-insecure-requests/);
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
  });
});

describe("form-token cookies", () => {
  it("take the __Host- prefix when Secure, and keep working", async () => {
    const { app } = testApp({ security: { cookieSecure: true } });
    const res = await request(app).get("/");
    const cookies = ([] as string[]).concat(res.headers["set-cookie"] ?? []);
    const formCookies = cookies.filter((c) => /clc_(sid|csrf)=/.test(c));
    expect(formCookies).toHaveLength(2);
    for (const c of formCookies) {
      expect(c).toMatch(/^__Host-clc_/);
      expect(c).toMatch(/; Path=\//);
      expect(c).toMatch(/; Secure/);
      expect(c).not.toMatch(/Domain=/i);
    }
  });

  it("a planted unprefixed pair does not pass the check when Secure", async () => {
    const { app } = testApp({ security: { cookieSecure: true } });
    // The attacker's own pair, minted on a plain-HTTP app with the same secret: valid, but under the old names.
    const planted = testApp({ security: { csrfSecret: "x".repeat(32) } });
    const own = await formClient(planted.app);
    const cookies = ([] as string[]).concat((await own.agent.get("/")).headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
    const res = await request(app).post("/classify").set("Cookie", cookies).type("form").send({ description: "HSM", _csrf: own.csrf });
    expect(res.status).toBe(403);
  });
});

describe("a full disk", () => {
  const fullStore = () =>
    patchedStore(() => ({
      store: {
        save: () => {
          throw diskFull();
        },
        saveSoon: () => Promise.reject(diskFull()),
      },
    }));

  it("answers 503 in both languages on the API, nothing stored, and old records still read", async () => {
    const store = fullStore();
    const { app } = testApp({ store });
    const res = await request(app).post("/api/v1/classify").send({ description: "HSM, RSA 4096" });
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("60");
    expect(res.body.error).toContain("The server's disk is full; nothing you sent was stored.");
    expect(res.body.error).toContain("服务器磁盘已满，您提交的内容均未保存。");
    expect(JSON.stringify(res.body)).not.toMatch(/SQLITE|at \w+ \(/);
    // Reading goes on: the health check and the pages answer.
    expect((await request(app).get("/lists")).status).toBe(200);
  });

  it("answers the form with a translated page", async () => {
    const { app } = testApp({ store: fullStore() });
    const client = await formClient(app);
    const res = await client.agent.post("/classify").set("Cookie", "lang=zh").type("form").send({ description: "HSM", _csrf: client.csrf });
    expect(res.status).toBe(503);
    expect(res.text).toContain("服务器磁盘已满");
  });

  it("recovers by itself when space returns", async () => {
    let full = true;
    const store = patchedStore((real) => ({ store: { saveSoon: (r, now) => (full ? Promise.reject(diskFull()) : real.saveSoon(r, now)) } }));
    const { app } = testApp({ store });
    expect((await request(app).post("/api/v1/classify").send({ description: "HSM" })).status).toBe(503);
    full = false;
    expect((await request(app).post("/api/v1/classify").send({ description: "HSM" })).status).toBe(200);
  });

  it("an upload whose batch cannot be recorded answers 503 and keeps no file", async () => {
    const store = patchedStore(() => ({
      batches: {
        create: () => {
          throw diskFull();
        },
      },
    }));
    const t = testApp({ store });
    const client = await formClient(t.app, "/bulk");
    const res = await client.agent.post(`/bulk?_csrf=${encodeURIComponent(client.csrf)}`).attach("file", Buffer.from("description\nHSM\n"), "a.csv");
    expect(res.status).toBe(503);
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.readdirSync(t.batchDir)).toEqual([]);
  });
});

describe("columns per record", () => {
  const wideHeader = (n: number) => ["description", ...Array.from({ length: n - 1 }, (_, i) => `c${i}`)].join(",");

  it("fails a batch whose header is wider than the cap, with a translated reason", async () => {
    const t = testApp();
    const { client, id } = await upload(t.app, `${wideHeader(1001)}\nHSM,a\n`);
    await t.deps.bulk.jobs.idle();
    expect(t.store.batches.get(id)).toMatchObject({ status: "failed", failure: { reason: "tooManyColumns", detail: "1,000" } });
    const page = await client.agent.get(`/b/${id}`);
    expect(page.text).toContain("the header row has more than 1,000 columns");
    expect(page.text.length).toBeLessThan(200_000);
  });

  it("answers 400 on the API for a header wider than the cap", async () => {
    const t = testApp();
    const res = await request(t.app).post("/api/v1/classify/batch").set("Content-Type", "text/csv").send(`${wideHeader(5000)}\nHSM\n`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/more than 1,000 columns/);
  });

  it("reports a row wider than the cap beside the good ones, and writes no more than the cap", async () => {
    const t = testApp();
    const wideRow = ["服务器密码机 SM4 20Gbps", ...Array<string>(499_999).fill("a")].join(",");
    const csv = `description,notes\nHSM one,x\n${wideRow}\nIPsec VPN gateway 40 Gbps AES-256,y\n`;
    const res = await request(t.app).post(`/api/v1/classify/batch?asOf=${AS_OF}`).set("Content-Type", "text/csv").send(csv);
    expect(res.status).toBe(200);
    const rows = parse(res.text.replace(/^\ufeff/, ""), { relax_column_count: true }) as string[][];
    expect(rows).toHaveLength(4);
    expect(rows[2]?.[2 + 7]).toBe("line 3: the row has more than 1,000 columns; it was cut there and not classified");
    expect(rows[2]?.length).toBeLessThanOrEqual(1000 + RESULT_COLUMNS.length);
    expect(rows[3]?.[2]).toBe("licence_required");
    expect(res.text.length).toBeLessThan(50_000);
  });

  it("is configurable", async () => {
    const t = testApp({ maxColumns: 3 });
    const res = await request(t.app).post("/api/v1/classify/batch").set("Content-Type", "text/csv").send("description,a,b,c\nHSM,1,2,3\n");
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/more than 3 columns/);
  });
});

describe("result size", () => {
  it("is bounded by design: a word repeated a thousand times is one finding", async () => {
    const { app } = testApp();
    const once = await request(app).post("/api/v1/classify").send({ description: "hsms", asOf: AS_OF });
    const many = await request(app).post("/api/v1/classify").send({ description: "hsms ".repeat(1000), asOf: AS_OF });
    expect(many.status).toBe(200);
    expect(many.text.length).toBeLessThan(30_000);
    expect(many.body.import.verdict).toBe(once.body.import.verdict);
    expect(many.body.export.verdict).toBe(once.body.export.verdict);
  });
});

describe("re-runs", () => {
  it("share the uploads' rate limit and cost no disk (a link to the same file)", async () => {
    const t = testApp({ security: { uploadsPerMinute: 3 } });
    const { client, id } = await upload(t.app, "description\nHSM\n");
    await t.deps.bulk.jobs.idle();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await client.agent.post(`/b/${id}/rerun`).type("form").send({ description: "0", _csrf: client.csrf })).status);
    expect(statuses).toEqual([303, 303, 429]);
    // The refusal is a page in the user's language, saying nothing was lost.
    const refused = await client.agent.post(`/b/${id}/rerun`).set("Cookie", "lang=zh").type("form").send({ description: "0", _csrf: client.csrf });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("批次过于频繁");
    await t.deps.bulk.jobs.idle();
    const inodes = new Set(fs.readdirSync(t.batchDir).filter((f) => f.endsWith(".upload")).map((f) => fs.statSync(path.join(t.batchDir, f)).ino));
    expect(inodes.size).toBe(1);
  });
});

describe("failed sign-ins", () => {
  const token = "s3cret-token-for-tests-0123456789";

  it("are throttled per client before any credential is checked", async () => {
    const { app } = testApp({ security: { accessToken: token, failedAuthPerClient: 5 } });
    for (let i = 0; i < 5; i++) expect((await request(app).get("/").set("Authorization", `Bearer wrong-${i}`)).status).toBe(401);
    const blocked = await request(app).get("/").set("Authorization", `Bearer ${token}`);
    expect(blocked.status).toBe(429);
    expect(blocked.headers["retry-after"]).toBe("900");
    const api = await request(app).post("/api/v1/classify").set("Authorization", "Bearer nope").send({ description: "HSM" });
    expect(api.status).toBe(429);
    expect(api.body.error).toMatch(/Too many failed sign-in attempts/);
  });

  it("are throttled per account, whichever address guesses", async () => {
    const { app } = testApp({ security: { basicAuth: { user: "trade", password: "correct horse battery" }, failedAuthPerAccount: 4, failedAuthPerClient: 1000 } });
    app.set("trust proxy", true);
    for (let i = 0; i < 4; i++) {
      const res = await request(app).get("/lists").set("X-Forwarded-For", `10.0.0.${i + 1}`).auth("trade", `guess-${i}`);
      expect(res.status).toBe(401);
    }
    expect((await request(app).get("/lists").set("X-Forwarded-For", "10.0.0.99").auth("trade", "correct horse battery")).status).toBe(429);
    // Another account is not locked out by them.
    expect((await request(app).get("/lists").set("X-Forwarded-For", "10.0.0.99").auth("other", "x")).status).toBe(401);
  });

  it("a browser's first visit with no credentials is not counted", async () => {
    const { app } = testApp({ security: { accessToken: token, failedAuthPerClient: 2 } });
    for (let i = 0; i < 5; i++) expect((await request(app).get("/")).status).toBe(401);
    expect((await request(app).get("/").set("Authorization", `Bearer ${token}`)).status).toBe(200);
  });
});

describe("/metrics", () => {
  it("answers only this machine when no access control is configured", async () => {
    const { app } = testApp();
    expect((await request(app).get("/metrics")).status).toBe(200);
    app.set("trust proxy", true);
    const remote = await request(app).get("/metrics").set("X-Forwarded-For", "192.0.2.7");
    expect(remote.status).toBe(404);
    expect(remote.text).not.toMatch(/nodejs_version_info|classifications_total/);
  });

  it("answers anyone signed in when access control is on", async () => {
    const token = "s3cret-token-for-tests-0123456789";
    const { app } = testApp({ security: { accessToken: token } });
    app.set("trust proxy", true);
    expect((await request(app).get("/metrics").set("X-Forwarded-For", "192.0.2.7")).status).toBe(401);
    expect((await request(app).get("/metrics").set("X-Forwarded-For", "192.0.2.7").set("Authorization", `Bearer ${token}`)).status).toBe(200);
  });
});

describe("CSV exports", () => {
  it("quote a cell holding another separator, so no split part can start a formula", () => {
    const text = safeCsv([["x", "a;=1+1", "b\t=2", "c|@SUM(A1)", "=HYPERLINK(\"x\")", "d; +cmd", "plain, -40 °C"]]);
    for (const delimiter of [";", "\t", "|", ","]) {
      // Opened with another separator, quotes no longer delimit the cells: split as such a reader would.
      const cells = text.trimEnd().split(delimiter).map((c) => c.replace(/^\s*"?/, ""));
      for (const c of cells) expect(c, `opened with ${JSON.stringify(delimiter)}`).not.toMatch(/^[=+@]|^-[^\d]/);
    }
    // Read back as the comma-separated file it is, the words are the user's, an apostrophe before each formula start.
    expect(parse(text)).toEqual([["x", "a;'=1+1", "b\t'=2", "c|'@SUM(A1)", "'=HYPERLINK(\"x\")", "d; '+cmd", "plain, -40 °C"]]);
  });
});

describe("the batch folder sweep", () => {
  it("removes orphaned uploads at start-up, failed batches' partial results, and expired batches' files", () => {
    const t = testApp();
    const dir = t.batchDir;
    const make = (id: string, status: "done" | "failed", createdAt: Date) => {
      t.store.batches.create({ id, fileName: "a.csv", source: "upload", options: { encoding: null, delimiter: null, mapping: {}, asOf: AS_OF, lang: "en" }, totalBytes: 1, editions: null, engineVersion: "t" }, createdAt);
      if (status === "failed") t.store.batches.fail(id, "x", createdAt);
      fs.writeFileSync(path.join(dir, `${id}.upload`), "u");
      fs.writeFileSync(path.join(dir, `${id}.csv`), "r");
    };
    const now = new Date("2026-11-29T00:00:00Z");
    make("A".repeat(22), "done", new Date("2026-11-28T00:00:00Z"));
    make("B".repeat(22), "failed", new Date("2026-11-28T00:00:00Z"));
    make("C".repeat(22), "done", new Date("2026-10-01T00:00:00Z"));
    fs.writeFileSync(path.join(dir, `${"O".repeat(22)}.upload`), "partial upload of a crash");
    fs.writeFileSync(path.join(dir, "notes.txt"), "not ours");

    // While running, an upload with no batch yet is in progress: only a start-up sweep removes it.
    // A failed batch's partial result goes at once; with no retention set, everything else stays.
    expect(sweepBatchFiles(dir, t.store.batches, { retentionDays: 0, now, startUp: false })).toEqual({ orphans: 0, partialResults: 1, expired: 0 });
    expect(fs.existsSync(path.join(dir, `${"O".repeat(22)}.upload`))).toBe(true);
    expect(fs.existsSync(path.join(dir, `${"C".repeat(22)}.upload`))).toBe(true);

    const report = sweepBatchFiles(dir, t.store.batches, { retentionDays: 30, now, startUp: true });
    expect(report).toEqual({ orphans: 1, partialResults: 0, expired: 2 });
    expect(fs.readdirSync(dir).sort()).toEqual([`${"A".repeat(22)}.csv`, `${"A".repeat(22)}.upload`, `${"B".repeat(22)}.upload`, "notes.txt"]);
  });
});
