import { describe, expect, it } from "vitest";
import fc from "fast-check";
import iconv from "iconv-lite";
import { detectDelimiter, detectEncoding, parseEncodingName, type CsvEncoding } from "../../src/bulk/detect.ts";
import { detectColumns, looksHeaderless, type ColumnMapping } from "../../src/bulk/columns.ts";
import { stringify } from "csv-stringify/sync";
import { neutraliseCell, safeCsv } from "../../src/bulk/csvSafety.ts";

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const HEADER_ZH = "料号,品名,商品编码\r\nA-1,服务器密码机，SM4加解密速率 20Gbps,8543709950\r\nA-2,密钥管理系统，支持SM2/SM4,\r\n";
const HEADER_EN = "SKU,description,HS code\r\nA-1,IPsec VPN gateway AES-256 40 Gbps,8517622920\r\n";

describe("detectEncoding", () => {
  it.each<[string, Buffer, CsvEncoding]>([
    ["UTF-8 with BOM", Buffer.concat([UTF8_BOM, Buffer.from(HEADER_ZH)]), "utf-8"],
    ["UTF-8 with BOM, ASCII only", Buffer.concat([UTF8_BOM, Buffer.from(HEADER_EN)]), "utf-8"],
    ["UTF-8 without BOM, Chinese", Buffer.from(HEADER_ZH), "utf-8"],
    ["UTF-8 without BOM, ASCII only", Buffer.from(HEADER_EN), "utf-8"],
    ["UTF-16LE with BOM (Excel “Unicode text”)", iconv.encode(HEADER_ZH.replace(/,/g, "\t"), "utf-16le", { addBOM: true }), "utf-16le"],
    ["UTF-16BE with BOM", iconv.encode(HEADER_ZH, "utf-16be", { addBOM: true }), "utf-16be"],
    ["UTF-16LE without BOM", iconv.encode(HEADER_EN, "utf-16le"), "utf-16le"],
    ["UTF-16BE without BOM", iconv.encode(HEADER_EN, "utf-16be"), "utf-16be"],
    ["GB18030 (Chinese Excel)", iconv.encode(HEADER_ZH, "gb18030"), "gb18030"],
    ["GB18030 of a short header", iconv.encode("品名,海关编码\r\n", "gb18030"), "gb18030"],
    ["GBK-range text with ® and © (4-byte GB18030 sequences)", iconv.encode("品名\r\nIntel® 加密卡 ©2024\r\n", "gb18030"), "gb18030"],
    ["an empty sample", Buffer.alloc(0), "utf-8"],
  ])("reads %s", (_name, sample, expected) => {
    expect(detectEncoding(sample)).toBe(expected);
  });

  it.each([1, 2])("keeps UTF-8 when the sample cuts a 3-byte character after %i byte(s)", (keep) => {
    const whole = Buffer.from(`${HEADER_ZH}服务器`);
    const cut = whole.subarray(0, whole.length - 3 + keep);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(cut)).toThrow();
    expect(detectEncoding(cut)).toBe("utf-8");
  });

  it.each([1, 2, 3])("keeps UTF-8 when the sample cuts a 4-byte emoji after %i byte(s)", (keep) => {
    const whole = Buffer.from(`${HEADER_EN}A-3,Secure phone 🔐`);
    expect(detectEncoding(whole.subarray(0, whole.length - 4 + keep))).toBe("utf-8");
  });

  it("does not take a broken byte in the middle of the sample for a cut character", () => {
    const bytes = Buffer.concat([Buffer.from("品名\r\n"), Buffer.from([0xe6, 0x9c]), Buffer.from("x\r\n服务器\r\n")]);
    expect(detectEncoding(bytes)).toBe("gb18030");
  });

  it("decides by the BOM even when the rest would say otherwise", () => {
    expect(detectEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode("品名", "utf-16le")]))).toBe("utf-16le");
    expect(detectEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode("品名", "utf-16be")]))).toBe("utf-16be");
  });
});

describe("parseEncodingName", () => {
  it.each<[string, CsvEncoding | null]>([
    ["utf8", "utf-8"],
    ["UTF-8", "utf-8"],
    [" utf_8 ", "utf-8"],
    ["UTF-16", "utf-16le"],
    ["utf16le", "utf-16le"],
    ["UTF-16LE", "utf-16le"],
    ["ucs-2", "utf-16le"],
    ["Unicode", "utf-16le"],
    ["UTF-16BE", "utf-16be"],
    ["utf16be", "utf-16be"],
    ["GB18030", "gb18030"],
    ["gbk", "gb18030"],
    ["GB2312", "gb18030"],
    ["gb_2312", "gb18030"],
    ["CP936", "gb18030"],
    ["latin1", null],
    ["big5", null],
    ["shift_jis", null],
    ["utf-32", null],
    ["", null],
  ])("%j → %s", (name, expected) => {
    expect(parseEncodingName(name)).toBe(expected);
  });
});

