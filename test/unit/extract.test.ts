import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { loadListData } from "../../src/data/loadListData.ts";
import { buildLexicon, extractParameters, type Evidence, type Parameters } from "../../src/core/extract.ts";
import { normalise } from "../../src/core/normalise.ts";

const vocabulary = loadListData().vocabulary;
const lexicon = buildLexicon(vocabulary);
const extract = (text: string): Parameters => extractParameters(normalise(text), lexicon, vocabulary);
const algorithm = (text: string, name: string) => extract(text).algorithms.find((a) => a.name === name);

describe("algorithms and key lengths", () => {
  it.each<[string, string, string, number | null, boolean]>([
    // [text, algorithm, family, key bits, counted by the 64/768/128-bit test]
    ["AES-128/192/256", "AES", "symmetric", 256, true],
    ["AES 128", "AES", "symmetric", 128, true],
    ["256-bit AES", "AES", "symmetric", 256, true],
    ["XTS-AES-128 with 256-bit key", "AES", "symmetric", 256, true],
    ["RSA 1024-4096位", "RSA", "integer_factorisation", 4096, true],
    ["RSA up to 4096-bit", "RSA", "integer_factorisation", 4096, true],
    ["RSA (2048-bit)", "RSA", "integer_factorisation", 2048, true],
    ["RSA", "RSA", "integer_factorisation", null, true],
    ["ECC NIST P-256/P-384", "ECC", "elliptic_curve", 384, true],
    ["NIST P-256 curve", "ECC", "elliptic_curve", 256, true], // a named curve alone implies ECC
    ["ECDSA", "ECDSA", "elliptic_curve", null, true],
    ["DES (56-bit)", "DES", "symmetric", 56, true],
    ["3DES168", "3DES", "symmetric", 168, true],
    ["3DES", "3DES", "symmetric", 112, true],
    ["SHA-256", "SHA", "hash", null, false],
    ["HMAC-SHA256", "HMAC", "mac", null, false],
    ["4096-bit Diffie-Hellman", "Diffie-Hellman", "discrete_log", 4096, false],
    ["ML-KEM (Kyber)", "ML-KEM", "post_quantum", null, false],
    ["ＳＭ４", "SM4", "symmetric", 128, true],
    ["祖冲之算法ZUC-256", "ZUC", "symmetric", 256, true],
    ["Enhanced encryption (ARC4, 40-bit key)", "RC4", "symmetric", 40, true],
    ["AES，256位密钥", "AES", "symmetric", 256, true],
    ["AES, 2 keys", "AES", "symmetric", 128, true],
  ])("%j → %s", (text, name, family, keyBits, counted) => {
    const found = algorithm(text, name);
    expect(found).toBeDefined();
    expect(found?.family).toBe(family);
    expect(found?.keyBits).toBe(keyBits);
    expect(found?.counted).toBe(counted);
  });

  it("SM2/SM3/SM4: SM2 a 256-bit curve, SM4 128-bit symmetric, SM3 a hash that is not counted", () => {
    const algorithms = extract("SM2/SM3/SM4").algorithms;
    expect(algorithms.map((a) => a.name).sort()).toEqual(["SM2", "SM3", "SM4"]);
    expect(algorithm("SM2/SM3/SM4", "SM2")).toMatchObject({ family: "elliptic_curve", keyBits: 256, counted: true });
    expect(algorithm("SM2/SM3/SM4", "SM4")).toMatchObject({ family: "symmetric", keyBits: 128, counted: true });
    expect(algorithm("SM2/SM3/SM4", "SM3")).toMatchObject({ family: "hash", counted: false });
  });

  it.each([
    ["ECC memory", "ECC"],
    ["DDR5 ECC RDIMM", "ECC"],
    ["3DES", "DES"],
    ["the random seed", "SEED"],
    ["the idea is simple", "IDEA"],
    ["designed for aria", "ARIA"],
    ["RSA-2048 at 10 Gbps", "SHA"],
  ])("%j finds no %s", (text, name) => {
    expect(algorithm(text, name)).toBeUndefined();
  });

  it("finds ARIA and SEED written as cipher names", () => {
    expect(extract("ARIA, SEED").algorithms.map((a) => a.name)).toEqual(["ARIA", "SEED"]);
  });

  it("does not read a rate as a key length", () => {
    expect(algorithm("SM4 5Gbps", "SM4")?.keyBits).toBe(128);
    expect(algorithm("AES 40 Gbps", "AES")?.keyBits).toBe(128);
  });

  it("keeps one row per algorithm with the largest key length", () => {
    const rsa = extract("RSA-1024 for legacy, RSA-4096 for new keys").algorithms.filter((a) => a.name === "RSA");
    expect(rsa).toHaveLength(1);
    expect(rsa[0]?.keyBits).toBe(4096);
  });

  // A comma-separated list after the algorithm ("-256, 12") is taken as a list of key lengths, and then
  // dropped whole because a rate unit follows, so the stated 256 / 2048 is lost.
  it("keeps AES-256 when a rate follows after a comma: \"AES-256, 12 Gbps\"", () => {
    expect(algorithm("AES-256, 12 Gbps", "AES")?.keyBits).toBe(256);
  });

  it("keeps RSA-2048 when a rate follows after a comma: \"RSA-2048, 10 Gbps\"", () => {
    expect(algorithm("RSA-2048, 10 Gbps", "RSA")?.keyBits).toBe(2048);
  });

  // "非对称" means asymmetric; "非" is a negation cue and "非对称" is not among the vocabulary's notNegations.
  it("does not read 非对称 (asymmetric) as a negation: \"密码卡，非对称算法RSA 2048位\"", () => {
    const p = extract("密码卡，非对称算法RSA 2048位");
    expect(p.algorithms.find((a) => a.name === "RSA")?.keyBits).toBe(2048);
    expect(p.negated).toEqual([]);
  });

  // Line breaks are folded into spaces by normalise, so the "\n" in the clause breaks never fires and
  // a "No …" line negates the algorithm on the next line.
  it("ends a negation at a line break: \"HSM\\nNo PoE\\nAES-256\"", () => {
    expect(algorithm("HSM\nNo PoE\nAES-256", "AES")?.keyBits).toBe(256);
  });
});

