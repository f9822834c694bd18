import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createClassifier } from "../../src/core/classify.ts";
import { loadListData } from "../../src/data/loadListData.ts";
import { newRecordId, openClassificationStore, RECORD_ID } from "../../src/store/classificationStore.ts";
import { toResultJson } from "../../src/core/resultJson.ts";

const classifier = createClassifier(loadListData());
const classification = (text: string) => classifier.classify({ description: text, asOf: "2026-11-29" });
const result = (text: string) => toResultJson(classification(text));

describe("classification store", () => {
  it("stores saves made in the same moment together and resolves each with its own record", async () => {
    const store = openClassificationStore(":memory:");
    const texts = ["HSM AES-256", "VPN gateway 20 Gbps AES", "密钥管理系统", "kitchen knife"];
    const saved = await Promise.all(texts.map((t) => store.saveSoon(result(t))));
    expect(new Set(saved.map((s) => s.id)).size).toBe(texts.length);
    saved.forEach((s, i) => {
      expect(s.id).toMatch(RECORD_ID);
      expect(store.get(s.id)?.input.description).toBe(texts[i]);
      expect(JSON.parse(s.json)).toEqual(store.get(s.id));
      // The record is the result with its id and time in front, exactly as if serialised whole.
      const { id, createdAt, ...rest } = JSON.parse(s.json) as Record<string, unknown>;
      expect(s.json).toBe(JSON.stringify({ id, createdAt, ...rest }));
      expect(rest).toEqual(JSON.parse(JSON.stringify(classification(texts[i] as string))));
    });
  });

  it("rejects every save of a group when the group cannot be written, and stores none of them", async () => {
    const store = openClassificationStore(":memory:");
    const first = store.saveSoon(result("HSM"));
    const second = store.saveSoon(result("VPN"));
    store.close();
    await expect(first).rejects.toThrow();
    await expect(second).rejects.toThrow();
  });

  it("keeps the stored JSON as it was saved", () => {
    const store = openClassificationStore(":memory:");
    const { id, json } = store.save(classification("Crypto card, 12 Gbps, SM1"));
    expect(store.getJson(id)).toBe(json);
    expect(store.getJson("not-an-id")).toBeNull();
  });

  it("gives every record an id of its own, across many refills of the random pool", () => {
    const ids = Array.from({ length: 5000 }, newRecordId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(RECORD_ID);
    // 128 random bits: every one of the 64 characters turns up in the first place of 5,000 ids.
    expect(new Set(ids.map((id) => id[0])).size).toBe(64);
  });

  it("with background checkpoints, the checkpointer thread copies the log into the database", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clc-store-"));
    const file = path.join(dir, "c.db");
    const store = openClassificationStore(file, { backgroundCheckpoints: true });
    try {
      const before = fs.statSync(file).size;
      const texts = Array.from({ length: 400 }, (_, i) => `Hardware security module ${i}, RSA 4096, 20,000 signatures per second`);
      await Promise.all(texts.map((t) => store.saveSoon(result(t))));
      // Over a megabyte of records sits in the log; the database file grows only when a checkpoint copies it there.
      const deadline = Date.now() + 10_000;
      while (fs.statSync(file).size < before + 1_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(fs.statSync(file).size).toBeGreaterThan(before + 1_000_000);
      const reader = new Database(file, { readonly: true });
      expect((reader.prepare("SELECT COUNT(*) AS n FROM classifications").get() as { n: number }).n).toBe(texts.length);
      reader.close();
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
