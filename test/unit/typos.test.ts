import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadListData } from "../../src/data/loadListData.ts";
import { normalise } from "../../src/core/normalise.ts";
import { createTypoCorrector } from "../../src/core/typos.ts";

const { vocabulary } = loadListData();
const gated = createTypoCorrector(vocabulary);
const ungated = createTypoCorrector(vocabulary, { neighbourGate: false });

/** Vocabulary words long enough to be corrected, to misspell. */
const targets = [...new Set([...vocabulary.productTypes.flatMap((p) => [...p.primary, ...p.hosts, ...p.features]), ...vocabulary.cryptoFunction]
  .flatMap((t) => t.replace(/^=/, "").replace(/\*$/, "").toLowerCase().split(/[^a-z]+/))
  .filter((w) => w.length >= 6))];

const letter = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz");
/** One edit: insert, delete, substitute, or swap two neighbours. */
const edit = (word: string) =>
  fc.tuple(fc.nat({ max: word.length - 1 }), fc.integer({ min: 0, max: 3 }), letter).map(([i, kind, c]) => {
    if (kind === 0) return word.slice(0, i) + c + word.slice(i);
    if (kind === 1) return word.slice(0, i) + word.slice(i + 1);
    if (kind === 2) return word.slice(0, i) + c + word.slice(i + 1);
    return i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word;
  });
const misspelt = fc.constantFrom(...targets).chain(edit).chain((w) => fc.oneof(fc.constant(w), w.length > 1 ? edit(w) : fc.constant(w)));
const randomWord = fc.stringMatching(/^[a-z]{6,14}$/);

describe("typo correction", () => {
  it("finds misspellings among the vocabulary's words", () => {
    expect(targets.length).toBeGreaterThan(50);
    expect(gated(normalise("encyrption card")).text).toBe("encryption card");
  });

  it("corrects exactly as the search without the one-edit gate does, for misspellings and for any word", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(misspelt, randomWord), { minLength: 1, maxLength: 6 }), (words) => {
        const text = words.join(" ");
        expect(gated(normalise(text)).text).toBe(ungated(normalise(text)).text);
      }),
      { numRuns: 1500 },
    );
  });
});
