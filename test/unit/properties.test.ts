import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadListData } from "../../src/data/loadListData.ts";
import { createClassifier } from "../../src/core/classify.ts";
import { buildLexicon } from "../../src/core/extract.ts";
import { normalise } from "../../src/core/normalise.ts";
import { parseQuantity, QUANTITY } from "../../src/core/numbers.ts";
import { createTypoCorrector } from "../../src/core/typos.ts";
import { type LabelledCase, loadCases } from "../corpus/corpus.ts";

/**
 * Runs per property, and a fixed seed so a run in CI repeats the one made here: PROPERTY_RUNS=5000
 * (and PROPERTY_SEED unset for a random one) looks much harder, as before a change to the engine lands.
 */
const SCALE = Number(process.env.PROPERTY_RUNS ?? 0);
const RUNS = (n: number) => (SCALE > 0 ? SCALE : n);
fc.configureGlobal({ seed: process.env.PROPERTY_SEED === "random" ? Date.now() : Number(process.env.PROPERTY_SEED ?? 20261201) });

/**
 * Metamorphic properties over the labelled corpus: a change of a real text that does not change what
 * the text says must not change the verdict (import and export verdict, and the entry each points at).
 * Only in-repo data: data/ and test/corpus/.
 */
const data = loadListData();
const classifier = createClassifier({ ...data, cacheSize: 0 });
const AS_OF = "2026-12-01";

const cases = loadCases().filter((c) => (c.input.description ?? "").trim() !== "");
const ofFormat = (format: LabelledCase["format"]) => cases.filter((c) => c.format === format);

type VerdictKey = { import: [string, string | null]; export: [string, string | null] };

function verdictOf(description: string, c: LabelledCase): VerdictKey {
  const r = classifier.classify({ description, hsCode: c.input.hsCode, asOf: c.input.asOf ?? AS_OF });
  return {
    import: [r.import.verdict, r.import.entry?.id ?? null],
    export: [r.export.verdict, r.export.entry?.id ?? null],
  };
}

const original = new Map<string, VerdictKey>();
function originalVerdict(c: LabelledCase): VerdictKey {
  let v = original.get(c.id);
  if (!v) {
    v = verdictOf(c.input.description as string, c);
    original.set(c.id, v);
  }
  return v;
}

function expectSameVerdict(c: LabelledCase, transformed: string, what: string): void {
  expect(verdictOf(transformed, c), `${c.id} ${what}: ${JSON.stringify(transformed)}`).toEqual(originalVerdict(c));
}

// ---------------------------------------------------------------------------------------------
// a. Irrelevant fields added

/** A field that says nothing about crypto, the product type, a sector, the mass market or enterprise use. */
interface Filler {
  readonly key: string;
  readonly value: string;
  /** How it is written in free text. */
  readonly free: string;
}

const FILLERS: readonly Filler[] = [
  { key: "Colour", value: "black", free: "Colour: black" },
  { key: "Warranty", value: "3 years", free: "Warranty: 3 years" },
  { key: "包装", value: "纸箱", free: "包装: 纸箱" },
  { key: "数量", value: "20台", free: "数量: 20台" },
  { key: "Lead time", value: "4 weeks", free: "Lead time 4 weeks" },
  { key: "颜色", value: "黑色", free: "颜色：黑色" },
  { key: "产地", value: "德国", free: "产地: 德国" },
];

/** The colon a declaration text uses between key and value. */
const colonOf = (text: string) => ((text.match(/：/g)?.length ?? 0) > (text.match(/:/g)?.length ?? 0) ? "：" : ":");
/** The separator between cells of a spec table, as the text writes it. */
const cellSeparatorOf = (text: string) => / \| /.exec(text)?.[0] ?? "|";

