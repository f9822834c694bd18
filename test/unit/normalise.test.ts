import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { normalise, originalSpan } from "../../src/core/normalise.ts";

/** The user's own characters behind normalised text [start, end). */
const quoted = (source: string, start: number, end: number) => {
  const norm = normalise(source);
  const span = originalSpan(norm, start, end);
  return source.slice(span.start, span.end);
};

describe("normalise: text", () => {
  it.each([
    // NFKC: full-width letters and digits read as ASCII
    ["ＳＭ４", "SM4"],
    ["１０Ｇｂｐｓ", "10Gbps"],
    ["ＳＭ４密码卡，加解密速率１２Ｇｂｐｓ", "SM4密码卡,加解密速率12Gbps"],
    ["ﬁrewall", "firewall"], // ligature expands to two letters
    ["𝐀𝐄𝐒-256", "AES-256"], // mathematical bold (astral) letters
    // white space: runs fold to one space, ends trimmed; a tab or three spaces is a table's column gap (rule 20)
    ["SSL  VPN gateway", "SSL VPN gateway"],
    ["IPsec throughput\t10 Gbps", "IPsec throughput|10 Gbps"],
    ["IPsec throughput   10 Gbps", "IPsec throughput|10 Gbps"],
    ["SSL  VPN\t\n gateway", "SSL VPN\ngateway"],
    ["HSM\r\n\r\nAES-256", "HSM\nAES-256"],
    ["  HSM appliance  ", "HSM appliance"],
    ["AES\u00a0256", "AES 256"], // no-break space is a space
    ["SM4\u3000cipher", "SM4 cipher"], // ideographic space between Latin words
    // white space next to a Chinese character is dropped
    ["SSL VPN 安全网关", "SSL VPN安全网关"],
    ["支持 SM4 加密", "支持SM4加密"],
    ["密码 机", "密码机"],
    ["速率 10 Gbps", "速率10 Gbps"],
    // zero-width and control characters are removed
    ["S\u200bM\u200d4", "SM4"],
    ["\ufeffHSM", "HSM"],
    ["AES\u0000-256", "AES-256"],
    ["VPN\u200b \u200bgateway", "VPN gateway"],
    ["", ""],
    ["   ", ""],
  ])("%j → %j", (input, expected) => {
    expect(normalise(input).text).toBe(expected);
  });

  it("keeps case in text and lower-cases lower", () => {
    const n = normalise("AES-256 1.5 GB/s");
    expect(n.text).toBe("AES-256 1.5 GB/s");
    expect(n.lower).toBe("aes-256 1.5 gb/s");
  });

  it("lower-cases full-width capitals after NFKC", () => {
    expect(normalise("ＶＰＮ网关").lower).toBe("vpn网关");
  });

  it("keeps a letter whose lower case is longer, so lower has the same length as text", () => {
    const n = normalise("İSTANBUL HSM");
    expect(n.lower.length).toBe(n.text.length);
    expect(n.lower.startsWith("İ")).toBe(true);
    expect(n.lower.slice(1)).toBe("stanbul hsm");
  });

  it("keeps the source as given", () => {
    const input = " ＳＭ４\u200b 密码卡 ";
    expect(normalise(input).source).toBe(input);
  });
});

