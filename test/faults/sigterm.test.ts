import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";

import { accepts, poll, startServer, tempDir, writeCatalogue, type ServerProcess } from "./serverProcess.ts";
import { catalogueLines } from "../support/catalogue.ts";

const dir = tempDir("sigterm");
let server: ServerProcess | undefined;
const others: ServerProcess[] = [];

afterAll(async () => {
  await server?.kill();
  for (const s of others) await s.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rows = (from: number, count: number) => catalogueLines(count, from).map((l) => `${l}\r\n`).join("");

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  complete: boolean;
}

/** A request on its own connection whose body the test writes piece by piece; the answer is read to the end. */
function slowRequest(port: number, pathName: string, headers: Record<string, string>) {
  const req = http.request({ host: "127.0.0.1", port, method: "POST", path: pathName, headers, agent: false });
  let onHeaders: () => void = () => undefined;
  const headersArrived = new Promise<void>((resolve) => (onHeaders = resolve));
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on("error", reject);
    req.on("response", (res) => {
      onHeaders();
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, complete: res.complete }));
    });
  });
  return { req, headersArrived, answer };
}

const write = (req: http.ClientRequest, text: string) => new Promise<void>((resolve, reject) => req.write(text, (err) => (err ? reject(err) : resolve())));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("SIGTERM", () => {
  it("refuses new connections, lets in-flight requests finish with full answers, then exits 0", async () => {
    server = await startServer({ DATABASE_PATH: path.join(dir, "classifier.db"), BATCH_DIR: path.join(dir, "batches") });
    const { port, baseUrl } = server;

    // In flight 1: a bulk upload, streamed (chunked) — enough rows that the server has started answering.
    const batch = slowRequest(port, "/api/v1/classify/batch?asOf=2026-11-29", { "content-type": "text/csv" });
    await write(batch.req, `\ufeffSKU,品名,HS code\r\n${rows(0, 2000)}`);
    await batch.headersArrived;
    // In flight 2: a single classification whose JSON body has not finished arriving.
    const json = Buffer.from(JSON.stringify({ description: "IPsec VPN gateway, AES-256, IPsec throughput 40 Gbps", hsCode: "8517622920" }));
    const single = slowRequest(port, "/api/v1/classify", { "content-type": "application/json", "content-length": String(json.length) });
    await write(single.req, json.subarray(0, 20).toString("latin1"));
    await sleep(200);

    process.kill(server.pid, "SIGTERM");
    await server.waitForOutput("SIGTERM received", 5000);
    // The listening socket is closed at once: a new connection is refused…
    await poll("the port to refuse connections", async () => ((await accepts(port)) ? undefined : true), 3000, 50);
    await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();

    // …while the two in-flight requests keep streaming for about a second more, then finish.
    let sent = 2000;
    for (let i = 0; i < 10; i++) {
      await sleep(100);
      await write(batch.req, rows(sent, 100));
      sent += 100;
    }
    single.req.end(json.subarray(20));
    batch.req.end();

    const one = await single.answer;
    expect(one.status).toBe(200);
    expect(one.complete).toBe(true);
    const record = JSON.parse(one.body) as { id: string; export: { verdict: string } };
    expect(record.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(record.export.verdict).toBe("licence_required");

    const bulk = await batch.answer;
    expect(bulk.status).toBe(200);
    expect(bulk.complete).toBe(true);
    expect(bulk.headers["x-batch-id"]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const table = parse(bulk.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(table).toHaveLength(sent);
    expect(table.at(-1)?.SKU).toBe(`SKU-${sent - 1}`);
    expect(table.every((r) => r.import_verdict !== "" && r.export_verdict !== "" && r.error === "")).toBe(true);

    const exit = await Promise.race([server.exited, sleep(15_000).then(() => null)]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toBe("");
    expect(await accepts(port)).toBe(false);
  });

  it("stops within its grace period while a browser batch runs in the background; the batch is interrupted, not lost", async () => {
    const env = { DATABASE_PATH: path.join(dir, "batch.db"), BATCH_DIR: path.join(dir, "batch-files"), MAX_UPLOAD_MB: "500" };
    const catalogue = path.join(dir, "catalogue.csv");
    writeCatalogue(catalogue, 300_000);
    const first = await startServer(env);
    others.push(first);
    const page = await fetch(`${first.baseUrl}/bulk`);
    const action = (/<form[^>]+action="(\/bulk\?_csrf=[^"]+)"/.exec(await page.text())?.[1] ?? "").replaceAll("&amp;", "&");
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const form = new FormData();
    form.append("file", await fs.openAsBlob(catalogue, { type: "text/csv" }), "catalogue.csv");
    const upload = await fetch(`${first.baseUrl}${action}`, { method: "POST", body: form, headers: { cookie }, redirect: "manual" });
    expect(upload.status).toBe(303);
    const id = (upload.headers.get("location") ?? "").slice(3);
    await poll("rows classified", async () => {
      const p = (await (await fetch(`${first.baseUrl}/b/${id}/progress.json`)).json()) as { status: string; rowsDone: number };
      return p.status === "running" && p.rowsDone >= 2000 ? true : undefined;
    });

    const signalled = Date.now();
    process.kill(first.pid, "SIGTERM");
    const exit = await Promise.race([first.exited, sleep(15_000).then(() => null)]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(10_000);

    const second = await startServer(env);
    others.push(second);
    const p = (await (await fetch(`${second.baseUrl}/b/${id}/progress.json`)).json()) as { status: string; rowsDone: number };
    expect(p.status).toBe("interrupted");
    expect(p.rowsDone).toBeGreaterThan(0);
    process.kill(second.pid, "SIGTERM");
    expect((await second.exited).code).toBe(0);
    const db = new Database(env.DATABASE_PATH, { readonly: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const stored = (db.prepare("SELECT COUNT(*) AS n FROM batch_rows WHERE batch_id = ?").get(id) as { n: number }).n;
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThan(300_000);
    } finally {
      db.close();
    }
  });
});
