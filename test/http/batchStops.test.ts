import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import request from "supertest";
import { newRecordId } from "../../src/store/classificationStore.ts";
import { closeTestApps, patchedStore, rawRequest, testApp } from "../support/testApp.ts";

/**
 * Batches that stop part-way: a client that goes away, rows that cannot be stored. On both runners;
 * the whole bulk suite also runs on the classification threads (see vitest.config.ts).
 */
afterEach(closeTestApps);

const rows = (n: number) => Array.from({ length: n }, (_, i) => `S-${i},"IPsec VPN gateway ${i}, AES-256, 20 Gbps",8517622920\n`).join("");

describe("a batch that stops part-way", () => {
  it.each([
    ["on the classification threads", 2],
    ["on the request thread", 0],
  ])("fails a streamed batch whose client goes away (%s), keeps the rows it stored, and runs the next batch to the end", async (_where, threads) => {
    const t = testApp({ threads });
    const server = t.app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const batchId = await new Promise<string>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/api/v1/classify/batch?asOf=2026-11-29", headers: { "content-type": "text/csv" } });
        req.on("error", () => {}); // we cut it ourselves
        req.on("response", (res) => {
          // Some classified rows are back: go away without reading or sending the rest.
          let lines = 0;
          res.on("data", (d: Buffer) => {
            lines += d.toString().split("\n").length - 1;
            if (lines < 500 || req.destroyed) return;
            resolve(String(res.headers["x-batch-id"]));
            req.destroy();
          });
        });
        req.on("close", () => reject(new Error("closed before any answer")));
        req.write(`sku,description,hs code\n${rows(3000)}`);
        // The body never ends: the batch can only stop because the client went away.
      });
      const deadline = Date.now() + 10_000;
      while (t.store.batches.get(batchId)?.status === "running" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const batch = t.store.batches.get(batchId);
      expect(batch?.status).toBe("failed");
      expect(batch?.failure?.reason).toBe("clientGone");
      const stored = t.store.batches.rows(batchId, { offset: 0, limit: 10 });
      expect(stored.total).toBeGreaterThan(0);
      expect(stored.rows[0]).toMatchObject({ row: 1, sku: "S-0", exportVerdict: expect.any(String) });

      // 2,000 rows: more chunks than the batch thread sends before it waits for rows to be stored.
      const next = await request(t.app).post("/api/v1/classify/batch?asOf=2026-11-29").set("Content-Type", "text/csv").send(`sku,description\n${rows(2000)}`);
      expect(next.status).toBe(200);
      expect(next.text.trim().split("\n")).toHaveLength(2001);
      const nextId = String(next.headers["x-batch-id"]);
      expect(t.store.batches.get(nextId)).toMatchObject({ status: "done", rowsDone: 2000 });
      expect(t.store.batches.rows(nextId, { offset: 1990, limit: 20 }).rows.map((r) => r.sku)).toEqual(Array.from({ length: 10 }, (_, i) => `S-${1990 + i}`));
    } finally {
      server.close();
    }
  });

  it.each([
    ["on the classification threads", 2],
    ["on the request thread", 0],
  ])("fails a batch whose rows cannot be stored (%s), and the server keeps answering", async (_where, threads) => {
    const store = patchedStore(() => ({
      batches: {
        insertRows: () => {
          throw new Error("database or disk is full");
        },
      },
    }));
    const t = testApp({ threads, store });
    const res = await rawRequest(t.app, {
      method: "POST",
      path: "/api/v1/classify/batch?asOf=2026-11-29",
      headers: { "content-type": "text/csv" },
      body: `sku,description\n${rows(2000)}`,
    });
    const id = String(res.headers["x-batch-id"]);
    // The answer had begun (the header row): it ends with a row saying the batch failed, and the
    // connection is cut rather than ended, so no client takes it for the whole answer.
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    const lines = res.body.trim().split("\n");
    expect(lines.length).toBeLessThan(2001);
    expect(lines.at(-1)).toMatch(/the batch failed here: the rows after the last one above were not classified \(database or disk is full\)/);
    expect(store.batches.get(id)).toMatchObject({ status: "failed", message: "database or disk is full" });
    const single = await request(t.app).post("/api/v1/classify").send({ description: "HSM, RSA 4096" });
    expect(single.status).toBe(200);

    // An uploaded file stops the same way.
    const file = path.join(t.batchDir, "upload.csv");
    fs.writeFileSync(file, `sku,description\n${rows(2000)}`);
    const upload = store.batches.create(
      { id: newRecordId(), fileName: "upload.csv", source: "upload", options: { encoding: null, delimiter: null, mapping: {}, asOf: "2026-11-29", lang: "en" }, totalBytes: null, editions: null, engineVersion: "test" },
      new Date(),
    );
    t.deps.bulk.jobs.enqueue(upload, file, "http://localhost");
    await t.deps.bulk.jobs.idle();
    expect(store.batches.get(upload.id)).toMatchObject({ status: "failed", message: "database or disk is full" });

    // The batch page says what happened and what to do, in the reader's language, not the database's words alone.
    expect(store.batches.get(upload.id)?.failure).toEqual({ reason: "notStored", detail: "database or disk is full" });
    const en = await request(t.app).get(`/b/${upload.id}`);
    expect(en.text).toContain("rows could not be saved (database or disk is full)");
    const zh = await request(t.app).get(`/b/${upload.id}`).set("Cookie", "lang=zh");
    expect(zh.text).toContain("无法保存（database or disk is full）");
  });
});

describe("classification threads that fail under a batch", () => {
  const FAULTY = new URL("../support/echoWorker.ts", import.meta.url);
  it.each([
    ["throws on every chunk", "throw", /no verdict for this row/],
    ["exits", "crash", /exited/],
  ])("a thread that %s stops the batch under its own reason, keeps what was stored, and the server answers the next request", async (_what, word, why) => {
    const t = testApp({ threads: 1, threadModule: FAULTY });
    const body = `sku,description\n${Array.from({ length: 300 }, (_, i) => `S-${i},${i < 250 ? `part ${i}` : word}`).join("\n")}\n`;
    const res = await rawRequest(t.app, { method: "POST", path: "/api/v1/classify/batch?asOf=2026-11-29", headers: { "content-type": "text/csv" }, body });
    const id = String(res.headers["x-batch-id"]);
    expect(res.complete).toBe(false);
    expect(res.body.trim().split("\n").at(-1)).toMatch(/the batch failed here/);
    const batch = t.store.batches.get(id);
    expect(batch).toMatchObject({ status: "failed", failure: { reason: "threadStopped" } });
    expect(batch?.message).toMatch(why);
    // The chunks classified before the failing one were stored, in order.
    const stored = t.store.batches.rows(id, { offset: 0, limit: 300 });
    expect(stored.total).toBeGreaterThan(0);
    expect(stored.rows.map((r) => r.sku)).toEqual(Array.from({ length: stored.total }, (_, i) => `S-${i}`));
    // The pool is up again: a single classification is answered (by the test module, which echoes it).
    const single = await t.deps.classifyService.classify({ description: "after", asOf: "2026-11-29" });
    expect(JSON.parse(single.json)).toBe("after");
  });
});
