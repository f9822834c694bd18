import { describe, expect, it } from "vitest";
import { createClassifier } from "../../src/core/classify.ts";
import { RecheckRunningError, listDataFingerprint, recheckStatus, runRecheck } from "../../src/app/recheck.ts";
import { openClassificationStore, type ClassificationStore } from "../../src/store/classificationStore.ts";
import type { NewRow } from "../../src/store/batchStore.ts";
import type { ListData } from "../../src/data/loadListData.ts";
import { listData } from "../support/testApp.ts";
import { BEFORE, ITEMS, TODAY, withLaterExportEdition } from "../support/recheckData.ts";

type Key = keyof typeof ITEMS;

/** A store holding one record per item, classified under the bundled data before the new edition, and one with an answer. */
function storedBefore(): { store: ClassificationStore; ids: Record<Key | "vpnAnswered", string> } {
  const store = openClassificationStore(":memory:");
  const classifier = createClassifier(listData());
  const at = new Date(`${BEFORE}T02:00:00Z`);
  const ids = {} as Record<Key | "vpnAnswered", string>;
  for (const [key, item] of Object.entries(ITEMS) as [Key, (typeof ITEMS)[Key]][]) {
    ids[key] = store.save(classifier.classify({ description: item.description, asOf: BEFORE }), at).id;
  }
  // Answered: 15 Gbps stated by the user passes 10 and fails 20; the re-check must keep the answer.
  ids.vpnAnswered = store.save(classifier.classify({ description: ITEMS.vpnOpen.description, asOf: BEFORE, answers: { vpn_gbps: 15 } }), at).id;
  return { store, ids };
}

/** A finished batch with two rows: one the new edition changes, one it does not. */
function storeBatch(store: ClassificationStore): string {
  const classifier = createClassifier(listData());
  const batchId = "bbbbbbbbbbbbbbbbbbbbbb";
  const at = new Date(`${BEFORE}T03:00:00Z`);
  store.batches.create(
    { id: batchId, fileName: "catalogue.csv", source: "api", options: { encoding: null, delimiter: null, mapping: {}, asOf: BEFORE, lang: "en" }, totalBytes: 100, editions: "import-2021,export-2024", engineVersion: "1.3.0" },
    at,
  );
  const rows: NewRow[] = [ITEMS.vpn12.description, ITEMS.hsm.description].map((description, i) => {
    const r = classifier.classify({ description, asOf: BEFORE });
    return {
      row: i + 1, line: i + 2, sku: `SKU-${i + 1}`, description, hsCode: null, asOf: BEFORE, error: null, answersFor: null,
      importVerdict: r.import.verdict, importEntry: r.import.entry?.id ?? null, exportVerdict: r.export.verdict, exportEntry: r.export.entry?.id ?? null,
    };
  });
  store.batches.insertRows(batchId, rows);
  store.batches.markRunning(batchId, at);
  store.batches.finish(batchId, { rows: 2, errors: 0, bytesRead: 100, header: ["sku", "description"] } as unknown as Parameters<typeof store.batches.finish>[1], at);
  return batchId;
}

const recheckWith = (store: ClassificationStore, data: ListData, extra: { isReviewed?: (id: string) => boolean; chunkSize?: number } = {}) =>
  runRecheck({ classifier: createClassifier(data), store, listData: data, now: () => TODAY, ...extra });

