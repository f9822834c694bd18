/**
 * Normalisation that keeps track of where every character came from, so that evidence
 * found in the normalised text can be quoted from the user's own words.
 *
 * - NFKC, one code point at a time: full-width "ＳＭ４" and "１０Ｇｂｐｓ" become "SM4" and "10Gbps".
 *   (Per code point rather than per string so each output character maps back to one input
 *   character; the lists' vocabulary has no combining sequences for which this would differ.)
 * - Control and zero-width characters removed, every run of white space folded to one space (or one
 *   line break, when it holds one), and a space next to a Chinese character dropped
 *   ("SSL VPN 安全网关" → "ssl vpn安全网关").
 * - `lower` is lower-cased where that keeps the length, so `text` and `lower` share offsets.
 */
export interface NormalisedText {
  /** The input as given. */
  readonly source: string;
  /** NFKC text, case kept (units such as "GB/s" vs "Gb/s" depend on case). */
  readonly text: string;
  /** Same length as `text`, lower-cased. */
  readonly lower: string;
  /**
   * origin[i] = index in the original string of normalised character i; origin[length] = original length.
   * (A plain array: a typed array of a description's length is stored outside V8's heap, and allocating
   * one costs more than the rest of normalising.)
   */
  readonly origin: readonly number[];
  /** origin[i], read without making the origin of a text that normalising left as it was. */
  originAt(i: number): number | undefined;
}

/** A text normalising changed: each character's origin is written down. */
export class MappedText implements NormalisedText {
  constructor(
    readonly source: string,
    readonly text: string,
    readonly lower: string,
    readonly origin: readonly number[],
  ) {}

  originAt(i: number): number | undefined {
    return this.origin[i];
  }
}

/**
 * A text normalising left as it was, as most descriptions are: every character is where it stands
 * in the source, so no origin is kept unless something asks for it whole.
 */
class UnchangedText implements NormalisedText {
  private identity: number[] | null = null;

  constructor(
    readonly source: string,
    readonly lower: string,
  ) {}

  get text(): string {
    return this.source;
  }

  get origin(): readonly number[] {
    if (this.identity === null) {
      this.identity = [];
      for (let i = 0; i <= this.source.length; i++) this.identity.push(i);
    }
    return this.identity;
  }

  originAt(i: number): number | undefined {
    return i >= 0 && i <= this.source.length ? i : undefined;
  }
}

const isCjk = (c: number) => (c >= 0x3000 && c <= 0x303f) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xffef);
const isInvisible = (c: number) =>
  c <= 0x08 || c === 0x0b || c === 0x0c || (c >= 0x0e && c <= 0x1f) || (c >= 0x7f && c <= 0x9f) ||
  (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2064) || c === 0xfeff;
/** Printable ASCII and CJK ideographs (U+3400–U+9FFF) are their own NFKC form, visible, and never white space. */
const isPlain = (c: number) => (c > 0x20 && c < 0x7f) || (c >= 0x3400 && c <= 0x9fff);
const SPACE = /\s/;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || (c > 0x7f && SPACE.test(String.fromCharCode(c)));

export function normalise(input: string): NormalisedText {
  // Most descriptions are: each character stays where it is, and the tracking is skipped.
  if (isAlreadyNormal(input)) return new UnchangedText(input, lowerKeepingLength(input));
  const written = new Written();
  for (let i = 0; i < input.length; ) {
    const code = input.charCodeAt(i);
    if (isPlain(code)) {
      // Most of a description is runs of plain characters: they are copied whole, past the normaliser.
      let end = i + 1;
      while (end < input.length && isPlain(input.charCodeAt(end))) end++;
      written.copy(input, i, end);
      i = end;
      continue;
    }
    if (code < 0x80) {
      // ASCII is its own NFKC form: skip the normaliser on the common path.
      written.emit(input[i] as string, code, i);
      i++;
      continue;
    }
    const cp = input.codePointAt(i) as number;
    const raw = String.fromCodePoint(cp);
    for (const ch of raw.normalize("NFKC")) written.emit(ch, ch.charCodeAt(0), i);
    i += raw.length;
  }
  const origin = written.origin;
  origin.push(input.length);

  const text = written.out.join("");
  return new MappedText(input, text, lowerKeepingLength(text), origin);
}

