import { createHash } from "node:crypto";
import { type Classifier, ENGINE_VERSION } from "../core/classify.ts";
import { todayInChina } from "../core/dates.ts";
import type { Direction } from "../core/listSchema.ts";
import type { Check, Classification, Outcome } from "../core/result.ts";
import type { ListData } from "../data/loadListData.ts";
import { type ClassificationRecord, type ClassificationStore, newRecordId } from "../store/classificationStore.ts";
import type { BatchRowToCheck, DirectionChange, DirectionState, Recheck, RecheckItem, RecordToCheck } from "../store/recheckStore.ts";

/**
 * Re-check: every stored classification and every stored batch row is classified again against the
 * editions in force today and compared with what was stored, direction by direction. An item whose
 * verdict or entry would change gets a new record, linked to the old one; the old record is never
 * touched, so its permalink still shows what was decided then.
 */
export interface RecheckDeps {
  readonly classifier: Pick<Classifier, "classify" | "editionsInForce">;
  readonly store: Pick<ClassificationStore, "save" | "rechecks">;
  readonly listData: ListData;
  /** The clock: "today" is today in China by it. */
  readonly now: () => Date;
  /** Whether a record has a review: reviewed items are listed first. None are, until reviews exist. */
  readonly isReviewed?: (recordId: string) => boolean;
  /** Items read and written per transaction. */
  readonly chunkSize?: number;
}

const DIRECTIONS: readonly Direction[] = ["import", "export"];
const TEXT_LIMIT = 300;
const DEFAULT_CHUNK = 1_000;

/** A run is already going on this database (in this process or another): one at a time, or both would re-check the same records. */
export class RecheckRunningError extends Error {
  constructor() {
    super("A re-check is already running.");
    this.name = "RecheckRunningError";
  }
}

const fingerprints = new WeakMap<ListData, string>();

/** sha256 of the list data (editions and vocabulary) and the engine version: what a verdict depends on besides its input. */
export function listDataFingerprint(listData: ListData): string {
  let known = fingerprints.get(listData);
  if (!known) {
    known = createHash("sha256")
      .update(JSON.stringify({ editions: listData.editions, vocabulary: listData.vocabulary }))
      .update(`\u0000${ENGINE_VERSION}`)
      .digest("hex");
    fingerprints.set(listData, known);
  }
  return known;
}

/** Whether the list data or the engine changed since the last finished re-check (or none has run yet). */
export function recheckStatus(deps: Pick<RecheckDeps, "store" | "listData">): { due: boolean; fingerprint: string; last: Recheck | null } {
  const fingerprint = listDataFingerprint(deps.listData);
  const last = deps.store.rechecks.lastFinished();
  return { due: last === null || last.fingerprint !== fingerprint, fingerprint, last };
}

const running = new WeakSet<object>();

