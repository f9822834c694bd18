import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

import { poll, postUploadForm, startServer, tempDir, writeCatalogue, type ServerProcess } from "./serverProcess.ts";

const dir = tempDir("sigkill");
const databasePath = path.join(dir, "db", "classifier.db");
const batchDir = path.join(dir, "batches");
const catalogue = path.join(dir, "catalogue.csv");
const servers: ServerProcess[] = [];

afterAll(async () => {
  for (const s of servers) await s.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Progress {
  status: string;
  rowsDone: number;
}

const progressOf = async (base: string, id: string) => (await (await fetch(`${base}/b/${id}/progress.json`)).json()) as Progress;

async function classify(base: string, body: object) {
  const res = await fetch(`${base}/api/v1/classify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; url: string; import: { verdict: string }; export: { verdict: string } };
}

/** The browser path: a multipart upload through the form, with its cookies and CSRF token. */
async function uploadThroughForm(base: string, file: string): Promise<string> {
  const res = await postUploadForm(base, await fs.openAsBlob(file, { type: "text/csv" }));
  expect(res.status).toBe(303);
  const location = res.headers.get("location") ?? "";
  expect(location).toMatch(/^\/b\/[A-Za-z0-9_-]{22}$/);
  return location.slice(3);
}

/** Whether the SQLite file is sound: integrity check, plus the row counts the test cares about. */
function inspect(readonly: boolean) {
  const db = new Database(databasePath, { readonly, fileMustExist: true });
  try {
    const integrity = db.pragma("integrity_check", { simple: true });
    const classifications = (db.prepare("SELECT COUNT(*) AS n FROM classifications").get() as { n: number }).n;
    const batches = db.prepare("SELECT id, status, rows_done AS rowsDone FROM batches").all() as { id: string; status: string; rowsDone: number }[];
    const rowsByBatch = new Map(
      (db.prepare("SELECT batch_id AS id, COUNT(*) AS n FROM batch_rows GROUP BY batch_id").all() as { id: string; n: number }[]).map((r) => [r.id, r.n]),
    );
    return { integrity, classifications, batches, rowsByBatch };
  } finally {
    db.close();
  }
}

describe("kill -9 in the middle of bulk batches", () => {
  it("keeps every stored classification, marks the batches interrupted, and leaves a sound database", async () => {
    // Big enough (≈34 MB) that both batches are still running when the server is killed.
    writeCatalogue(catalogue, 300_000);
    const env = { DATABASE_PATH: databasePath, BATCH_DIR: batchDir, MAX_UPLOAD_MB: "500" };
    const first = await startServer(env);
    servers.push(first);
    const base = first.baseUrl;

    const inputs = [
      { description: "服务器密码机，SM4加解密速率 20Gbps，SM2签名速率 8万次/秒", hsCode: "8543709950" },
      { description: "IPsec VPN gateway, AES-256, IPsec throughput 40 Gbps" },
      { description: "Cotton T-shirt, men's, size L", asOf: "2024-06-01" },
    ];
    const before = [];
    for (const input of inputs) before.push(await classify(base, input));

    // The browser path (upload to disk, then a queued job) and the API path (streamed in and out) at once.
    const formBatch = await uploadThroughForm(base, catalogue);
    const api = await fetch(`${base}/api/v1/classify/batch?asOf=2026-11-29`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: Readable.toWeb(fs.createReadStream(catalogue)) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
    expect(api.status).toBe(200);
    const apiBatch = api.headers.get("x-batch-id") ?? "";
    expect(apiBatch).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Read the streamed result until the connection dies with the server.
    let apiBytes = 0;
    const draining = (async () => {
      try {
        for await (const chunk of api.body as unknown as AsyncIterable<Uint8Array>) apiBytes += chunk.length;
        return "ended";
      } catch {
        return "aborted";
      }
    })();

    // Both batches running with rows stored; the stored progress is written every 500 ms, so give it a beat.
    await poll("rows in both batches", async () => {
      const [f, a] = await Promise.all([progressOf(base, formBatch), progressOf(base, apiBatch)]);
      return f.status === "running" && a.status === "running" && f.rowsDone >= 2000 && a.rowsDone >= 2000 ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1200));
    const runningBeforeKill = await Promise.all([progressOf(base, formBatch), progressOf(base, apiBatch)]);
    expect(runningBeforeKill.map((p) => p.status)).toEqual(["running", "running"]);

    process.kill(first.pid, "SIGKILL");
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(await draining).toBe("aborted");
    expect(apiBytes).toBeGreaterThan(0);

    // The file as the crash left it (WAL not yet checkpointed), opened read-only.
    const afterKill = inspect(true);
    expect(afterKill.integrity).toBe("ok");
    expect(afterKill.classifications).toBe(inputs.length);
    for (const id of [formBatch, apiBatch]) {
      expect(afterKill.batches.find((b) => b.id === id)?.status).toBe("running");
      expect(afterKill.rowsByBatch.get(id) ?? 0).toBeGreaterThan(0);
      expect(afterKill.rowsByBatch.get(id) ?? 0).toBeLessThan(300_000);
    }

    // Same files, same port, so the permalinks compare equal too.
    const second = await startServer({ ...env, PORT: String(first.port) });
    servers.push(second);
    await second.waitForOutput("2 batch(es) were interrupted", 5000);

    for (const record of before) {
      const res = await fetch(`${base}/api/v1/classifications/${record.id}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(record);
    }

    for (const id of [formBatch, apiBatch]) {
      const progress = await progressOf(base, id);
      expect(progress.status).toBe("interrupted");
      expect(progress.rowsDone).toBeGreaterThan(0);
      const page = await fetch(`${base}/b/${id}`, { headers: { "accept-language": "en" } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("status-pill--interrupted");
      expect(html).toContain(">Interrupted<");
      expect(html).toContain("The server stopped while this batch was running.");
      // The rows classified before the kill are listed.
      expect(html).toMatch(/<table class="batch-rows/);
      // No half-written result is offered for download.
      expect((await fetch(`${base}/b/${id}/result.csv`)).status).toBe(409);
    }

    // The restarted server classifies and stores again, one by one and in bulk.
    const fresh = await classify(base, { description: "密钥管理系统，可管理1万个密钥对象，支持SM2/SM4" });
    expect((await fetch(`${base}/api/v1/classifications/${fresh.id}`)).status).toBe(200);
    const small = await fetch(`${base}/api/v1/classify/batch`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: "SKU,品名,HS code\r\nA-1,\"IPsec VPN gateway, AES-256, 40 Gbps\",8517622920\r\nA-2,Cotton T-shirt,\r\n",
    });
    expect(small.status).toBe(200);
    expect((await small.text()).trim().split(/\r?\n/)).toHaveLength(3);
    expect((await progressOf(base, small.headers.get("x-batch-id") ?? "")).status).toBe("done");

    process.kill(second.pid, "SIGTERM");
    expect((await second.exited).code).toBe(0);
    const afterRestart = inspect(false);
    expect(afterRestart.integrity).toBe("ok");
    expect(afterRestart.classifications).toBe(inputs.length + 1);
    expect(afterRestart.batches.filter((b) => b.status === "interrupted").map((b) => b.id).sort()).toEqual([formBatch, apiBatch].sort());
  });
});