/** The separator a free text uses between its items: line breaks, bars, semicolons, commas, dashes or spaces. */
function freeSeparatorOf(text: string): string {
  if (text.includes("\n")) return "\n";
  if (/ \| /.test(text)) return " | ";
  if (text.includes("；")) return "；";
  if (text.includes("，")) return "，";
  if (text.includes("; ")) return "; ";
  if (text.includes(";")) return ";";
  if (text.includes(", ")) return ", ";
  if (text.includes(",")) return ",";
  if (text.includes(" - ")) return " - ";
  return " ";
}

type Place = "start" | "end";

/**
 * The text with a filler field added at its start or end, in the text's own format: a `key:value`
 * field of a declaration (at the start means right after 品名, which a declaration names first), a
 * row (or a pair of cells) of a spec table, an item joined with the text's own separator otherwise.
 */
function addFiller(text: string, format: LabelledCase["format"], filler: Filler, place: Place): string {
  if (format === "declaration_elements") {
    const fields = text.split("|");
    const field = `${filler.key}${colonOf(text)}${filler.value}`;
    if (place === "end") return [...fields, field].join("|");
    return [fields[0] as string, field, ...fields.slice(1)].join("|");
  }
  if (format === "spec_table") {
    const cells = `${filler.key}${cellSeparatorOf(text)}${filler.value}`;
    const join = text.includes("\n") ? "\n" : cellSeparatorOf(text);
    return place === "end" ? `${text.replace(/\s+$/, "")}${join}${cells}` : `${cells}${join}${text}`;
  }
  const sep = freeSeparatorOf(text);
  if (place === "start") return `${filler.free}${sep}${text}`;
  const body = text.replace(/\s+$/, "");
  // A text that ends a sentence gets the filler as a sentence of its own.
  const stop = /[。！？]$/.exec(body)?.[0] ?? (/[.!?]$/.test(body) && sep !== "\n" ? "." : null);
  if (stop === ".") return `${body} ${filler.free}.`;
  if (stop !== null) return `${body}${filler.free}${stop}`;
  return `${body}${sep}${filler.free}`;
}

// ---------------------------------------------------------------------------------------------
// b. Declaration elements reordered

/** Fields of a 申报要素 text `key:value|key:value`. */
const declarationFields = (text: string) => text.split("|");

// ---------------------------------------------------------------------------------------------
// c. Full-width forms

type CharClass = "letters" | "digits" | "punctuation";
const classOf = (code: number): CharClass | null => {
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return "letters";
  if (code >= 0x30 && code <= 0x39) return "digits";
  if (code >= 0x21 && code <= 0x7e) return "punctuation";
  return null;
};

/** ASCII letters, digits and punctuation of the chosen classes as their full-width forms (U+FF01–FF5E); spaces kept. */
function toFullWidth(text: string, classes: readonly CharClass[]): string {
  let out = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const k = ch.length === 1 ? classOf(code) : null;
    out += k !== null && classes.includes(k) ? String.fromCharCode(code + 0xfee0) : ch;
  }
  return out;
}

/** Full-width forms (U+FF01–FF5E) of the chosen classes back to ASCII. */
function toHalfWidth(text: string, classes: readonly CharClass[]): string {
  let out = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const k = code >= 0xff01 && code <= 0xff5e ? classOf(code - 0xfee0) : null;
    out += k !== null && classes.includes(k) ? String.fromCharCode(code - 0xfee0) : ch;
  }
  return out;
}

const charClasses = fc.subarray<CharClass>(["letters", "digits", "punctuation"], { minLength: 1 });

// ---------------------------------------------------------------------------------------------
// d. Spec-table separators

type TableSeparator = "tab" | "spaces" | "line break";

/** Every cell separator `|` (with the spaces around it) of a spec table written as a tab, three or more spaces (two are a typing habit, not a column) or a line break. */
function reseparate(text: string, to: TableSeparator, spaces = 3): string {
  const sep = to === "tab" ? "\t" : to === "spaces" ? " ".repeat(spaces) : "\n";
  return text.replace(/[ \t]*\|[ \t]*/g, sep);
}

