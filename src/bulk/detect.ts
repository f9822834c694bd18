import { Transform, type TransformCallback } from "node:stream";

export const ENCODINGS = ["utf-8", "utf-16le", "utf-16be", "gb18030"] as const;
export type CsvEncoding = (typeof ENCODINGS)[number];
export const DELIMITERS = [",", ";", "\t"] as const;
export type CsvDelimiter = (typeof DELIMITERS)[number];

/** Accepts the names people type: "utf8", "GBK", "gb2312", "UTF-16". */
export function parseEncodingName(name: string): CsvEncoding | null {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (n === "utf8") return "utf-8";
  if (n === "utf16" || n === "utf16le" || n === "ucs2" || n === "unicode") return "utf-16le";
  if (n === "utf16be") return "utf-16be";
  if (n === "gb18030" || n === "gbk" || n === "gb2312" || n === "cp936") return "gb18030";
  return null;
}

/**
 * Guesses the encoding of the first bytes of a file: a byte-order mark decides; otherwise
 * UTF-16 shows as zero bytes in every other position, valid UTF-8 is UTF-8, and anything
 * else from a Chinese Excel is GB18030 (a superset of GBK and GB2312).
 */
export function detectEncoding(sample: Buffer): CsvEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return "utf-8";
  if (sample[0] === 0xff && sample[1] === 0xfe) return "utf-16le";
  if (sample[0] === 0xfe && sample[1] === 0xff) return "utf-16be";
  const pairs = Math.min(sample.length >> 1, 4096);
  if (pairs >= 2) {
    let zeroOdd = 0;
    let zeroEven = 0;
    for (let i = 0; i < pairs; i++) {
      if (sample[2 * i] === 0) zeroEven++;
      if (sample[2 * i + 1] === 0) zeroOdd++;
    }
    if (zeroOdd > pairs * 0.3 && zeroEven < pairs * 0.05) return "utf-16le";
    if (zeroEven > pairs * 0.3 && zeroOdd < pairs * 0.05) return "utf-16be";
  }
  return isUtf8(sample) ? "utf-8" : "gb18030";
}

/** Valid UTF-8, allowing a multi-byte character cut off at the end of the sample. */
function isUtf8(bytes: Buffer): boolean {
  let cut = bytes.length;
  for (let back = 1; back <= 3 && bytes.length - back >= 0; back++) {
    const b = bytes[bytes.length - back] as number;
    if ((b & 0xc0) === 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (back < need) cut = bytes.length - back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, cut));
    return true;
  } catch {
    return false;
  }
}

export function decodeSample(sample: Buffer, encoding: CsvEncoding): string {
  return new TextDecoder(encoding).decode(sample);
}

/**
 * Bytes to text with the WHATWG decoder (ICU-backed: UTF-8, UTF-16LE/BE, GB18030), which keeps
 * multi-byte characters and surrogate pairs whole across chunk boundaries and drops a BOM.
 */
export function decodeStream(encoding: CsvEncoding): Transform {
  const decoder = new TextDecoder(encoding);
  return new Transform({
    decodeStrings: true,
    encoding: "utf8",
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done: TransformCallback) {
      done(null, decoder.decode());
    },
  });
}

/** The delimiter that splits the first lines most consistently (quotes respected). */
export function detectDelimiter(text: string): CsvDelimiter {
  const lines = splitFirstRecords(text, 20);
  let best: CsvDelimiter = ",";
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const nonZero = counts.filter((c) => c > 0);
    if (nonZero.length === 0) continue;
    const first = counts[0] ?? 0;
    // Lines agreeing with the header's count, weighted by how many columns that makes.
    const score = counts.filter((c) => c === first && c > 0).length * 10 + Math.min(first, 9);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

function splitFirstRecords(text: string, max: number): string[] {
  const out: string[] = [];
  let inQuotes = false;
  let start = 0;
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if ((c === "\n" || c === "\r") && !inQuotes) {
      if (i > start) out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return out.filter((l) => l.trim() !== "");
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let inQuotes = false;
  for (const c of line) {
    if (c === '"') inQuotes = !inQuotes;
    else if (c === d && !inQuotes) n++;
  }
  return n;
}