describe("detectDelimiter", () => {
  it.each<[string, string, string]>([
    ["comma", "SKU,description,HS code\nA1,HSM,8543709950\nA2,VPN,851762\n", ","],
    ["semicolon", "SKU;description;HS code\nA1;HSM;8543709950\nA2;VPN;851762\n", ";"],
    ["tab", "SKU\tdescription\tHS code\nA1\tHSM\t8543709950\nA2\tVPN\t851762\n", "\t"],
    ["CRLF line ends", "SKU;description\r\nA1;HSM\r\nA2;VPN\r\n", ";"],
    ["a single column", "description\nHSM\nVPN\n", ","],
    ["header only", "SKU\tdescription\tHS code\r\n", "\t"],
    ["semicolons with decimal commas in unquoted cells", "SKU;description;HS\nA1;VPN 1,5 Gbps;851762\nA2;HSM 2,5 Gbps, SM4;854370\n", ";"],
    ["tabs with commas in unquoted cells", "SKU\tdescription\tHS\nA1\tVPN, AES, 40 Gbps\t851762\nA2\tHSM, SM4\t854370\n", "\t"],
  ])("finds the %s delimiter", (_name, text, expected) => {
    expect(detectDelimiter(text)).toBe(expected);
  });

  it("ignores delimiters inside quoted fields", () => {
    const semicolons = 'SKU;description;HS\nA1;"VPN, AES-256, 40 Gbps, IPsec";851762\nA2;"HSM, SM2, SM4, rack";854370\n';
    expect(detectDelimiter(semicolons)).toBe(";");
    const commas = 'SKU,description\nA1,"a;b;c;d;e;f"\nA2,"p;q;r;s;t;u"\nA3,"x\ty\tz\tw"\n';
    expect(detectDelimiter(commas)).toBe(",");
    const tabs = 'SKU\tdescription\tHS\nA1\t"x, y; z, w; v"\t851762\nA2\t"1;2;3;4;5;6;7"\t854370\n';
    expect(detectDelimiter(tabs)).toBe("\t");
  });

  it("ignores delimiters and line breaks inside quoted multi-line fields", () => {
    const text = 'SKU;description;HS\nA1;"line one, with commas,\nline two, more, commas,,,\nline three";851762\nA2;"x,y";854370\n';
    expect(detectDelimiter(text)).toBe(";");
    const tabbed = 'SKU\tdescription\tHS\r\nA1\t"a,b,c\r\nd;e;f\r\ng,h"\t851762\r\nA2\tHSM\t854370\r\n';
    expect(detectDelimiter(tabbed)).toBe("\t");
  });

  it("handles doubled quotes inside quoted fields", () => {
    expect(detectDelimiter('SKU;description\nA1;"12"" rack, 2U, ""HSM"""\nA2;"x"\n')).toBe(";");
  });
});