const isAsciiVisible = (c: number) => c > 0x20 && c < 0x7f;

/**
 * Whether normalising would give the input back unchanged: plain characters only, and each space a
 * single one between two visible ASCII characters (one beside a Chinese character would be dropped).
 */
function isAlreadyNormal(input: string): boolean {
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (isPlain(code)) continue;
    if (code === 0x20 && i > 0 && isAsciiVisible(input.charCodeAt(i - 1)) && isAsciiVisible(input.charCodeAt(i + 1))) continue;
    return false;
  }
  return true;
}

function lowerKeepingLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  // Rare letters whose lower case is longer ("İ"): keep those as they are so offsets stay shared.
  let kept = "";
  for (const ch of text) {
    const l = ch.toLowerCase();
    kept += l.length === ch.length ? l : ch;
  }
  return kept;
}

/** The normalised text as it is written, with where each of its characters came from. */
class Written {
  readonly out: string[] = [];
  readonly origin: number[] = [];
  private pendingSpace = -1; // original index of a space not yet written
  private pendingBreak = false; // the pending white space holds a line break
  private pendingWidth = 0; // how many white-space characters are pending; a tab counts as a column gap
  private prev = -1; // last code unit written

  emit(ch: string, code: number, from: number): void {
    if (isInvisible(code)) return;
    if (isSpace(code)) {
      if (this.pendingSpace < 0) this.pendingSpace = from;
      this.pendingWidth += code === 0x09 ? 3 : 1;
      if (code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) this.pendingBreak = true;
      return;
    }
    this.endSpace(code);
    this.out.push(ch);
    for (let k = 0; k < ch.length; k++) this.origin.push(from);
    this.prev = ch.charCodeAt(ch.length - 1);
  }

  /** A run of plain characters, input[from, to), written as it is. */
  copy(input: string, from: number, to: number): void {
    this.endSpace(input.charCodeAt(from));
    this.out.push(input.slice(from, to));
    for (let k = from; k < to; k++) this.origin.push(k);
    this.prev = input.charCodeAt(to - 1);
  }

  /** Writes the white space pending before a visible character, if it is kept. */
  private endSpace(code: number): void {
    if (this.pendingSpace < 0) return;
    const prev = this.prev;
    // A line break ends a clause (spec sheets are often one feature a line), so it is kept.
    if (prev >= 0 && this.pendingBreak) {
      this.out.push("\n");
      this.origin.push(this.pendingSpace);
    } else if (prev >= 0 && this.pendingWidth >= 3) {
      // A tab or a run of three or more spaces is a column gap of a table pasted from a PDF (two are
      // a typing habit inside a sentence): it separates cells
      // as "|" does (reading rule 20).
      this.out.push("|");
      this.origin.push(this.pendingSpace);
    } else if (prev >= 0 && !isCjk(prev) && !isCjk(code)) {
      this.out.push(" ");
      this.origin.push(this.pendingSpace);
    }
    this.pendingSpace = -1;
    this.pendingBreak = false;
    this.pendingWidth = 0;
  }
}

/** Maps a span [start, end) of the normalised text back to the original string. */
export function originalSpan(norm: NormalisedText, start: number, end: number): { start: number; end: number } {
  const from = norm.originAt(start) ?? norm.source.length;
  const lastFrom = norm.originAt(Math.max(start, end - 1)) ?? from;
  const lastWidth = (norm.source.codePointAt(lastFrom) ?? 0) > 0xffff ? 2 : 1;
  return { start: from, end: Math.min(norm.source.length, Math.max(from, lastFrom + lastWidth)) };
}
