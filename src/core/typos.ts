import Fuse from "fuse.js";
import type { Vocabulary } from "./vocabularySchema.ts";
import { MappedText, type NormalisedText } from "./normalise.ts";

/**
 * Corrects misspelt English product words ("encyrption", "firewal") to the vocabulary's
 * spelling before matching. fuse.js searches only single words against the vocabulary's own
 * words, and each distinct word is looked up once (memoised), so the cost does not grow with
 * the length of the description the way a whole-description fuzzy search does.
 */
const MIN_LENGTH = 6;
const MAX_SCORE = 0.2;
const MEMO_LIMIT = 100_000;

export function createTypoCorrector(
  vocab: Vocabulary,
  /** `neighbourGate: false` searches every plausible word with fuse.js; only for the test that the gate changes nothing. */
  options: { neighbourGate?: boolean } = {},
): (norm: NormalisedText) => NormalisedText {
  const words = new Set<string>();
  const collect = (terms: readonly string[]) => {
    for (const term of terms) {
      for (const w of term.replace(/^=/, "").replace(/\*$/, "").toLowerCase().split(/[^a-z]+/)) {
        if (w.length >= MIN_LENGTH) words.add(w);
      }
    }
  };
  for (const pt of vocab.productTypes) [pt.primary, pt.hosts, pt.features].forEach(collect);
  collect(vocab.cryptoFunction);
  // Cheap gate before fuse.js: a typo keeps its first letter and roughly its length, so only words
  // that share the first letter with a vocabulary word of about the same length are searched. One edit
  // brings in one letter at most, so the word must also have at most one letter that the vocabulary
  // word has not. Asked with the word's initial (a char code, a-z) and its letters as a bit set, so the
  // scan can ask before it cuts the word out of the text. The letter sets are filed under the initial
  // and each length within one of the word's, so a lookup finds only words of about its length; the
  // files are one flat array indexed by initial and length, which the scan reads faster than a map.
  const lengths = Math.max(0, ...[...words].map((w) => w.length)) + 2;
  const lettersByShape: number[][] = Array.from({ length: 26 * lengths }, () => []);
  for (const w of words) {
    for (let length = w.length - 1; length <= w.length + 1; length++) {
      (lettersByShape[(w.charCodeAt(0) - 97) * lengths + length] as number[]).push(letterSet(w, 0, w.length));
    }
  }
  const mayBeTypo = (initial: number, length: number, letters: number): boolean => {
    if (length >= lengths) return false;
    const sets = lettersByShape[(initial - 97) * lengths + length] as number[];
    if (sets.length === 0) return false;
    // (Without the neighbour gate every plausible word is searched, the letter test included.)
    if (options.neighbourGate === false) return true;
    for (const shapeLetters of sets) {
      const lettersNotInShape = letters & ~shapeLetters;
      if ((lettersNotInShape & (lettersNotInShape - 1)) === 0) return true;
    }
    return false;
  };
  // Second gate, exact: a fix must be within one edit of a vocabulary word, and a word is within one
  // edit (insertion, deletion, substitution, swap of neighbours) of another only if the two share a
  // string once at most one letter is taken from each. Words with no such neighbour never reach fuse.js.
  const neighbourKeys = new Set<string>();
  for (const w of words) for (const key of [w, ...oneLetterLess(w)]) neighbourKeys.add(key);
  const mayHaveNeighbour = (word: string) =>
    options.neighbourGate === false || neighbourKeys.has(word) || oneLetterLess(word).some((key) => neighbourKeys.has(key));
  const fuse = new Fuse([...words], { includeScore: true, threshold: 0.25, ignoreLocation: true, isCaseSensitive: true });
  const memo = new Map<string, string | null>();
  const remember = (word: string, fix: string | null) => {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(word, fix);
  };

  const correct = (word: string): string | null => {
    if (words.has(word)) return null;
    const known = memo.get(word);
    if (known !== undefined) return known;
    if (!mayHaveNeighbour(word)) {
      remember(word, null);
      return null;
    }
    const best = fuse.search(word, { limit: 1 })[0];
    const fix =
      best &&
      (best.score ?? 1) <= MAX_SCORE &&
      best.item[0] === word[0] &&
      editDistance(word, best.item) <= 1 &&
      !isInflection(word, best.item)
        ? best.item
        : null;
    remember(word, fix);
    return fix;
  };

  return (norm) => {
    let text = "";
    let lower = "";
    const origin: number[] = [];
    let last = 0;
    let changed = false;
    const source = norm.lower;
    // Each run of six or more letters a-z is a word to check.
    for (let start = 0; start < source.length; ) {
      if (!isLetter(source.charCodeAt(start))) {
        start++;
        continue;
      }
      // The word's letters are gathered as it is read, for the gate.
      let letters = 0;
      let end = start;
      for (let c = source.charCodeAt(end); isLetter(c); c = source.charCodeAt(++end)) letters |= 1 << (c - 97);
      const length = end - start;
      const fix = length >= MIN_LENGTH && mayBeTypo(source.charCodeAt(start), length, letters) ? correct(source.slice(start, end)) : null;
      if (fix !== null) {
        changed = true;
        text += norm.text.slice(last, start);
        lower += source.slice(last, start);
        for (let i = last; i < start; i++) origin.push(norm.originAt(i) as number);
        text += fix;
        lower += fix;
        // Every corrected letter points into the misspelt word, and the last to its last letter, so
        // evidence quotes the user's whole spelling.
        for (let i = 0; i < fix.length; i++) {
          const at = i === fix.length - 1 ? length - 1 : Math.min(i, length - 1);
          origin.push(norm.originAt(start + at) as number);
        }
        last = end;
      }
      start = end;
    }
    if (!changed) return norm;
    text += norm.text.slice(last);
    lower += norm.lower.slice(last);
    for (let i = last; i <= norm.text.length; i++) origin.push(norm.originAt(i) as number);
    return new MappedText(norm.source, text, lower, origin);
  };
}

const isLetter = (c: number) => c >= 97 && c <= 122;

/** The letters a-z of text[from, to) as a bit set, bit 0 for "a". */
function letterSet(text: string, from: number, to: number): number {
  let letters = 0;
  for (let i = from; i < to; i++) letters |= 1 << (text.charCodeAt(i) - 97);
  return letters;
}

/** The word with one letter taken out, at each place in turn. */
function oneLetterLess(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Endings that make another word of the same stem: "telephony" is not a typo of "telephone". */
const SUFFIXES = new Set(["", "s", "es", "e", "y", "ed", "er", "ers", "or", "ors", "ion", "ions", "ing", "ic", "ics", "al", "ally", "ly", "ity", "ies", "ation", "ator", "ive"]);

function isInflection(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i >= 4 && SUFFIXES.has(a.slice(i)) && SUFFIXES.has(b.slice(i));
}

/** Damerau–Levenshtein (optimal string alignment): a swapped pair of letters is one typo. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const up = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}
