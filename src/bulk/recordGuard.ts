import { Transform, type TransformCallback } from "node:stream";

export type RecordDelimiter = "\r\n" | "\n" | "\r";

/** The record delimiter of a CSV: the first line break outside quotes (\n when there is none). */
export function detectRecordDelimiter(sample: string): RecordDelimiter {
  let inQuotes = false;
  for (let i = 0; i < sample.length; i++) {
    const c = sample[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && c === "\r") return sample[i + 1] === "\n" || i + 1 === sample.length ? "\r\n" : "\r";
    else if (!inQuotes && c === "\n") return "\n";
  }
  return "\n";
}

/**
 * Sits between the decoder and the CSV parser and does two things the parser cannot do well:
 *
 * - It writes the line on which each record starts in front of it, as an extra first field
 *   (`12,` + the record), so every row and every unreadable row knows its own line number, even
 *   across quoted line breaks, CRLF and skipped rows. The pipeline takes that field off again.
 * - It keeps any one record under a size limit, so a hostile or broken file (a 100 MB field, an
 *   unclosed quote, a million columns) cannot grow memory. The excess of an oversized record is
 *   dropped and its line remembered, so the row is reported as cut rather than silently lost.
 *
 * It follows CSV quoting as csv-parse does with relax_quotes: a quote opens a quoted field only
 * at the start of a field, `""` inside quotes is a quote, and a line break inside quotes belongs
 * to the field. Records end at the file's own record delimiter (\r\n, \n or \r, found by
 * `detectRecordDelimiter`); any other line break is part of a field, as csv-parse reads it.
 * Empty lines pass through unnumbered, so the parser still skips them.
 */
export class RecordGuard extends Transform {
  /** Lines on which an oversized record started. */
  readonly cutLines = new Set<number>();
  /** Lines on which a record with more than `maxColumns` fields started (cut after the last allowed field). */
  readonly wideLines = new Set<number>();
  private inQuotes = false;
  private fieldStart = true;
  private pendingQuote = false;
  private recordLength = 0;
  /** Fields of the current record so far, less one (delimiters outside quotes). */
  private fieldBreaks = 0;
  private line = 1;
  private recordStartLine = 1;
  private cutting = false;
  /** A \r at the end of a chunk waits for the next one, to know whether a \n follows. */
  private carry = "";

  constructor(
    private readonly delimiter: string,
    private readonly recordDelimiter: RecordDelimiter,
    private readonly maxRecordChars: number,
    /** Fields a record may have: a wider one would be padded, stored and written field by field. */
    private readonly maxColumns = Number.MAX_SAFE_INTEGER,
  ) {
    super({ decodeStrings: false, encoding: "utf8" });
  }

  override _transform(chunk: string | Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let text = this.carry + (typeof chunk === "string" ? chunk : chunk.toString("utf8"));
    this.carry = "";
    if (text.endsWith("\r")) {
      this.carry = "\r";
      text = text.slice(0, -1);
    }
    done(null, this.frame(text));
  }

  override _flush(done: TransformCallback): void {
    const rest = this.carry;
    this.carry = "";
    done(null, rest ? this.frame(rest) : "");
  }

  private frame(text: string): string {
    const out: string[] = [];
    const delimiter = this.delimiter.charCodeAt(0);
    let kept = 0; // where the run of input still to be copied to the output starts

    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.pendingQuote) {
        this.pendingQuote = false;
        if (c === 34) {
          kept = this.count(i, out, text, kept); // `""`: a quote inside the quoted field
          continue;
        }
        this.inQuotes = false;
      }

      // Line numbers count every line break as an editor does: \r\n, \n or a lone \r.
      const crlf = c === 13 && text.charCodeAt(i + 1) === 10;
      if (c === 10 || (c === 13 && !crlf)) this.line++;
      if (!this.inQuotes && (c === 10 || c === 13)) {
        const mode = this.recordDelimiter;
        const ends = (mode === "\n" && c === 10) || (mode === "\r\n" && c === 10 && i > 0 && text.charCodeAt(i - 1) === 13) || (mode === "\r" && c === 13);
        if (ends) {
          if (this.cutting) {
            this.cutting = false;
            kept = mode === "\r\n" ? i - 1 : i; // copy again from the delimiter that ends the cut record
          }
          this.recordLength = 0;
          this.fieldBreaks = 0;
          this.fieldStart = true;
          continue;
        }
        if (mode === "\r\n" && crlf) continue; // the \r of a record delimiter, handled with its \n
      }

      if (this.recordLength === 0 && !this.inQuotes && !this.cutting) {
        // The first character of a record: write the record's line number in front of it.
        this.recordStartLine = this.line - (c === 10 || c === 13 ? 1 : 0);
        out.push(text.slice(kept, i), `${this.recordStartLine}${this.delimiter}`);
        kept = i;
      }
      if (this.inQuotes) {
        if (c === 34) this.pendingQuote = true;
      } else if (c === 34) {
        if (this.fieldStart) this.inQuotes = true;
        this.fieldStart = false;
      } else {
        this.fieldStart = c === delimiter;
        if (c === delimiter && !this.cutting && ++this.fieldBreaks >= this.maxColumns) {
          // The field this delimiter would open is one too many: the record ends before it.
          this.wideLines.add(this.recordStartLine);
          kept = this.cut(i, out, text, kept);
          continue;
        }
      }
      kept = this.count(i, out, text, kept);
    }
    out.push(text.slice(kept));
    return out.join("");
  }

  /** Counts one character of the current record; past the limit it is dropped. Returns the new copy start. */
  private count(i: number, out: string[], text: string, kept: number): number {
    this.recordLength++;
    if (this.cutting) return i + 1;
    if (this.recordLength <= this.maxRecordChars) return kept;
    this.cutLines.add(this.recordStartLine);
    return this.cut(i, out, text, kept);
  }

  /** Drops the rest of the current record from character i on. Returns the new copy start. */
  private cut(i: number, out: string[], text: string, kept: number): number {
    this.cutting = true;
    out.push(text.slice(kept, i));
    // A cut inside quotes is closed, so the parser still reads one well-formed field.
    if (this.inQuotes) out.push('"');
    return i + 1;
  }
}
