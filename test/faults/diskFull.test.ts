import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { catalogueCsv } from "../support/catalogue.ts";
import { fillDisk, mountSmallDisk, poll, postUploadForm, startServer, tempDir, type ServerProcess } from "./serverProcess.ts";

/**
 * Full disks against the real server process, on small tmpfs mounts. Where the machine does not
 * allow mounting (no root), these are skipped and say so.
 */
const probe = mountSmallDisk("probe", 1);
probe?.unmount();
const canMount = probe !== null;
if (!canMount) console.warn("disk-full fault tests skipped: this machine does not allow mounting a tmpfs");

const servers: ServerProcess[] = [];
const cleanups: (() => void)[] = [];
afterAll(async () => {
  for (const s of servers) await s.kill();
  for (const c of cleanups) c();
});

const classify = (base: string, description: string) =>
  fetch(`${base}/api/v1/classify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ description }) });

describe.skipIf(!canMount)("a full disk", () => {
  it("under BATCH_DIR: an upload larger than the free space answers 503, the server stays up, nothing is kept, and the next upload works once space returns", async () => {
    const disk = mountSmallDisk("batches", 24);
    if (!disk) throw new Error("mount failed");
    cleanups.push(disk.unmount);
    const filler = fillDisk(disk.dir, 4 * 1024 * 1024);
    const dir = tempDir("diskfull-batches");
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const server = await startServer({ DATABASE_PATH: path.join(dir, "db.sqlite"), BATCH_DIR: disk.dir, LOG_LEVEL: "warn" });
    servers.push(server);

    const big = new Blob([new Uint8Array(catalogueCsv(120_000))], { type: "text/csv" });
    expect(big.size).toBeGreaterThan(6 * 1024 * 1024);
    const res = await postUploadForm(server.baseUrl, big);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("The server&#39;s disk is full; nothing you sent was stored.");
    // Still serving, and the partial file is gone.
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect((await classify(server.baseUrl, "HSM, RSA 4096")).status).toBe(200);
    await poll("the partial upload to be removed", async () => (fs.readdirSync(disk.dir).some((f) => f.endsWith(".upload")) ? undefined : true), 5000);

    fs.rmSync(filler);
    const again = await postUploadForm(server.baseUrl, big);
    expect(again.status).toBe(303);
    expect(server.child.exitCode).toBeNull();
  });

  it("under the database: classifications answer 503 in both languages, old records still read, the server does not exit, and it recovers by itself", async () => {
    const disk = mountSmallDisk("db", 16);
    if (!disk) throw new Error("mount failed");
    cleanups.push(disk.unmount);
    const dir = tempDir("diskfull-db");
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const server = await startServer({ DATABASE_PATH: path.join(disk.dir, "classifier.db"), BATCH_DIR: path.join(dir, "batches"), LOG_LEVEL: "warn" });
    servers.push(server);
    const first = await classify(server.baseUrl, "服务器密码机，SM4 20Gbps");
    expect(first.status).toBe(200);
    const { id } = (await first.json()) as { id: string };

    const filler = fillDisk(disk.dir, 64 * 1024);
    let full: Response | null = null;
    for (let i = 0; i < 400 && !full; i++) {
      const res = await classify(server.baseUrl, `HSM model ${i}, RSA 4096, AES-256 ${"spec ".repeat(200)}`);
      if (res.status === 503) full = res;
      else expect(res.status).toBe(200);
    }
    expect(full, "the disk filled up").not.toBeNull();
    const body = (await (full as Response).json()) as { error: string };
    expect(body.error).toContain("The server's disk is full; nothing you sent was stored.");
    expect(body.error).toContain("服务器磁盘已满");

    // Reads go on, and the process outlives its checkpoint thread's failures.
    expect((await fetch(`${server.baseUrl}/api/v1/classifications/${id}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2500));
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.baseUrl}/c/${id}`)).status).toBe(200);

    fs.rmSync(filler);
    const recovered = await poll("classifications to be stored again", async () => ((await classify(server.baseUrl, "HSM, RSA 4096")).status === 200 ? true : undefined), 10_000, 250);
    expect(recovered).toBe(true);
  });
});

describe("a wide CSV uploaded beside a running API batch", () => {
  it("fails on its own with a clear reason, and the API batch completes with every row", async () => {
    const dir = tempDir("wide");
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const server = await startServer({ DATABASE_PATH: path.join(dir, "db.sqlite"), BATCH_DIR: path.join(dir, "batches"), LOG_LEVEL: "warn" });
    servers.push(server);

    const rows = 40_000;
    const api = fetch(`${server.baseUrl}/api/v1/classify/batch?asOf=2026-11-29`, { method: "POST", headers: { "content-type": "text/csv" }, body: new Uint8Array(catalogueCsv(rows)) }).then(
      async (r) => ({ status: r.status, text: await r.text() }),
    );
    // description + 500,000 columns, 200 rows: about 200 MB once padded, as it was.
    const wide = `description${",a".repeat(500_000)}\n${`HSM${",a".repeat(20)}\n`.repeat(200)}`;
    const upload = await postUploadForm(server.baseUrl, new Blob([wide], { type: "text/csv" }), "wide.csv");
    expect(upload.status).toBe(303);
    const batchPage = `${server.baseUrl}${upload.headers.get("location") as string}`;

    const answer = await api;
    expect(answer.status).toBe(200);
    const lines = answer.text.trim().split(/\r?\n/);
    expect(lines).toHaveLength(rows + 1);
    expect(answer.text).not.toMatch(/the batch failed/);

    const page = await poll("the wide batch to fail", async () => {
      const html = await (await fetch(batchPage)).text();
      return html.includes("the header row has more than 1,000 columns") ? html : undefined;
    });
    expect(page.length).toBeLessThan(200_000);
    expect(server.child.exitCode).toBeNull();
  });
});