describe("rates", () => {
  it("reads a space as a thousands separator, but not after a key size", () => {
    const rates = (text: string) => extractParameters(normalise(text), lexicon, vocabulary).rates.map((r) => [r.value, r.unit]);
    expect(rates("HSM, 10 000 RSA-2048 signatures per second")).toEqual([[10_000, "tps"]]);
    expect(rates("Crypto card AES 256 128 Gbps")).toEqual([[128, "Gbps"]]);
  });
  it.each<[string, number, "Gbps" | "tps", string]>([
    ["SM4加解密速率5Gbps", 5, "Gbps", "symmetric"],
    ["1.5 GB/s", 12, "Gbps", "unqualified"],
    ["800Mbps", 0.8, "Gbps", "unqualified"],
    ["400 MB/s", 3.2, "Gbps", "unqualified"],
    ["2 Tbps", 2000, "Gbps", "unqualified"],
    ["10 Gb/s", 10, "Gbps", "unqualified"],
    ["60000次/秒", 60000, "tps", "signature"],
    ["2万次/秒", 20000, "tps", "signature"],
    ["50,000 tps", 50000, "tps", "signature"],
    ["SM2签名速率 30000 tps", 30000, "tps", "signature"],
    ["100G Ethernet encryptor", 100, "Gbps", "symmetric"],
    ["IPsec VPN throughput 6 Gbps", 6, "Gbps", "encrypted_communication"],
    ["加密通信速率 20Gbps", 20, "Gbps", "encrypted_communication"],
    ["１０Ｇｂｐｓ", 10, "Gbps", "unqualified"],
  ])("%j → %d %s (%s)", (text, value, unit, kind) => {
    const rates = extract(text).rates;
    expect(rates).toHaveLength(1);
    expect(rates[0]).toMatchObject({ value, unit, kind });
    expect(rates[0]?.evidence.text).toBe(text.slice(rates[0]?.evidence.start, rates[0]?.evidence.end));
  });

  it("labels each rate from its own clause", () => {
    const rates = extract("firewall throughput 30 Gbps, IPsec VPN throughput 6 Gbps").rates;
    expect(rates.map((r) => [r.value, r.kind])).toEqual([
      [30, "not_encryption"],
      [6, "encrypted_communication"],
    ]);
  });

  it("labels a rate from a label that follows it", () => {
    const rates = extract("50 Gbps firewall throughput and 10 Gbps threat protection throughput").rates;
    expect(rates.map((r) => [r.value, r.kind])).toEqual([
      [50, "not_encryption"],
      [10, "not_encryption"],
    ]);
  });

  it.each(["5G smartphone", "4G LTE router", "SM4 encryption, 256-bit keys", "8 GB RAM", "RSA-2048"])(
    "%j has no rate",
    (text) => {
      expect(extract(text).rates).toEqual([]);
    },
  );

  // Spec sheets often write the unit in lower case; "gbps" can only mean gigabits per second.
  it("reads a lower-case unit: \"SM4 12gbps\"", () => {
    expect(extract("SM4 12gbps").rates.map((r) => r.value)).toEqual([12]);
  });
});