describe("normalise: origin and originalSpan", () => {
  it("maps plain ASCII one to one", () => {
    const n = normalise("HSM 12 Gbps");
    expect(Array.from(n.origin)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it.each([
    // [input, normalised substring to quote, expected quote from the input]
    ["ＳＭ４密码卡", "SM4", "ＳＭ４"],
    ["速率：１０Ｇｂｐｓ", "10Gbps", "１０Ｇｂｐｓ"],
    ["ＳＭ４密码卡", "密码卡", "密码卡"],
    ["SSL  VPN gateway", "SSL VPN", "SSL  VPN"],
    ["SSL \t VPN gateway", "SSL|VPN", "SSL \t VPN"],
    ["S\u200bM4 card", "SM4", "S\u200bM4"],
    ["𝐀𝐄𝐒-256 engine", "AES", "𝐀𝐄𝐒"], // astral letters: two code units each
    ["𝐀𝐄𝐒-256 engine", "E", "𝐄"],
    ["ﬁrewall throughput", "firewall", "ﬁrewall"],
    ["ﬁrewall throughput", "i", "ﬁ"], // half of a ligature quotes the whole ligature
    ["SSL VPN 安全网关", "VPN安全网关", "VPN 安全网关"],
    ["  leading space HSM", "HSM", "HSM"],
  ])("in %j, %j quotes back as %j", (input, needle, expected) => {
    const n = normalise(input);
    const start = n.text.indexOf(needle);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(quoted(input, start, start + needle.length)).toBe(expected);
  });

  it("gives the source length at the end of the origin", () => {
    const n = normalise("ＳＭ４ ");
    expect(n.origin[n.text.length]).toBe("ＳＭ４ ".length);
  });
});

/** Strings of arbitrary UTF-16 code units, including lone surrogates (pasted from broken exports). */
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });
/** Text that looks like a spec: Latin, digits, Chinese, full-width forms, spaces and invisibles. */
const specLike = fc.string({
  unit: fc.constantFrom(
    "S", "M", "4", "G", "b", "p", "s", " ", "  ", "\t", "\n", "\u3000", "\u00a0", "\u200b", "\ufeff",
    "密", "码", "机", "，", "Ｓ", "Ｍ", "４", "１", "０", "ﬁ", "𝐀", "İ", "-", "/", ".",
  ),
  maxLength: 40,
});

function checkInvariants(input: string): void {
  const n = normalise(input);
  expect(n.source).toBe(input);
  expect(n.lower.length).toBe(n.text.length);
  expect(n.origin.length).toBe(n.text.length + 1);
  expect(n.origin[n.text.length]).toBe(input.length);
  for (let i = 0; i < n.origin.length; i++) {
    const o = n.origin[i] as number;
    expect(o).toBeGreaterThanOrEqual(0);
    expect(o).toBeLessThanOrEqual(input.length);
    if (i > 0) expect(o).toBeGreaterThanOrEqual(n.origin[i - 1] as number);
  }
  // No white space at either end, no run of two spaces, no zero-width characters left.
  expect(n.text).toBe(n.text.trim());
  // White space is folded: one space or one line break, never a run, a tab or an invisible character.
  expect(n.text).not.toMatch(/\s\s|[\u200b\ufeff\t\r]/);
}

describe("normalise: properties", () => {
  it("holds its invariants for any code point (unit: binary)", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => checkInvariants(s)), { numRuns: 500 });
  });

  it("holds its invariants for any printable grapheme (unit: grapheme)", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (s) => checkInvariants(s)), { numRuns: 500 });
  });

  it("holds its invariants for arbitrary UTF-16, lone surrogates included", () => {
    fc.assert(fc.property(codeUnits, (s) => checkInvariants(s)), { numRuns: 500 });
  });

  it("holds its invariants for spec-like text", () => {
    fc.assert(fc.property(specLike, (s) => checkInvariants(s)), { numRuns: 1000 });
  });

  it("maps any span back inside the source, in order", () => {
    fc.assert(
      fc.property(fc.oneof(specLike, fc.string({ unit: "binary" })), fc.nat(), fc.nat(), (s, a, b) => {
        const n = normalise(s);
        fc.pre(n.text.length > 0);
        const start = a % n.text.length;
        const end = start + 1 + (b % (n.text.length - start));
        const span = originalSpan(n, start, end);
        expect(span.start).toBeGreaterThanOrEqual(0);
        expect(span.start).toBeLessThan(span.end);
        expect(span.end).toBeLessThanOrEqual(s.length);
        // The span starts at the first character's origin and covers the last one's.
        expect(span.start).toBe(n.origin[start]);
        expect(span.end).toBeGreaterThan(n.origin[end - 1] as number);
      }),
      { numRuns: 500 },
    );
  });

  it("leaves text without spaces or special characters untouched", () => {
    const plain = fc.string({ unit: fc.constantFrom(..."ABCDEFGHabcdefgh0123456789-/.,()"), minLength: 1 });
    fc.assert(
      fc.property(plain, (s) => {
        const n = normalise(s);
        expect(n.text).toBe(s);
        expect(n.lower).toBe(s.toLowerCase());
        expect(Array.from(n.origin)).toEqual([...Array(s.length + 1).keys()]);
      }),
    );
  });

  it("is idempotent on spec-like text", () => {
    fc.assert(
      fc.property(specLike, (s) => {
        const once = normalise(s).text;
        expect(normalise(once).text).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });
});
