import type { Criterion, Direction, Edition, Entry, LeafCriterion } from "../core/listSchema.ts";

/**
 * What changed between two editions of a list. Pure: no I/O, no language, so the diff page and
 * its tests see the same structure. Wording (textZh/textEn) is compared separately from the
 * structured criteria, because a reworded criterion with the same thresholds does not change
 * what is controlled, while a changed threshold does.
 */

export interface EntryRef {
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
}

export interface Change<T> {
  readonly from: T;
  readonly to: T;
}

export interface HsCodeRef {
  readonly code: string;
  readonly nameZh?: string | undefined;
}

/** Which bilingual texts were reworded; "criteriaZh" covers every criterion's own list text. */
export type TextField = "textZh" | "textEn" | "scopeZh" | "scopeEn" | "criteriaZh" | "criteriaEn";

export interface EntryComparison {
  readonly from: EntryRef;
  readonly to: EntryRef;
  /** How the pair was found: declared equivalents, or the same id in both editions. */
  readonly matchedBy: "equivalents" | "id";
  /** Same item, different id (e.g. export-2021 1.2 → export-2024 5A002.b). */
  readonly renumbered: boolean;
  readonly nameZh: Change<string> | null;
  readonly nameEn: Change<string> | null;
  /** The structured criteria (wording ignored, cross-references mapped to the new ids) differ. */
  readonly criteria: Change<Criterion[]> | null;
  readonly mainFunction: Change<boolean> | null;
  readonly hsCodes: { readonly added: HsCodeRef[]; readonly removed: HsCodeRef[] } | null;
  /** Reworded texts only; empty when every text is the same. */
  readonly textChanged: TextField[];
  /** Nothing but (possibly) the id differs. */
  readonly unchanged: boolean;
}

export interface EditionRef {
  readonly id: string;
  readonly direction: Direction;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
}

export interface EditionDiff {
  readonly from: EditionRef;
  readonly to: EditionRef;
  /** In `to` with no counterpart in `from`, in `to`'s order. */
  readonly added: EntryRef[];
  /** In `from` with no counterpart in `to`, in `from`'s order. */
  readonly removed: EntryRef[];
  /** Every matched pair, in `from`'s order. */
  readonly matched: EntryComparison[];
  /** The matched pairs whose id differs. */
  readonly renumbered: EntryComparison[];
  /** The matched pairs whose content differs (names, criteria, wording, HS codes, main-function flag). */
  readonly changed: EntryComparison[];
  /** The matched pairs whose content is the same (they may still be renumbered). */
  readonly unchanged: EntryComparison[];
}

/**
 * Compares two editions. Entries are paired through `equivalents` declared on either side (so a
 * split or merge gives several pairs); entries left unpaired are then paired by identical id.
 * It does not check that the editions belong to the same list: the caller decides what is
 * meaningful to compare.
 */
export function diffEditions(from: Edition, to: Edition): EditionDiff {
  const pairs = pairEntries(from, to);
  const mapIds = idMapper(pairs);
  const matched = pairs.map(({ a, b, matchedBy }) => compareEntries(a, b, matchedBy, mapIds));
  const pairedFrom = new Set(pairs.map((p) => p.a.id));
  const pairedTo = new Set(pairs.map((p) => p.b.id));
  return {
    from: editionRef(from),
    to: editionRef(to),
    added: to.entries.filter((e) => !pairedTo.has(e.id)).map(entryRef),
    removed: from.entries.filter((e) => !pairedFrom.has(e.id)).map(entryRef),
    matched,
    renumbered: matched.filter((m) => m.renumbered),
    changed: matched.filter((m) => !m.unchanged),
    unchanged: matched.filter((m) => m.unchanged),
  };
}

interface Pair {
  readonly a: Entry;
  readonly b: Entry;
  readonly matchedBy: "equivalents" | "id";
}

function pairEntries(from: Edition, to: Edition): Pair[] {
  const toById = new Map(to.entries.map((e) => [e.id, e]));
  const linked = new Set<string>();
  const key = (a: string, b: string) => JSON.stringify([a, b]);
  for (const a of from.entries) {
    for (const eq of a.equivalents) if (eq.edition === to.id && toById.has(eq.entry)) linked.add(key(a.id, eq.entry));
  }
  for (const b of to.entries) {
    for (const eq of b.equivalents) if (eq.edition === from.id && from.entries.some((e) => e.id === eq.entry)) linked.add(key(eq.entry, b.id));
  }

  const pairs: Pair[] = [];
  const pairedFrom = new Set<string>();
  const pairedTo = new Set<string>();
  for (const a of from.entries) {
    for (const b of to.entries) {
      if (!linked.has(key(a.id, b.id))) continue;
      pairs.push({ a, b, matchedBy: "equivalents" });
      pairedFrom.add(a.id);
      pairedTo.add(b.id);
    }
  }
  for (const a of from.entries) {
    const b = toById.get(a.id);
    if (!pairedFrom.has(a.id) && b && !pairedTo.has(b.id)) {
      pairs.push({ a, b, matchedBy: "id" });
      pairedFrom.add(a.id);
      pairedTo.add(b.id);
    }
  }
  const position = (edition: Edition, id: string) => edition.entries.findIndex((e) => e.id === id);
  return pairs.sort((p, q) => position(from, p.a.id) - position(from, q.a.id) || position(to, p.b.id) - position(to, q.b.id));
}

