import { describe, expect, it } from "vitest";
import { loadListData } from "../../src/data/loadListData.ts";
import { Lexicon } from "../../src/core/lexicon.ts";
import { normalise } from "../../src/core/normalise.ts";
import { createTypoCorrector } from "../../src/core/typos.ts";
import fs from "node:fs";
import { loadCases } from "../corpus/corpus.ts";
import { CASES as RULE_CASES } from "./readingRuleCases.ts";

/**
 * Every term of data/vocabulary.json is exercised by at least one labelled case (test/corpus/*.jsonl):
 * it occurs, case-insensitively, in a case's description as the engine reads it (normalised, typos
 * corrected). Terms matched as terms are looked for the way the engine's lexicon finds them, as whole
 * words ("des" is not in "design", "encrypt*" is a stem), with "=" (case-sensitive) dropped; so are
 * the cues the engine reads as whole words in a window (object, qualifier and negative-answer cues);
 * cues it reads as plain substrings around a finding (protective cues, lower bounds) are looked for as
 * substrings.
 * The reading-rules table (readingRuleCases.ts, texts written from each rule's words) counts too.
 *
 * Terms that came before this rule and still wait for a real case are listed, by section, in
 * test/corpus/terms-awaiting-cases.json: the list may only shrink. A new term needs a case, and a
 * listed term that a case now exercises must leave the list.
 */
const { vocabulary } = loadListData();

/** Sections whose terms the engine reads as plain substrings near a finding, not as words. */
const SUBSTRING_SECTIONS = ["protectiveCues", "lowerBounds"];

/** The sections the vocabulary is expected to hold; every one must be walked. */
const SECTIONS = [
  "productTypes", "cryptoFunction", "algorithms", "namedCurves", "sectors", "dedication", "massMarket", "enterprise",
  "negationCues", "notNegations", "exclusions", "software", "technology", "publicDomain", "services", "rateLabels",
  "managedObjects", "protectiveCues", "lowerBounds",
];

interface Term {
  readonly section: string;
  readonly term: string;
}

/** Every list of strings in the vocabulary, each named by its path ("productTypes.cipher_machine.primary"). */
function termsOf(value: unknown, path: string): Term[] {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) return (value as string[]).map((term) => ({ section: path, term }));
    return value.flatMap((item: unknown, i) => {
      const o = (item ?? {}) as Record<string, unknown>;
      const name = o.type ?? o.sector ?? o.name ?? (typeof o.bits === "number" ? `${o.bits}-bit` : i);
      return termsOf(item, `${path}.${String(name)}`);
    });
  }
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => termsOf(v, path ? `${path}.${k}` : k));
  return [];
}

const terms = termsOf(vocabulary, "");
const correctTypos = createTypoCorrector(vocabulary);
const texts = [...loadCases().map((c) => c.input.description ?? ""), ...RULE_CASES.map((c) => c[1])]
  .filter((d) => d.trim() !== "")
  .map((d) => correctTypos(normalise(d)));

/** Terms no case exercises, by section. */
function unexercised(): Map<string, string[]> {
  const lexicon = new Lexicon<number>();
  const bySubstring: number[] = [];
  terms.forEach((t, i) => {
    if (SUBSTRING_SECTIONS.some((s) => t.section === s || t.section.startsWith(`${s}.`))) bySubstring.push(i);
    else lexicon.add(t.term.replace(/^=/, ""), i);
  });
  const seen = new Set<number>();
  for (const n of texts) {
    for (const h of lexicon.findAll(n.lower, n.lower)) seen.add(h.tag);
    for (const i of bySubstring) if (n.lower.includes(normalise((terms[i] as Term).term).lower)) seen.add(i);
  }
  const missing = new Map<string, string[]>();
  terms.forEach((t, i) => {
    if (seen.has(i)) return;
    missing.set(t.section, [...(missing.get(t.section) ?? []), t.term]);
  });
  return missing;
}

describe("vocabulary coverage by the labelled corpus", () => {
  it("walks every section of the vocabulary", () => {
    expect(texts.length).toBeGreaterThanOrEqual(400);
    const roots = new Set(terms.map((t) => t.section.split(".")[0]));
    for (const s of [...SECTIONS, "publications", "objectCues", "qualifierCues", "negativeAnswers"]) expect(Object.keys(vocabulary), s).toContain(s);
    for (const s of SECTIONS.filter((x) => termsOf((vocabulary as Record<string, unknown>)[x], x).length > 0)) expect(roots, s).toContain(s);
  });

  const AWAITING_FILE = new URL("../corpus/terms-awaiting-cases.json", import.meta.url);
  const awaiting = JSON.parse(fs.readFileSync(AWAITING_FILE, "utf8")) as Record<string, string[]>;
  const report = (m: Map<string, string[]>) => [...m].map(([section, list]) => `  ${section} (${list.length}): ${list.map((t) => JSON.stringify(t)).join(", ")}`).join("\n");

  it("every vocabulary term occurs in a labelled case, or is listed as awaiting one", () => {
    const unlisted = new Map<string, string[]>();
    for (const [section, list] of unexercised()) {
      const left = list.filter((t) => !(awaiting[section] ?? []).includes(t));
      if (left.length > 0) unlisted.set(section, left);
    }
    const count = [...unlisted.values()].reduce((n, list) => n + list.length, 0);
    expect(count, `${count} vocabulary terms occur in no labelled case (add a case from a real source, or drop the term):\n${report(unlisted)}\n`).toBe(0);
  });

  it("lists as awaiting a case only terms that still wait for one", () => {
    const missing = unexercised();
    const stale = new Map<string, string[]>();
    for (const [section, list] of Object.entries(awaiting)) {
      const done = list.filter((t) => !(missing.get(section) ?? []).includes(t));
      if (done.length > 0) stale.set(section, done);
    }
    expect(stale.size, `terms a case now exercises, or no longer in the vocabulary; take them off terms-awaiting-cases.json:\n${report(stale)}\n`).toBe(0);
  });
});