describe("detectColumns", () => {
  const mapping = (header: string[]): ColumnMapping => detectColumns(header);

  it.each<[string[], Partial<ColumnMapping>]>([
    [["SKU", "description", "HS code"], { sku: 0, description: 1, hsCode: 2, asOf: null }],
    [["Description", "HS", "Date"], { description: 0, hsCode: 1, asOf: 2, sku: null }],
    [["品名", "商品编码", "料号"], { description: 0, hsCode: 1, sku: 2 }],
    [["商品名称", "海关编码", "物料编码", "日期"], { description: 0, hsCode: 1, sku: 2, asOf: 3 }],
    [["物料编码", "规格型号", "HS编码"], { sku: 0, description: 1, hsCode: 2 }],
    [["Item No", "Product Description", "HS Code", "Shipment Date"], { sku: 0, description: 1, hsCode: 2, asOf: 3 }],
    [["id", "name", "hscode"], { sku: 0, description: 1, hsCode: 2 }],
    [["Notes", "Tariff code"], { hsCode: 1, description: null }],
  ])("maps %j", (header, expected) => {
    expect(mapping(header)).toMatchObject(expected);
  });

  it.each<[string, string[]]>([
    ["a BOM on the first header", ["\ufeffSKU", "Description", "HS Code"]],
    ["extra spaces", ["  SKU ", "  Description\t", " HS   code  "]],
    ["upper case", ["SKU", "DESCRIPTION", "HS CODE"]],
    ["mixed case and a BOM", ["\ufeffsku", "DeScRiPtIoN", "Hs  Code"]],
  ])("ignores %s", (_name, header) => {
    expect(mapping(header)).toEqual({ sku: 0, description: 1, hsCode: 2, asOf: null });
  });

  it("prefers an exact name to one that merely contains a name", () => {
    expect(mapping(["Product description (Chinese)", "Description"]).description).toBe(1);
    expect(mapping(["Item description", "SKU"])).toMatchObject({ description: 0, sku: 1 });
  });

  it("falls back to a header containing a known name", () => {
    expect(mapping(["SKU", "English description", "HS code (10 digits)"])).toMatchObject({ sku: 0, description: 1, hsCode: 2 });
  });

  it("gives each column to one field only", () => {
    const m = mapping(["description"]);
    expect(m.description).toBe(0);
    expect([m.hsCode, m.sku, m.asOf]).toEqual([null, null, null]);
  });

  it("says a row of data is not a header", () => {
    expect(looksHeaderless(mapping(["A-1001", "IPsec VPN gateway", "8517622920"]))).toBe(true);
    expect(looksHeaderless(mapping(["SKU", "Notes"]))).toBe(true);
    expect(looksHeaderless(mapping(["SKU", "品名"]))).toBe(false);
    expect(looksHeaderless(mapping(["HS code"]))).toBe(false);
  });

  // Guards against a past bug: the contains-match on "hts" (for "HTS code") also hits "Weights", "Heights", "Lights"…, so a weight column
  // becomes the HS code column and every row with "12 kg" in it is reported as a bad HS code.
  it("does not take a “Weights” column for the HS code", () => {
    expect(mapping(["SKU", "Description", "Gross weights (kg)"]).hsCode).toBeNull();
  });
});

describe("neutraliseCell", () => {
  it.each<[string, string]>([
    ["=1+2", "'=1+2"],
    ['=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'],
    ["+86 10 1234", "'+86 10 1234"],
    ["-5", "'-5"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ["\rx", "'\rx"],
    ["=", "'="],
    ["", ""],
    ["HSM", "HSM"],
    ["a=b", "a=b"],
    [" =1", " =1"],
    ["'=1", "'=1"],
    ["\nx", "\nx"],
    ["服务器密码机", "服务器密码机"],
    ["8543709950", "8543709950"],
  ])("%j → %j", (input, expected) => {
    expect(neutraliseCell(input)).toBe(expected);
  });

  it("never lets a cell start with a formula character, and changes nothing else", () => {
    const formulaish = fc.oneof(
      fc.string(),
      fc.tuple(fc.constantFrom("=", "+", "-", "@", "\t", "\r", "'"), fc.string()).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(formulaish, (value) => {
        const out = neutraliseCell(value);
        if (!out.startsWith("'")) expect(out).not.toMatch(/^[=+\-@\t\r]/);
        // Apostrophes are all it adds: taking them out where it put them gives the value back.
        const added = /^[=+\-@\t\r]/.test(value) ? out.slice(1) : out;
        expect(added.replace(/([;\t|]\s*)'(?=[=+\-@])/g, "$1")).toBe(value.replace(/([;\t|]\s*)'(?=[=+\-@])/g, "$1"));
        // No part after another separator starts a formula either (the file opened with ; or tab or |).
        for (const part of out.split(/[;\t|]/).slice(1)) expect(part.trimStart()).not.toMatch(/^[=+\-@]/);
        if (/^[=+\-@\t\r]/.test(value)) expect(out.startsWith("'")).toBe(true);
        else if (!/[;\t|]/.test(value)) expect(out).toBe(value);
      }),
      { numRuns: 500 },
    );
  });
});

describe("safeCsv", () => {
  // What the bulk output was written with before: csv-stringify, each cell neutralised, other separators quoted.
  const withCsvStringify = (rows: string[][]) => stringify(rows, { cast: { string: neutraliseCell }, quoted_match: /[;\t|]/ });

  it("writes what csv-stringify writes, byte for byte", () => {
    const cell = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom("a", "品", ",", '"', "\n", "\r", ";", "\t", "|", "=", "+", "-", "@", " ", "'") }),
      fc.constant(""),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rows) => {
        expect(safeCsv(rows)).toBe(withCsvStringify(rows));
      }),
      { numRuns: 2000 },
    );
  });
});