describe("managed objects", () => {
  it.each<[string, number]>([
    ["管理对象数量5000个", 5000],
    ["可管理1万个密钥对象", 10000],
    ["2 million managed objects", 2_000_000],
    ["up to 10,000 keys", 10_000],
    ["managed objects: 25000", 25_000],
  ])("%j → %d", (text, value) => {
    const found = extract(text).managedObjects;
    expect(found.map((m) => m.value)).toEqual([value]);
    const ev = found[0]?.evidence as Evidence;
    expect(ev.text).toBe(text.slice(ev.start, ev.end));
  });

  it("does not count a number that is not next to a managed-object word", () => {
    expect(extract("HSM, 12 Gbps, 2 power supplies, supports key backup").managedObjects).toEqual([]);
  });

  it("does not count a clause number before a key word, and still counts 1.5万", () => {
    expect(extract("★4.2 密钥管理模块：对称算法 SM4").managedObjects).toEqual([]);
    expect(extract("System Management Assistant（PDA 式密钥注入器）2 套").managedObjects).toEqual([]);
    expect(extract("可管理1.5万个密钥").managedObjects.map((m) => m.value)).toEqual([15_000]);
  });
});

describe("negation", () => {
  it.each(["传真机，加密功能：无", "Fax machine. Encryption: none.", "Encryption: N/A"])("reads a negative answer after the word: %j", (text) => {
    expect(extractParameters(normalise(text), lexicon, vocabulary).noEncryption).not.toBeNull();
  });
  it.each(["不支持加密", "no encryption", "无硬件加密功能", "without encryption", "千兆以太网交换机，24口，不支持加密", "不含加密模块"])(
    "%j says there is no encryption",
    (text) => {
      const p = extract(text);
      expect(p.noEncryption).not.toBeNull();
      expect(p.cryptoFunction).toEqual([]);
      expect(p.negated.length).toBeGreaterThan(0);
    },
  );

  it.each([
    ["无线路由器，支持WPA3加密", "无线 is wireless, not 无 + 线"],
    ["no batteries, no electronics", "nothing crypto is negated"],
    ["no fan, AES-256 encryption", "the negation ends at the comma"],
    ["Part No. 4471, encryption card", "No. is a number, not a negation"],
    ["HSM without external power, 12 Gbps", "a named product has encryption"],
  ])("%j: noEncryption is null (%s)", (text) => {
    expect(extract(text).noEncryption).toBeNull();
  });

  it("drops a negated algorithm but keeps one outside the negation", () => {
    const names = extract("no DES, AES-256 only").algorithms.map((a) => a.name);
    expect(names).toEqual(["AES"]);
  });
});

