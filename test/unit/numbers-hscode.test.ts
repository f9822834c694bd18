import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parseQuantity, QUANTITY } from "../../src/core/numbers.ts";
import { normaliseHsCode } from "../../src/core/hsCode.ts";

describe("parseQuantity", () => {
  it.each<[string, string | undefined, number]>([
    ["10,000", undefined, 10_000],
    ["1,000,000", undefined, 1_000_000],
    ["1,000.5", undefined, 1000.5],
    ["2", "万", 20_000],
    ["1.5", "万", 15_000],
    ["5", "千", 5_000],
    ["3", "亿", 300_000_000],
    ["1.5", undefined, 1.5],
    ["2", "million", 2_000_000],
    ["1", "billion", 1_000_000_000],
    ["50", "k", 50_000],
    ["50", "K", 50_000],
    ["20", "thousand", 20_000],
    ["0", undefined, 0],
  ])("%s %s → %d", (number, multiplier, expected) => {
    expect(parseQuantity(number, multiplier)).toBe(expected);
  });

  it("returns null for something that is not a number", () => {
    expect(parseQuantity("abc", undefined)).toBeNull();
    expect(parseQuantity("1.2.3", undefined)).toBeNull();
  });

  it("reads any integer written with thousands separators as the integer", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (n) => {
        expect(parseQuantity(n.toLocaleString("en-US"), undefined)).toBe(n);
      }),
    );
  });
});

describe("QUANTITY", () => {
  it.each<[string, number]>([
    ["管理对象数量10,000个", 10_000],
    ["up to 50 000 keys", 50_000],
    ["10 000 RSA-2048 signatures per second", 10_000],
    ["2 000 000 managed objects", 2_000_000],
    ["2万次/秒", 20_000],
    ["2 million managed objects", 2_000_000],
    ["50k tps", 50_000],
    ["1.5 GB/s", 1.5],
    ["up to 3,500 keys", 3_500],
  ])("finds the quantity in %j", (text, expected) => {
    const m = QUANTITY.exec(text);
    expect(m).not.toBeNull();
    expect(parseQuantity((m as RegExpExecArray)[1] as string, (m as RegExpExecArray)[2])).toBe(expected);
  });

  it("does not read the k of a unit as a thousand", () => {
    const m = QUANTITY.exec("100 kbps") as RegExpExecArray;
    expect(m[1]).toBe("100");
    expect(m[2]).toBeUndefined();
  });
});

describe("normaliseHsCode", () => {
  it.each<[string, string | null]>([
    ["8517.62", "851762"],
    ["8543 70 99 50", "8543709950"],
    ["8543709950", "8543709950"],
    ["8543-70-99-50", "8543709950"],
    ["8543_70_99_50", "8543709950"],
    ["  854231  ", "854231"],
    ["８５４３７０９９５０", "8543709950"], // full-width digits
    ["８５１７．６２", "851762"], // full-width full stop
    ["85", "85"],
    ["abc", null],
    ["1", null],
    ["", null],
    ["12345678901", null], // 11 digits
    ["8517.62a", null],
    ["HS 8517.62", null],
  ])("%j → %j", (raw, expected) => {
    expect(normaliseHsCode(raw)).toBe(expected);
  });

  it("returns 2–10 digits or null, for any input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (raw) => {
        const code = normaliseHsCode(raw);
        if (code !== null) expect(code).toMatch(/^\d{2,10}$/);
      }),
    );
  });

  it("accepts any 2–10 digit code however it is grouped", () => {
    const grouped = fc
      .array(fc.tuple(fc.stringMatching(/^\d{1,4}$/), fc.constantFrom("", " ", ".", "-")), { minLength: 1, maxLength: 4 })
      .map((parts) => ({ digits: parts.map(([d]) => d).join(""), typed: parts.map(([d, sep]) => d + sep).join("") }));
    fc.assert(
      fc.property(grouped, ({ digits, typed }) => {
        fc.pre(digits.length >= 2 && digits.length <= 10);
        expect(normaliseHsCode(typed)).toBe(digits);
      }),
    );
  });
});