/** Runs one re-check to the end and returns the run with its counts. */
export async function runRecheck(deps: RecheckDeps): Promise<Recheck> {
  const { classifier, store } = deps;
  const rechecks = store.rechecks;
  if (running.has(rechecks)) throw new RecheckRunningError();
  running.add(rechecks);
  try {
    return await run(deps);
  } finally {
    running.delete(rechecks);
  }

  async function run(deps: RecheckDeps): Promise<Recheck> {
    const startedAt = deps.now();
    const asOf = todayInChina(startedAt);
    const inForce = classifier.editionsInForce(asOf);
    const id = newRecordId();
    const isReviewed = deps.isReviewed ?? (() => false);
    const chunk = Math.max(1, deps.chunkSize ?? DEFAULT_CHUNK);
    const editionIds = new Map(deps.listData.editions.map((e) => [e.id, e.direction]));
    const started = rechecks.start(
      { id, fingerprint: listDataFingerprint(deps.listData), engineVersion: ENGINE_VERSION, asOf, editions: [inForce.import?.id, inForce.export?.id].filter(Boolean).join(",") },
      startedAt,
    );
    if (!started) throw new RecheckRunningError();
    const counts = { checked: 0, changed: 0, unchanged: 0, failed: 0 };
    let seq = 0;
    type Found = Omit<RecheckItem, "recheckId" | "seq" | "newId"> & { readonly result: Classification };

    const compare = (found: Omit<Found, "changes" | "reviewed">, old: (d: Direction) => { state: DirectionState; outcome: Outcome | null }, reviewed: () => boolean): Found | null => {
      const changes = DIRECTIONS.map((d) => directionChange(d, old(d), found.result[d]));
      if (!changes.some((c) => c.changed)) {
        counts.unchanged += 1;
        return null;
      }
      counts.changed += 1;
      return { ...found, changes, reviewed: reviewed() };
    };
    const classify = (input: { description: string | null; hsCode: string | null; answers?: ClassificationRecord["input"]["answers"] }) =>
      classifier.classify({ description: input.description ?? undefined, hsCode: input.hsCode ?? undefined, asOf, answers: input.answers });

    const checkRecord = (r: RecordToCheck): Found | null => {
      counts.checked += 1;
      let old: ClassificationRecord;
      let result: Classification;
      try {
        old = JSON.parse(r.json) as ClassificationRecord;
        result = classify(old.input);
      } catch {
        counts.failed += 1;
        return null;
      }
      const outcomeOf = (d: Direction) => {
        const o = old[d] as Outcome | undefined;
        return { state: { verdict: o?.verdict ?? null, entry: o?.entry?.id ?? null, edition: o?.edition?.id ?? null }, outcome: o ?? null };
      };
      return compare({ kind: "record", oldId: r.id, row: null, text: textOf(old.input), result }, outcomeOf, () => isReviewed(r.id));
    };

    const checkRow = (r: BatchRowToCheck): Found | null => {
      counts.checked += 1;
      let result: Classification;
      try {
        result = classify(r);
      } catch {
        counts.failed += 1;
        return null;
      }
      // A batch row keeps its verdicts and entries only: the editions are the batch's.
      const batchEditions = (r.editions ?? "").split(",").filter(Boolean);
      const editionOf = (d: Direction) => batchEditions.find((e) => (editionIds.get(e) ?? (e.startsWith(`${d}-`) ? d : null)) === d) ?? null;
      const stateOf = (d: Direction) => ({
        state: { verdict: d === "import" ? r.importVerdict : r.exportVerdict, entry: d === "import" ? r.importEntry : r.exportEntry, edition: editionOf(d) },
        outcome: null,
      });
      return compare({ kind: "batch_row", oldId: r.batchId, row: r.row, text: textOf(r), result }, stateOf, () => false);
    };

    const store_ = (found: Found[]) => {
      if (found.length === 0) return;
      const now = deps.now();
      rechecks.write(() => {
        for (const { result, ...item } of found) {
          const { id: newId } = store.save(result, now);
          seq += 1;
          rechecks.addItem({ ...item, recheckId: id, seq, newId }, now);
        }
      });
    };

    try {
      // Records first, in the order they were stored; those made from now on (by this run too) are not re-read.
      const maxSeq = rechecks.lastRecordSeq();
      for (let after = 0; ; ) {
        const found: Found[] = [];
        let read = 0;
        // Reading streams one chunk; the writes wait until it is read, on the same connection.
        rechecks.eachRecord(after, maxSeq, chunk, (r) => {
          read += 1;
          after = r.seq;
          const f = checkRecord(r);
          if (f) found.push(f);
        });
        if (read === 0) break;
        store_(found);
        rechecks.progress(id, counts, deps.now());
        await nextTurn();
      }
      for (let after = { batchId: "", row: 0 }; ; ) {
        const found: Found[] = [];
        let read = 0;
        rechecks.eachBatchRow(after, chunk, (r) => {
          read += 1;
          after = { batchId: r.batchId, row: r.row };
          const f = checkRow(r);
          if (f) found.push(f);
        });
        if (read === 0) break;
        store_(found);
        rechecks.progress(id, counts, deps.now());
        await nextTurn();
      }
    } catch (err) {
      rechecks.finish(id, counts, deps.now(), "failed");
      throw err;
    }
    rechecks.finish(id, counts, deps.now());
    return rechecks.get(id) as Recheck;
  }
}