describe("re-check on a new edition", () => {
  it("reports exactly the items the moved threshold changes, makes linked new records and leaves the old ones byte for byte", async () => {
    const { store, ids } = storedBefore();
    const batchId = storeBatch(store);
    const later = withLaterExportEdition(listData());
    const oldJson = Object.fromEntries(Object.values(ids).map((id) => [id, store.getJson(id)]));
    expect(recheckStatus({ store, listData: later }).due).toBe(true);

    // Two items a chunk: the pages must follow one another without skipping or repeating a record.
    const run = await recheckWith(store, later, { chunkSize: 2 });
    expect(run).toMatchObject({ status: "done", asOf: "2027-02-01", editions: "import-2021,export-2027", checked: 8, changed: 3, unchanged: 5, failed: 0 });
    expect(run.fingerprint).toBe(listDataFingerprint(later));

    const items = store.rechecks.items(run.id, { offset: 0, limit: 100 });
    expect(items.map((i) => (i.kind === "record" ? i.oldId : `${i.oldId}#${i.row}`)).sort()).toEqual([ids.vpn12, ids.vpnAnswered, `${batchId}#1`].sort());
    for (const item of items) {
      const changed = item.changes.filter((c) => c.changed);
      expect(changed).toHaveLength(1);
      expect(changed[0]).toMatchObject({
        direction: "export",
        old: { verdict: "licence_required", entry: "5A002.c", edition: "export-2024" },
        new: { verdict: "below_threshold", entry: "5A002.c", edition: "export-2027" },
      });
      expect(changed[0]?.reason.en).toMatch(/does not reach .*20 Gbps/);
      expect(changed[0]?.reason.zh).toMatch(/未达到.*20/);
      // The import side did not move, and is shown as it is.
      expect(item.changes.find((c) => c.direction === "import")).toMatchObject({ changed: false, old: { edition: "import-2021" }, new: { edition: "import-2021" } });

      const fresh = store.get(item.newId);
      expect(fresh?.asOf).toBe("2027-02-01");
      expect(fresh?.export).toMatchObject({ verdict: "below_threshold", edition: { id: "export-2027" } });
      expect(store.rechecks.recheckOf(item.newId)).toMatchObject({ oldId: item.oldId, recheckId: run.id });
      if (item.kind === "record") expect(store.rechecks.recheckedInto(item.oldId)?.newId).toBe(item.newId);
    }
    const answered = items.find((i) => i.oldId === ids.vpnAnswered);
    expect(store.get(answered?.newId ?? "")?.input.answers).toEqual({ vpn_gbps: 15 });
    // The unaffected have no newer record.
    for (const key of ["vpn25", "hsm", "phone", "vpnOpen"] as const) expect(store.rechecks.recheckedInto(ids[key])).toBeNull();

    for (const [id, json] of Object.entries(oldJson)) expect(store.getJson(id), id).toBe(json);

    // The same data again: nothing is due, nothing new is reported or stored.
    expect(recheckStatus({ store, listData: later })).toMatchObject({ due: false, last: { id: run.id } });
    const seq = store.rechecks.lastRecordSeq();
    const again = await recheckWith(store, later);
    // 4 records not superseded, the 3 new ones, and the batch row that did not change.
    expect(again).toMatchObject({ checked: 8, changed: 0, unchanged: 8, failed: 0 });
    expect(store.rechecks.items(again.id, { offset: 0, limit: 10 })).toEqual([]);
    expect(store.rechecks.lastRecordSeq()).toBe(seq);
    expect(recheckStatus({ store, listData: later }).due).toBe(false);

    // Data that differs from the last run's makes a re-check due again.
    expect(recheckStatus({ store, listData: listData() }).due).toBe(true);
  });

  it("changes nothing when the editions in force are the ones the records were made under", async () => {
    const { store } = storedBefore();
    const run = await runRecheck({ classifier: createClassifier(listData()), store, listData: listData(), now: () => new Date(`${BEFORE}T05:00:00Z`) });
    expect(run).toMatchObject({ checked: 6, changed: 0, unchanged: 6 });
  });

  it("lists reviewed items first, through the isReviewed dependency", async () => {
    const { store, ids } = storedBefore();
    const run = await recheckWith(store, withLaterExportEdition(listData()), { isReviewed: (id) => id === ids.vpnAnswered });
    const items = store.rechecks.items(run.id, { offset: 0, limit: 10 });
    expect(items.map((i) => [i.oldId, i.reviewed])).toEqual([
      [ids.vpnAnswered, true],
      [ids.vpn12, false],
    ]);
  });

  it("counts a record it cannot read as failed and goes on", async () => {
    const { store, ids } = storedBefore();
    const broken = { ...store, rechecks: { ...store.rechecks, eachRecord: (a: number, m: number, l: number, each: (r: { seq: number; id: string; json: string }) => void) => store.rechecks.eachRecord(a, m, l, (r) => each(r.id === ids.phone ? { ...r, json: "{not json" } : r)) } };
    const run = await recheckWith(broken, withLaterExportEdition(listData()));
    expect(run).toMatchObject({ checked: 6, changed: 2, unchanged: 3, failed: 1 });
  });

  it("runs one re-check at a time on a database", async () => {
    const { store } = storedBefore();
    const later = withLaterExportEdition(listData());
    const first = recheckWith(store, later);
    await expect(recheckWith(store, later)).rejects.toBeInstanceOf(RecheckRunningError);
    await expect(first).resolves.toMatchObject({ changed: 2 });
  });

  it("waits for a run of another process that is alive, and marks one that stopped reporting as failed", async () => {
    const { store } = storedBefore();
    const later = withLaterExportEdition(listData());
    const other = { fingerprint: "x", engineVersion: "1.3.0", asOf: "2027-02-01", editions: "" };
    expect(store.rechecks.start({ ...other, id: "otherprocessrun0000000" }, new Date(TODAY.getTime() - 60_000))).toBe(true);
    await expect(recheckWith(store, later)).rejects.toBeInstanceOf(RecheckRunningError);

    const fresh = openClassificationStore(":memory:");
    fresh.rechecks.start({ ...other, id: "deadprocessrun00000000" }, new Date(TODAY.getTime() - 11 * 60_000));
    const run = await recheckWith(fresh, later);
    expect(run.status).toBe("done");
    expect(fresh.rechecks.get("deadprocessrun00000000")?.status).toBe("failed");
  });
});
