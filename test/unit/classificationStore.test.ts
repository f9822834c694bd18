import { describe, expect, it } from "vitest";
import { createClassifier } from "../../src/core/classify.ts";
import { loadListData } from "../../src/data/loadListData.ts";
import { openClassificationStore, RECORD_ID } from "../../src/store/classificationStore.ts";

const classifier = createClassifier(loadListData());
const result = (text: string) => classifier.classify({ description: text, asOf: "2026-11-29" });

describe("classification store", () => {
  it("stores saves made in the same moment together and resolves each with its own record", async () => {
    const store = openClassificationStore(":memory:");
    const texts = ["HSM AES-256", "VPN gateway 20 Gbps AES", "密钥管理系统", "kitchen knife"];
    const saved = await Promise.all(texts.map((t) => store.saveSoon(result(t))));
    expect(new Set(saved.map((s) => s.record.id)).size).toBe(texts.length);
    saved.forEach((s, i) => {
      expect(s.record.id).toMatch(RECORD_ID);
      expect(store.get(s.record.id)?.input.description).toBe(texts[i]);
      expect(JSON.parse(s.json)).toEqual(store.get(s.record.id));
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
    const { record, json } = store.saveWithJson(result("Crypto card, 12 Gbps, SM1"));
    expect(store.getJson(record.id)).toBe(json);
    expect(store.getJson("not-an-id")).toBeNull();
  });
});