/** The links of a changed item: the record re-checked (or the batch row's page) and the new record. */
export function itemLinks(item: Pick<RecheckItem, "kind" | "oldId" | "row" | "newId">): { old: string; new: string } {
  return { old: item.kind === "record" ? `/c/${item.oldId}` : `/b/${item.oldId}/rows/${item.row}`, new: `/c/${item.newId}` };
}

/** A run as the API and the command line report it. */
export function recheckJson(run: Recheck) {
  return {
    id: run.id,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    asOf: run.asOf,
    editions: run.editions ? run.editions.split(",") : [],
    engineVersion: run.engineVersion,
    fingerprint: run.fingerprint,
    counts: { checked: run.checked, changed: run.changed, unchanged: run.unchanged, failed: run.failed },
  };
}

/** A changed item as the API and the command line report it: old and new side by side, with their links. */
export function recheckItemJson(item: RecheckItem) {
  const links = itemLinks(item);
  return {
    kind: item.kind,
    old: { id: item.oldId, ...(item.row !== null ? { row: item.row } : {}), url: links.old },
    new: { id: item.newId, url: links.new },
    reviewed: item.reviewed,
    text: item.text,
    changes: item.changes,
  };
}

/** Lets the server answer other requests between chunks. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function textOf(input: { description: string | null; hsCode: string | null }): string {
  const text = (input.description ?? "").replace(/\s+/g, " ").trim() || input.hsCode || "";
  return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT - 1)}…` : text;
}

function directionChange(direction: Direction, old: { state: DirectionState; outcome: Outcome | null }, next: Outcome): DirectionChange {
  const now: DirectionState = { verdict: next.verdict, entry: next.entry?.id ?? null, edition: next.edition?.id ?? null };
  return {
    direction,
    old: old.state,
    new: now,
    changed: old.state.verdict !== now.verdict || old.state.entry !== now.entry,
    reason: decidingReason(old.outcome, next),
  };
}

/**
 * The reason of the criterion that decides the new result: the first check of the same entry whose
 * status moved; else the first failing check of a result below the thresholds, or the first open one
 * of a result that needs information; else the result's own first reason.
 */
export function decidingReason(old: Outcome | null, next: Outcome): { en: string; zh: string } {
  const sameEntry = old !== null && (old.entry?.id ?? null) === (next.entry?.id ?? null);
  let check: Check | undefined;
  if (sameEntry) {
    check = next.checks.find((c, i) => {
      const before = old.checks?.[i];
      return before !== undefined && before.criterion === c.criterion && before.status !== c.status;
    });
  }
  if (!check && next.verdict === "below_threshold") check = next.checks.find((c) => c.status === "fail");
  if (!check && next.verdict === "needs_info") check = next.checks.find((c) => c.status === "unknown");
  if (check) return checkReason(check);
  return { en: next.reasons[0] ?? "", zh: next.zh?.reasons[0] ?? next.reasons[0] ?? "" };
}

function checkReason(c: Check): { en: string; zh: string } {
  if (c.status === "fail" && c.exclusion) {
    return { en: `${c.label.en}: ${c.value?.en ?? "—"} — excluded from the entry.`, zh: `${c.label.zh}：${c.value?.zh ?? "—"}，不属于该条目管控范围。` };
  }
  if (c.status === "fail") {
    return { en: `${c.label.en}: ${c.value?.en ?? "—"} does not reach ${c.threshold.en}.`, zh: `${c.label.zh}：${c.value?.zh ?? "—"}未达到${c.threshold.zh}。` };
  }
  if (c.status === "pass") {
    return { en: `${c.label.en}: ${c.value?.en ?? "—"} meets ${c.threshold.en}.`, zh: `${c.label.zh}：${c.value?.zh ?? "—"}达到${c.threshold.zh}。` };
  }
  return { en: `${c.label.en}: not stated (${c.threshold.en}).`, zh: `${c.label.zh}：未说明（${c.threshold.zh}）。` };
}
