/**
 * Normalisation that keeps track of where every character came from, so that evidence
 * found in the normalised text can be quoted from the user's own words.
 *
 * - NFKC, one code point at a time: full-width "ＳＭ４" and "１０Ｇｂｐｓ" become "SM4" and "10Gbps".
 *   (Per code point rather than per string so each output character maps back to one input
 *   character; the lists' vocabulary has no combining sequences for which this would differ.)
 * - Control and zero-width characters removed, every run of white space folded to one space,
 *   and white space next to a Chinese character dropped ("SSL VPN 安全网关" → "ssl vpn安全网关").
 * - `lower` is lower-cased where that keeps the length, so `text` and `lower` share offsets.
 */
export interface NormalisedText {
  /** The input as given. */
  readonly source: string;
  /** NFKC text, case kept (units such as "GB/s" vs "Gb/s" depend on case). */
  readonly text: string;
  /** Same length as `text`, lower-cased. */
  readonly lower: string;
  /** origin[i] = index in the original string of normalised character i; origin[length] = original length. */
  readonly origin: Int32Array;
}

const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/;
const SPACE = /\s/;

export function normalise(input: string): NormalisedText {
  let text = "";
  const origin: number[] = [];
  let pendingSpace = -1; // original index of a space not yet written

  for (let i = 0; i < input.length; ) {
    const cp = input.codePointAt(i) as number;
    const raw = String.fromCodePoint(cp);
    const width = raw.length;
    const mapped = raw.normalize("NFKC");
    for (const ch of mapped) {
      if (INVISIBLE.test(ch)) continue;
      if (SPACE.test(ch)) {
        if (pendingSpace < 0) pendingSpace = i;
        continue;
      }
      if (pendingSpace >= 0) {
        const prev = text.length > 0 ? text[text.length - 1] : undefined;
        if (prev !== undefined && !CJK.test(prev) && !CJK.test(ch)) {
          text += " ";
          origin.push(pendingSpace);
        }
        pendingSpace = -1;
      }
      text += ch;
      for (let k = 0; k < ch.length; k++) origin.push(i);
    }
    i += width;
  }
  origin.push(input.length);

  let lower = "";
  for (const ch of text) {
    const l = ch.toLowerCase();
    lower += l.length === ch.length ? l : ch;
  }
  return { source: input, text, lower, origin: Int32Array.from(origin) };
}

/** Maps a span [start, end) of the normalised text back to the original string. */
export function originalSpan(norm: NormalisedText, start: number, end: number): { start: number; end: number } {
  const from = norm.origin[start] ?? norm.source.length;
  const lastFrom = norm.origin[Math.max(start, end - 1)] ?? from;
  const lastWidth = (norm.source.codePointAt(lastFrom) ?? 0) > 0xffff ? 2 : 1;
  return { start: from, end: Math.min(norm.source.length, Math.max(from, lastFrom + lastWidth)) };
}