// ---------------------------------------------------------------------------------------------

describe("properties over the corpus: what a text says does not change with how it is pasted", () => {
  it("the fillers carry no vocabulary term in any way they are written", () => {
    const lexicon = buildLexicon(data.vocabulary);
    const correct = createTypoCorrector(data.vocabulary);
    for (const f of FILLERS) {
      for (const written of [f.free, `${f.key}:${f.value}`, `${f.key}：${f.value}`, `${f.key} | ${f.value}`, `${f.key}\t${f.value}`, f.key, f.value]) {
        const n = correct(normalise(written));
        expect(lexicon.findAll(n.lower, n.text), written).toEqual([]);
        expect(QUANTITY.exec(n.text)?.[2], `${written}: no multiplier`).toBeUndefined();
      }
      // Nor any cue read by a rule rather than as a term.
      const lower = normalise(f.free).lower;
      for (const cue of [...data.vocabulary.protectiveCues, ...data.vocabulary.lowerBounds.before, ...data.vocabulary.lowerBounds.after])
        expect(lower.includes(cue.toLowerCase()), `${f.free} holds the cue ${cue}`).toBe(false);
    }
  });

  it("a. adding irrelevant fields (colour, warranty, packing, quantity, lead time…) at the start or end keeps the verdict", () => {
    const additions = fc.array(fc.tuple(fc.constantFrom(...FILLERS), fc.constantFrom<Place>("start", "end")), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.constantFrom(...cases), additions, (c, adds) => {
        let text = c.input.description as string;
        for (const [filler, place] of adds) text = addFiller(text, c.format, filler, place);
        expectSameVerdict(c, text, `with ${adds.map(([f, p]) => `${f.key} at the ${p}`).join(", ")}`);
      }),
      { numRuns: RUNS(200) },
    );
  });

  it("b. reordering the fields of a declaration-elements text, 品名 first, keeps the verdict", () => {
    const declarations = ofFormat("declaration_elements").filter((c) => (c.input.description as string).startsWith("品名"));
    expect(declarations.length).toBeGreaterThanOrEqual(10);
    const reordered = fc.constantFrom(...declarations).chain((c) => {
      const rest = declarationFields(c.input.description as string).slice(1);
      return fc.tuple(fc.constant(c), fc.shuffledSubarray(rest, { minLength: rest.length, maxLength: rest.length }));
    });
    fc.assert(
      fc.property(reordered, ([c, rest]) => {
        const fields = declarationFields(c.input.description as string);
        expect([...rest].sort()).toEqual(fields.slice(1).sort()); // a permutation, nothing lost
        expectSameVerdict(c, [fields[0] as string, ...rest].join("|"), "fields reordered");
      }),
      { numRuns: RUNS(200) },
    );
  });

  it("c. ASCII letters, digits and punctuation as full-width forms keep the verdict", () => {
    fc.assert(
      fc.property(fc.constantFrom(...cases), charClasses, (c, classes) => {
        const text = c.input.description as string;
        const wide = toFullWidth(text, classes);
        expect(toHalfWidth(wide, classes)).toBe(toHalfWidth(text, classes)); // the transformation is undone exactly
        expectSameVerdict(c, wide, `${classes.join("+")} full-width`);
      }),
      { numRuns: RUNS(200) },
    );
  });

  it("c. full-width forms as ASCII (and a whole text full-width then back) keep the verdict", () => {
    fc.assert(
      fc.property(fc.constantFrom(...cases), charClasses, (c, classes) => {
        const text = c.input.description as string;
        expectSameVerdict(c, toHalfWidth(text, classes), `${classes.join("+")} half-width`);
        expectSameVerdict(c, toHalfWidth(toFullWidth(text, ["letters", "digits", "punctuation"]), classes), `full-width, then ${classes.join("+")} back`);
      }),
      { numRuns: RUNS(150) },
    );
  });

  it("d. a spec table's separators as a tab, several spaces or a line break keep the verdict (reading rule 20)", () => {
    const tables = ofFormat("spec_table").filter((c) => (c.input.description as string).includes("|"));
    expect(tables.length).toBeGreaterThanOrEqual(10);
    fc.assert(
      fc.property(fc.constantFrom(...tables), fc.constantFrom<TableSeparator>("tab", "spaces", "line break"), fc.integer({ min: 3, max: 6 }), (c, to, spaces) => {
        const text = reseparate(c.input.description as string, to, spaces);
        expect(text).not.toContain("|");
        expectSameVerdict(c, text, `separators as ${to}`);
      }),
      { numRuns: RUNS(200) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Numbers (reading rule 8)

/** The first quantity QUANTITY finds in a text, with its multiplier applied; undefined where none is found. */
function quantityIn(text: string): number | null | undefined {
  const m = QUANTITY.exec(text);
  return m ? parseQuantity(m[1] as string, m[2]) : undefined;
}

/** The operation rates the engine reads from a cipher machine's signature rate written with this figure. */
function signatureRates(figure: string): number[] {
  const r = classifier.classify({ description: `服务器密码机，SM2签名速率 ${figure}次/秒，SM4`, asOf: AS_OF });
  return r.parameters.rates.filter((x) => x.unit === "tps").map((x) => x.value);
}

/** The forms reading rule 8 names, with the values it gives them. */
const RULE_8: [string, number][] = [
  ["1W", 10_000],
  ["1w", 10_000],
  ["5万", 50_000],
  ["1.2万", 12_000],
  ["十万", 100_000],
  ["10^5", 100_000],
  ["50K", 50_000],
  ["50k", 50_000],
  ["50,000", 50_000],
];

describe("properties of the number parser (reading rule 8)", () => {
  it("an integer written with ',' thousands separators reads back as the integer, in a text and as a rate", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.constantFrom("", " tps", "次/秒", " keys"), (n, after) => {
        const written = n.toLocaleString("en-US");
        const m = QUANTITY.exec(`${written}${after}`);
        expect(m?.[1], written).toBe(written);
        expect(parseQuantity(written, undefined)).toBe(n);
        expect(quantityIn(`${written}${after}`)).toBe(n);
      }),
      { numRuns: RUNS(200) },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 1e9 }), (n) => {
        expect(signatureRates(n.toLocaleString("en-US"))).toContain(n);
      }),
      { numRuns: RUNS(100) },
    );
  });

  it("the forms reading rule 8 names give the values it states, alone and as a signature rate", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RULE_8), fc.constantFrom("", "次/秒", " tps"), ([written, value], after) => {
        expect(quantityIn(`${written}${after}`), `${written}${after}`).toBe(value);
        expect(signatureRates(written), `签名速率 ${written}次/秒`).toContain(value);
      }),
      { numRuns: RUNS(100) },
    );
  });

  it("k万, kW, kw are k × 10,000; kK, kk are k × 1,000; 10^e is 10 to the e; k.d万 is exact", () => {
    const form = fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 99_999 }), fc.constantFrom("万", "W", "w")).map(([k, u]) => [`${k}${u}`, k * 10_000] as const),
      fc.tuple(fc.integer({ min: 1, max: 99_999 }), fc.constantFrom("K", "k")).map(([k, u]) => [`${k}${u}`, k * 1_000] as const),
      fc.integer({ min: 1, max: 15 }).map((e) => [`10^${e}`, 10 ** e] as const),
      fc.tuple(fc.integer({ min: 0, max: 9_999 }), fc.integer({ min: 1, max: 9 })).map(([k, d]) => [`${k}.${d}万`, k * 10_000 + d * 1_000] as const),
    );
    fc.assert(
      fc.property(form, fc.constantFrom("", "次/秒", " tps"), ([written, value], after) => {
        expect(quantityIn(`${written}${after}`), `${written}${after}`).toBe(value);
      }),
      { numRuns: RUNS(200) },
    );
  });
});