/** Maps a `from` entry id to its `to` ids, so "specially designed for 1.2" equals "… for 5A002.b". */
function idMapper(pairs: Pair[]): (id: string) => string[] {
  const map = new Map<string, string[]>();
  for (const p of pairs) map.set(p.a.id, [...(map.get(p.a.id) ?? []), p.b.id]);
  // An id with no counterpart stays as it is (marked, so it cannot collide with a `to` id).
  return (id) => map.get(id) ?? [`removed:${id}`];
}

function compareEntries(a: Entry, b: Entry, matchedBy: Pair["matchedBy"], mapIds: (id: string) => string[]): EntryComparison {
  const nameZh = a.nameZh === b.nameZh ? null : { from: a.nameZh, to: b.nameZh };
  const nameEn = a.nameEn === b.nameEn ? null : { from: a.nameEn, to: b.nameEn };
  const sameCriteria = criteriaKey(a.criteria, mapIds) === criteriaKey(b.criteria, (id) => [id]);
  const criteria = sameCriteria ? null : { from: a.criteria, to: b.criteria };
  const mainFunction = a.mainFunction === b.mainFunction ? null : { from: a.mainFunction, to: b.mainFunction };

  const codesA = new Set(a.hsCodes.map((h) => h.code));
  const codesB = new Set(b.hsCodes.map((h) => h.code));
  const hsAdded = b.hsCodes.filter((h) => !codesA.has(h.code)).map(hsRef);
  const hsRemoved = a.hsCodes.filter((h) => !codesB.has(h.code)).map(hsRef);
  const hsCodes = hsAdded.length > 0 || hsRemoved.length > 0 ? { added: hsAdded, removed: hsRemoved } : null;

  const textChanged: TextField[] = [];
  if (a.textZh !== b.textZh) textChanged.push("textZh");
  if (a.textEn !== b.textEn) textChanged.push("textEn");
  if (a.scopeZh !== b.scopeZh) textChanged.push("scopeZh");
  if (a.scopeEn !== b.scopeEn) textChanged.push("scopeEn");
  if (criteriaTexts(a.criteria, "textZh") !== criteriaTexts(b.criteria, "textZh")) textChanged.push("criteriaZh");
  if (criteriaTexts(a.criteria, "textEn") !== criteriaTexts(b.criteria, "textEn")) textChanged.push("criteriaEn");

  const unchanged = !nameZh && !nameEn && !criteria && !mainFunction && !hsCodes && textChanged.length === 0;
  return {
    from: entryRef(a),
    to: entryRef(b),
    matchedBy,
    renumbered: a.id !== b.id,
    nameZh,
    nameEn,
    criteria,
    mainFunction,
    hsCodes,
    textChanged,
    unchanged,
  };
}

/**
 * A canonical string for a criteria list: wording dropped, unordered sets sorted, entry references
 * mapped. The list of criteria is compared as a set too: "A and B" is the same test as "B and A".
 */
function criteriaKey(criteria: Criterion[], mapIds: (id: string) => string[]): string {
  return JSON.stringify(criteria.map((c) => JSON.stringify(canonical(c, mapIds))).sort());
}

function canonical(c: Criterion, mapIds: (id: string) => string[]): unknown {
  if (c.kind === "anyOf") return { kind: c.kind, of: c.of.map((leaf) => JSON.stringify(canonicalLeaf(leaf, mapIds))).sort() };
  return canonicalLeaf(c, mapIds);
}

function canonicalLeaf(c: LeafCriterion, mapIds: (id: string) => string[]): unknown {
  switch (c.kind) {
    case "algorithm":
      return [c.kind, c.symmetricMinBits, c.integerFactorisationMinBits, c.ellipticCurveMinBits];
    case "rate":
      return [c.kind, c.anyOf.map((m) => `${m.measure}≥${m.min}`).sort()];
    case "managedObjects":
      return [c.kind, c.min];
    case "sectorDedicated":
      return [c.kind, [...new Set(c.sectors)].sort()];
    case "speciallyDesigned":
      return [c.kind, [...new Set(c.forEntries.flatMap(mapIds))].sort()];
    case "quantum":
    case "cryptanalysis":
    case "notPublicDomain":
      return [c.kind];
  }
}

function criteriaTexts(criteria: Criterion[], field: "textZh" | "textEn"): string {
  return JSON.stringify(criteria.map((c) => (c.kind === "anyOf" ? [c[field], c.of.map((leaf) => leaf[field])] : [c[field]])));
}

function entryRef(e: Entry): EntryRef {
  return { id: e.id, nameZh: e.nameZh, nameEn: e.nameEn };
}

function hsRef(h: HsCodeRef): HsCodeRef {
  return h.nameZh === undefined ? { code: h.code } : { code: h.code, nameZh: h.nameZh };
}

function editionRef(e: Edition): EditionRef {
  return { id: e.id, direction: e.direction, effectiveFrom: e.effectiveFrom, effectiveTo: e.effectiveTo };
}