describe("sectors and dedication", () => {
  it("specially designed for power-grid dispatching → power, dedicated", () => {
    const sectors = extract("specially designed for power-grid dispatching").sectors;
    expect(sectors).toHaveLength(1);
    expect(sectors[0]).toMatchObject({ sector: "power", dedicated: true });
    expect(sectors[0]?.dedicationEvidence?.text).toBe("specially designed");
  });

  it("用于政务外网、电力、金融专网 → power and finance, neither dedicated", () => {
    const sectors = extract("用于政务外网、电力、金融专网").sectors;
    expect(sectors.map((s) => [s.sector, s.dedicated])).toEqual([
      ["power", false],
      ["finance", false],
    ]);
  });

  it.each<[string, string]>([
    ["电力专用纵向加密认证装置", "power"],
    ["专门用于金融IC卡", "finance"],
    ["税控专用安全芯片", "taxation"],
  ])("%j → %s dedicated", (text, sector) => {
    expect(extract(text).sectors.find((s) => s.sector === sector)?.dedicated).toBe(true);
  });

  it("does not borrow a dedication from another sentence", () => {
    const sectors = extract("专门设计的机箱。可用于银行").sectors;
    expect(sectors.map((s) => [s.sector, s.dedicated])).toEqual([["finance", false]]);
  });

  // extractSectors says a sector naming the product itself ("金融数据密码机") is a dedication, but the
  // sector word is inside the product word, so the "primary type right after the sector" test never holds.
  it("金融数据密码机 → finance dedicated (the sector names the product)", () => {
    const sectors = extract("金融数据密码机").sectors;
    expect(sectors).toHaveLength(1);
    expect(sectors[0]).toMatchObject({ sector: "finance", dedicated: true });
  });
});

describe("mass market", () => {
  it.each<[string, number, number]>([
    ["Consumer retail", 2, 0],
    ["smartphone", 0, 1],
    ["家用路由器", 1, 1], // 家用 is strong, 家用路由器 weak
    ["HSM appliance", 0, 0],
  ])("%j → %d strong, %d weak", (text, strong, weak) => {
    const mm = extract(text).massMarket;
    expect(mm.strong).toHaveLength(strong);
    expect(mm.weak).toHaveLength(weak);
  });
});

describe("product types and item kind", () => {
  it("GmSSL 开源国密密码库 … 可调用PCI-E密码卡 is software, though it names a cipher card", () => {
    const p = extract("GmSSL 开源国密密码库，支持SM2/SM3/SM4，可调用PCI-E密码卡");
    expect(p.itemKind).toBe("software");
    // "开源" says how it is licensed (rule 17); "密码库" names what it is.
    expect(p.itemKindEvidence?.text).toBe("密码库");
    expect(p.publicDomain.map((e) => e.text)).toContain("开源");
  });

  it.each(["smart card IC", "smartcard IC", "smart-card IC"])("a compound is found however it is spelt: %s is a security chip", (text) => {
    expect(extract(text).types.map((t) => [t.type, t.strength])).toEqual([["security_chip", "primary"]]);
  });

  it("a product acronym written as the tail of a brand names the product (YubiHSM), a glued algorithm does not (EdDSA is not DSA)", () => {
    expect(extract("NovaHSM 2, USB-A").types.map((t) => [t.type, t.strength])).toEqual([["cipher_machine", "primary"]]);
    expect(extract("EdDSA signing").algorithms.map((a) => a.name)).not.toContain("DSA");
    expect(extract("Yubihsm 2").types).toEqual([]);
  });

  it("short words are not run together: 'cardic' is not 'card ic'", () => {
    expect(extract("smartcardic").types).toEqual([]);
  });

  it("HSM appliance is hardware, a cipher machine", () => {
    const p = extract("HSM appliance");
    expect(p.itemKind).toBe("hardware");
    expect(p.types.map((t) => [t.type, t.strength])).toEqual([["cipher_machine", "primary"]]);
  });

  it("technology transfer is technology", () => {
    const p = extract("Technology transfer: design documentation for an SM4 cipher machine");
    expect(p.itemKind).toBe("technology");
  });

  it.each<[string, string, string, string]>([
    ["SSL VPN 安全网关", "vpn_equipment", "primary", "VPN 安全网关"],
    ["NGFW with IPsec VPN", "vpn_equipment", "host", "NGFW"],
    ["量子密钥分发终端", "quantum_crypto", "primary", "量子密钥分发"],
    ["TPM 2.0", "security_chip", "primary", "TPM"],
    ["密钥管理系统", "key_management", "primary", "密钥管理系统"],
  ])("%j → %s (%s) quoting %j", (text, type, strength, quote) => {
    const found = extract(text).types.find((t) => t.type === type && t.strength === strength);
    expect(found?.evidence.text).toBe(quote);
  });

  it("a shorter product word inside a longer one is not a match of its own", () => {
    const types = extract("VPN gateway").types;
    expect(types.map((t) => t.evidence.text)).toEqual(["VPN gateway"]);
  });
});

