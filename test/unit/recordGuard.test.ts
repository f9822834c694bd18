import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { RecordGuard, detectRecordDelimiter, type RecordDelimiter } from "../../src/bulk/recordGuard.ts";

function frame(chunks: string[], recordDelimiter: RecordDelimiter, max = 1_000_000, delimiter = ","): { text: string; cut: number[] } {
  const guard = new RecordGuard(delimiter, recordDelimiter, max);
  let text = "";
  guard.on("data", (d: string) => (text += d));
  for (const c of chunks) guard.write(c);
  guard.end();
  return { text, cut: [...guard.cutLines] };
}

const records = (text: string, recordDelimiter: RecordDelimiter) =>
  parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, record_delimiter: recordDelimiter }) as string[][];

describe("RecordGuard", () => {
  it.each([
    ["a,b\r\nc,d\r\n", "\r\n"],
    ["a,b\nc,d\n", "\n"],
    ["a,b\rc,d\r", "\r"],
    ['a,"x\r\ny"\r\nc,d\r\n', "\r\n"],
    ["no line break", "\n"],
  ] as const)("finds the record delimiter of %j", (text, expected) => {
    expect(detectRecordDelimiter(text)).toBe(expected);
  });

  it("numbers each record with the line it starts on, across quoted line breaks and empty lines", () => {
    const { text } = frame(['SKU,d\r\nA,"two\r\nlines"\r\n\r\nB,x\r\nC,"a\nb"\r\n'], "\r\n");
    expect(records(text, "\r\n").map((r) => [r[0], r[1]])).toEqual([
      ["1", "SKU"],
      ["2", "A"],
      ["5", "B"],
      ["6", "C"],
    ]);
  });

  it("cuts an oversized record, reports its line, and keeps the records after it", () => {
    const { text, cut } = frame([`h,d\nA,"${"x".repeat(500)}\nstill quoted"\nB,ok\nC,${"y".repeat(500)}\nD,ok\n`], "\n", 100);
    expect(cut).toEqual([2, 5]);
    const rows = records(text, "\n");
    expect(rows.map((r) => r[1])).toEqual(["h", "A", "B", "C", "D"]);
    expect(rows.map((r) => r[0])).toEqual(["1", "2", "4", "5", "6"]);
    expect((rows[1]?.[2] ?? "").length).toBeLessThanOrEqual(100);
  });

  it("keeps an unclosed quote from swallowing memory: the rest of the file is cut at the limit", () => {
    const { text, cut } = frame([`h,d\nA,"open\n${"B,more\n".repeat(1000)}`], "\n", 200);
    expect(cut).toEqual([2]);
    expect(text.length).toBeLessThan(400);
  });

  it("gives the same output however the input is split into chunks", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "Z", "密", ",", '"', "\r", "\n", " ", "\t") , maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom<RecordDelimiter>("\r\n", "\n"),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 5, max: 60 }),
        (rows, recordDelimiter, sizes, max) => {
          const input = stringify(rows, { record_delimiter: recordDelimiter === "\r\n" ? "windows" : "unix" });
          const whole = frame([input], recordDelimiter, max);
          const chunks: string[] = [];
          for (let at = 0, k = 0; at < input.length; k++) {
            const n = sizes[k % sizes.length] as number;
            chunks.push(input.slice(at, at + n));
            at += n;
          }
          const split = frame(chunks, recordDelimiter, max);
          expect(split).toEqual(whole);
          // Without cuts, taking the number field off gives back exactly what the parser reads from the input.
          if (whole.cut.length === 0) {
            const framed = records(whole.text, recordDelimiter).map((r) => r.slice(1));
            expect(framed).toEqual(records(input, recordDelimiter));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