/** Every Evidence object anywhere in the parameters. */
function allEvidence(p: Parameters): Evidence[] {
  const out: Evidence[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.text === "string" && typeof o.start === "number" && typeof o.end === "number") out.push(o as unknown as Evidence);
      else Object.values(o).forEach(walk);
    }
  };
  walk(p);
  return out;
}

describe("evidence", () => {
  const inputs = [
    "ＳＭ４密码卡，加解密速率１２Ｇｂｐｓ，SM2签名速率６万次/秒",
    "Thales Luna  Network HSM\u200b 7: RSA 1024-4096位, ECC P-384, AES-256;  firewall throughput 30 Gbps",
    "SSL VPN 安全网关，不支持 3DES，加密通信速率 20Gbps，专门用于 电力 调度",
    "𝐇𝐒𝐌 with 𝐀𝐄𝐒-256, 可管理1万个密钥对象, consumer",
  ];

  it.each(inputs)("every evidence in %j quotes the input", (input) => {
    const evidence = allEvidence(extract(input));
    expect(evidence.length).toBeGreaterThan(3);
    for (const e of evidence) {
      expect(e.start).toBeGreaterThanOrEqual(0);
      expect(e.end).toBeGreaterThan(e.start);
      expect(e.text).toBe(input.slice(e.start, e.end));
    }
  });

  it("quotes full-width input back full-width", () => {
    const p = extract("ＳＭ４密码卡，加解密速率１２Ｇｂｐｓ");
    expect(p.algorithms[0]?.evidence.text).toBe("ＳＭ４");
    expect(p.rates[0]?.evidence.text).toBe("１２Ｇｂｐｓ");
    expect(p.types[0]?.evidence.text).toBe("密码卡");
  });

  const fragments = fc.constantFrom(
    "ＳＭ４", "AES-128/192/256", "RSA 1024-4096位", "ECC P-384", "3DES168", "DES (56-bit)", "SHA-256",
    "12 Gbps", "1.5 GB/s", "60000次/秒", "2万次/秒", "不支持加密", "no encryption", "无线", "管理对象数量5000个",
    "专门用于", "电力", "金融数据密码机", "HSM", "VPN gateway", "firewall throughput 30 Gbps", "consumer",
    "开源", "𝐀𝐄𝐒", "\u200b", "ﬁrewall", "ECC memory", "=SEED", "量子密钥分发",
  );
  const spec = fc
    .array(fc.tuple(fragments, fc.constantFrom(" ", ", ", "，", "\n", "", "  \t", "、", ";")), { maxLength: 12 })
    .map((parts) => parts.map(([f, sep]) => f + sep).join(""));

  it("every evidence quotes the input, for text built from spec fragments", () => {
    fc.assert(
      fc.property(fc.oneof(spec, fc.string({ unit: "binary" })), (input) => {
        for (const e of allEvidence(extract(input))) {
          expect(e.text).toBe(input.slice(e.start, e.end));
          expect(e.text.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never reports a counted algorithm with an implausible key length", () => {
    fc.assert(
      fc.property(spec, (input) => {
        for (const a of extract(input).algorithms) {
          if (a.keyBits !== null) {
            expect(a.keyBits).toBeGreaterThanOrEqual(40);
            expect(a.keyBits).toBeLessThanOrEqual(16384);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
