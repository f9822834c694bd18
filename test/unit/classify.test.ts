import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { loadListData } from "../../src/data/loadListData.ts";
import { createClassifier } from "../../src/core/classify.ts";
import { VERDICTS, type Classification, type Outcome, type Verdict } from "../../src/core/result.ts";
import type { Evidence } from "../../src/core/extract.ts";

const data = loadListData();
const classifier = createClassifier({ ...data, cacheSize: 0 });
const TODAY = "2026-06-01";

type Expected = [Verdict, string | null] | [Verdict, string | null][];
const accepted = (e: Expected): [Verdict, string | null][] => (Array.isArray(e[0]) ? (e as [Verdict, string | null][]) : [e as [Verdict, string | null]]);

interface Case {
  readonly description?: string;
  readonly hsCode?: string;
  readonly asOf?: string;
  /** [verdict, entry id or null], or a list of acceptable ones. */
  readonly import: Expected;
  readonly export: Expected;
  readonly exportEdition?: string | null;
}

const cases: [string, Case][] = [
  // The product is what is named first; a product it works on is not a second product.
  ["test equipment for cipher machines is not a cipher machine", {
    description: "Crypto test equipment for verifying cipher machines",
    import: ["not_listed", null],
    export: ["licence_required", "5B002.b"],
  }],
  ["a signature server with 60,000 tps", {
    description: "签名服务器，RSA 2048签名 60,000 tps",
    import: ["needs_info", "I-3"],
    export: ["licence_required", "5A002.b"],
  }],
  ["an encrypted VoIP desk phone is an encrypted telephone", {
    description: "Encrypted VoIP desk phone for government use, SRTP with AES-128",
    import: ["licence_required", "I-1"],
    export: ["not_listed", null],
  }],
  // Cipher machines: import I-3 has only the 10 Gbps test; export 5A002.b has 10 Gbps OR 50,000 tps.
  ["cipher machine at 8 Gbps", {
    description: "SM4 cipher machine, 8 Gbps",
    import: ["below_threshold", "I-3"],
    export: ["needs_info", "5A002.b"], // the signature rate could still reach 50,000 tps
  }],
  ["cipher machine at 12 Gbps", {
    description: "SM4 cipher machine, 12 Gbps",
    import: ["licence_required", "I-3"],
    export: ["licence_required", "5A002.b"],
  }],
  ["10 Gbps is inclusive (以上)", {
    description: "服务器密码机，SM4加解密速率10Gbps",
    import: ["licence_required", "I-3"],
    export: ["licence_required", "5A002.b"],
  }],
  ["9.9 Gbps but 60,000 tps: export only", {
    description: "服务器密码机，SM4加解密速率9.9Gbps，SM2签名速率60000次/秒",
    import: ["below_threshold", "I-3"],
    export: ["licence_required", "5A002.b"],
  }],
  ["50,000 tps is inclusive", {
    description: "服务器密码机，SM2签名速率50,000 tps，SM4 5Gbps",
    import: ["below_threshold", "I-3"],
    export: ["licence_required", "5A002.b"],
  }],
  ["5 Gbps and 40,000 tps: below both", {
    description: "服务器密码机，SM4 5Gbps，SM2签名速率40000次/秒",
    import: ["below_threshold", "I-3"],
    export: ["below_threshold", "5A002.b"],
  }],
  ["1.5 GB/s is 12 Gbps", {
    description: "cipher machine AES-256, 1.5 GB/s",
    import: ["licence_required", "I-3"],
    export: ["licence_required", "5A002.b"],
  }],
  ["full-width spec", {
    description: "ＳＭ４密码卡，加解密速率１２Ｇｂｐｓ",
    import: ["licence_required", "I-3"],
    export: ["licence_required", "5A002.b"],
  }],
  ["100G Ethernet encryptor", {
    description: "100G Ethernet encryptor, AES-256",
    import: ["licence_required", "I-3"],
    export: ["licence_required", "5A002.b"],
  }],
  ["HSM with no rate", {
    description: "HSM appliance, RSA 4096, ECC P-384, AES-256",
    import: ["needs_info", "I-3"],
    export: ["needs_info", "5A002.b"],
  }],
  // VPN equipment: I-4 / 5A002.c, encrypted communication rate ≥ 10 Gbps.
  ["VPN gateway at 9.5 Gbps", {
    description: "VPN gateway, AES-256, IPsec throughput 9.5 Gbps",
    import: ["below_threshold", "I-4"],
    export: ["below_threshold", "5A002.c"],
  }],
  ["VPN gateway at 12 Gbps", {
    description: "VPN gateway, AES-256, IPsec throughput 12 Gbps",
    import: ["licence_required", "I-4"],
    export: ["licence_required", "5A002.c"],
  }],
  ["Chinese SSL VPN gateway at 20 Gbps", {
    description: "SSL VPN 安全网关，SM4，加密通信速率 20Gbps",
    import: ["licence_required", "I-4"],
    export: ["licence_required", "5A002.c"],
  }],
  ["VPN with only DES (56-bit)", {
    description: "VPN gateway, DES only, IPsec throughput 12 Gbps",
    import: ["below_threshold", "I-4"],
    export: ["below_threshold", "5A002.c"],
  }],
  ["NGFW with only firewall rates", {
    description: "NGFW with IPsec VPN, firewall throughput 30 Gbps, threat protection 10 Gbps, AES-256",
    import: ["needs_info", "I-4"],
    export: ["needs_info", "5A002.c"],
  }],
  ["NGFW with a 6 Gbps VPN rate", {
    description: "NGFW with IPsec VPN, AES-256, firewall throughput 30 Gbps, IPsec VPN throughput 6 Gbps",
    import: ["below_threshold", "I-4"],
    export: ["below_threshold", "5A002.c"],
  }],
  // Key management: export only, ≥ 10,000 managed objects.
  ["key management, 5000 objects", {
    description: "密钥管理系统，支持SM4/SM2，管理对象数量5000个",
    import: ["not_listed", null],
    export: ["below_threshold", "5A002.d"],
  }],
  ["key management, 1万 objects", {
    description: "密钥管理系统，支持SM4/SM2，可管理1万个密钥对象",
    import: ["not_listed", null],
    export: ["licence_required", "5A002.d"],
  }],
  ["key management, no algorithm", {
    description: "key management system, 20,000 managed keys",
    import: ["not_listed", null],
    export: ["needs_info", "5A002.d"],
  }],
  // Sector, quantum, cryptanalysis.
  ["encryption unit dedicated to power", {
    description: "Encryption unit specially designed for power-grid dispatching, SM1/SM4 algorithms",
    import: ["needs_info", "I-3"],
    export: ["licence_required", "5A002.e"],
  }],
  ["security chip dedicated to finance", {
    description: "安全芯片，SM2/SM4，专门用于金融IC卡",
    import: ["not_listed", null],
    export: ["licence_required", "5A002.a"],
  }],
  ["QKD", {
    description: "QKD system for metropolitan networks",
    import: ["not_listed", null],
    export: ["licence_required", "5A002.f"],
  }],
  ["QKD under the 2021 export list", {
    description: "量子密钥分发终端",
    asOf: "2024-06-30",
    import: ["not_listed", null],
    export: ["licence_required", "1.6"],
    exportEdition: "export-2021",
  }],
  ["cryptanalysis on 2024-06-30", {
    description: "password recovery tool for cryptanalysis of encrypted archives",
    asOf: "2024-06-30",
    import: ["not_listed", null],
    export: ["licence_required", "1.7"],
    exportEdition: "export-2021",
  }],
  ["cryptanalysis on 2025-01-15", {
    description: "password recovery tool for cryptanalysis of encrypted archives",
    asOf: "2025-01-15",
    import: ["not_listed", null],
    export: ["licence_required", "5A004"],
    exportEdition: "export-2024",
  }],
  ["test equipment for side-channel analysis", {
    description: "Cryptographic test equipment for side-channel analysis of smart cards",
    import: ["not_listed", null],
    export: ["licence_required", "5B002.b"],
  }],
  // Edition boundaries.
  ["last day of export-2021", {
    description: "SM4 cipher machine, 12 Gbps",
    asOf: "2024-11-30",
    import: ["licence_required", "I-3"],
    export: ["licence_required", "1.2"],
    exportEdition: "export-2021",
  }],
  ["first day of export-2024", {
    description: "SM4 cipher machine, 12 Gbps",
    asOf: "2024-12-01",
    import: ["licence_required", "I-3"],
    export: ["licence_required", "5A002.b"],
    exportEdition: "export-2024",
  }],
  ["before any list was in force", {
    description: "SM4 cipher machine, 12 Gbps",
    asOf: "2020-06-01",
    import: ["not_listed", null],
    export: ["not_listed", null],
    exportEdition: null,
  }],
  // HS codes alone never decide.
  ["HS 8543709950 only", {
    hsCode: "8543709950",
    import: ["needs_info", "I-3"],
    export: ["needs_info", "5A002.b"],
  }],
  ["HS 8543.70.99.50 typed with dots", {
    hsCode: "8543.70.99.50",
    import: ["needs_info", "I-3"],
    export: ["needs_info", "5A002.b"],
  }],
  ["HS 854231 only", {
    hsCode: "854231",
    import: ["not_listed", null],
    export: ["needs_info", "5A002.a"],
  }],
  ["fax without encryption, HS 844331", {
    description: "Plain paper fax machine, no encryption",
    hsCode: "844331",
    import: ["not_listed", null],
    export: ["not_listed", null],
  }],
  // Phones and faxes (import only).
  ["consumer smartphone", {
    description: "consumer smartphone with AES-256 storage encryption",
    import: ["exempt", "I-1"],
    export: ["not_listed", null],
  }],
  ["secure phone for government", {
    description: "Secure phone for government use, AES-256 voice encryption",
    import: ["licence_required", "I-1"],
    export: ["not_listed", null],
  }],
  ["encrypted fax", {
    description: "Encrypted fax machine, AES-256",
    import: ["licence_required", "I-2"],
    export: ["not_listed", null],
  }],
  // Software, technology, nothing.
  ["open-source crypto library", {
    description: "GmSSL 开源国密密码库，支持SM2/SM3/SM4，可调用PCI-E密码卡",
    import: ["not_listed", null],
    export: ["not_listed", null], // public-domain software is outside 5D002 (rule 17), not an exempt consumer product
  }],
  ["technology transfer", {
    description: "Encryption technology transfer: design documentation for an SM4 cipher machine",
    import: ["not_listed", null],
    export: ["needs_info", "5E002"],
  }],
  ["switch that says 不支持加密", {
    description: "千兆以太网交换机，24口，不支持加密",
    import: ["not_listed", null],
    export: ["not_listed", null],
  }],
  ["wireless router (无线 is not a negation, but no VPN word)", {
    description: "Wi-Fi 6 home router with WPA3 encryption",
    import: ["not_listed", null],
    export: ["not_listed", null],
  }],
  ["typo: encyrption card", {
    description: "encyrption card, 12 Gbps, AES",
    import: ["licence_required", "I-3"],
    export: ["licence_required", "5A002.b"],
  }],
];

const run = (c: Case): Classification =>
  classifier.classify({ description: c.description, hsCode: c.hsCode, asOf: c.asOf ?? TODAY });

describe("classify: verdicts on real cases", () => {
  it.each(cases)("%s", (_name, c) => {
    const r = run(c);
    expect(accepted(c.import)).toContainEqual([r.import.verdict, r.import.entry?.id ?? null]);
    expect(accepted(c.export)).toContainEqual([r.export.verdict, r.export.entry?.id ?? null]);
    const expectedExport =
      c.exportEdition !== undefined ? c.exportEdition : classifier.editionsInForce(c.asOf ?? TODAY).export?.id ?? null;
    expect(r.export.edition?.id ?? null).toBe(expectedExport);
    expect(r.import.edition?.id ?? null).toBe((c.asOf ?? TODAY) < "2021-01-01" ? null : "import-2021");
  });
});

describe("classify: checks and reasons", () => {
  it("cipher machine below 10 Gbps: the rate check fails with the value and the threshold", () => {
    const r = classifier.classify({ description: "SM4 cipher machine, 8 Gbps", asOf: TODAY });
    const rate = r.import.checks.find((c) => c.criterion === "rate");
    expect(rate?.status).toBe("fail");
    expect(rate?.value?.en).toContain("8 Gbps");
    expect(rate?.threshold.en).toContain("10 Gbps");
    expect(rate?.evidence.map((e) => e.text)).toEqual(["8 Gbps"]);
    expect(r.import.reasons.some((s) => s.includes("does not reach"))).toBe(true);
  });

  it("export 5A002.b below 10 Gbps asks for the signature rate", () => {
    const r = classifier.classify({ description: "SM4 cipher machine, 8 Gbps", asOf: TODAY });
    expect(r.export.missing).toHaveLength(1);
    expect(r.export.missing[0]).toMatch(/signature rate/);
    expect(r.export.zh.missing[0]).toMatch(/签名速率/);
  });

  it("an HS code alone asks what the product is", () => {
    const r = classifier.classify({ hsCode: "8543709950", asOf: TODAY });
    const type = r.import.checks.find((c) => c.criterion === "productType");
    expect(type?.status).toBe("unknown");
    expect(type?.evidence).toEqual([]);
    expect(r.import.candidates.every((c) => c.matchedBy === "hs_code")).toBe(true);
    expect(r.export.candidates.map((c) => c.entry.id).sort()).toEqual(["5A002.b", "5A002.d"]);
    expect(r.import.notes.some((s) => s.includes("the description decides"))).toBe(true);
  });

  it("an HS code is kept normalised in the result", () => {
    const r = classifier.classify({ hsCode: "8543.70.99.50", asOf: TODAY });
    expect(r.input.hsCode).toBe("8543709950");
    expect(r.parameters.hsCode).toBe("8543709950");
  });

  it("a broad HS code with an unrelated description is not a candidate", () => {
    const r = classifier.classify({ description: "Plain paper fax machine", hsCode: "844331", asOf: TODAY });
    expect(r.import.verdict).toBe("not_listed");
  });

  it("a mass-market product says why it is exempt", () => {
    const r = classifier.classify({ description: "consumer smartphone with AES-256 storage encryption", asOf: TODAY });
    expect(r.import.reasons.some((s) => s.includes("Mass-market") && s.includes("consumer"))).toBe(true);
  });

  it("no edition in force says so", () => {
    const r = classifier.classify({ description: "SM4 cipher machine, 12 Gbps", asOf: "2020-06-01" });
    expect(r.import.edition).toBeNull();
    expect(r.import.reasons[0]).toContain("2020-06-01");
  });

  it("a whitespace-only description counts as none", () => {
    const r = classifier.classify({ description: "   ", hsCode: "8543709950", asOf: TODAY });
    expect(r.input.description).toBeNull();
    expect(r.import.verdict).toBe("needs_info");
  });

  it("a typo is matched, and the evidence quotes the user's spelling", () => {
    const r = classifier.classify({ description: "encyrption card, 12 Gbps, AES", asOf: TODAY });
    expect(r.import.candidates[0]?.matchedOn.map((e) => e.text)).toEqual(["encyrption card"]);
  });

  it("the cache returns the same result as a fresh computation", () => {
    const cached = createClassifier({ ...data });
    const input = { description: "SM4 cipher machine, 12 Gbps", asOf: TODAY };
    const first = cached.classify(input);
    expect(cached.classify(input)).toEqual(first);
    expect(classifier.classify(input)).toEqual(first);
    // A different date is a different key.
    expect(cached.classify({ ...input, asOf: "2024-06-30" }).export.entry?.id).toBe("1.2");
  });

  it("a cache of size 1 evicts and still answers right", () => {
    const tiny = createClassifier({ ...data, cacheSize: 1 });
    const a = { description: "SM4 cipher machine, 12 Gbps", asOf: TODAY };
    const b = { description: "SM4 cipher machine, 8 Gbps", asOf: TODAY };
    expect(tiny.classify(a).import.verdict).toBe("licence_required");
    expect(tiny.classify(b).import.verdict).toBe("below_threshold");
    expect(tiny.classify(a).import.verdict).toBe("licence_required");
  });
});

describe("classify: verdicts that were once wrong", () => {
  // "retail" is a strong mass-market word, so "retail banking" makes a payment HSM exempt.
  it("a payment HSM for retail banking is not a mass-market product", () => {
    const r = classifier.classify({ description: "Payment HSM for retail banking, AES-256, 12 Gbps", asOf: TODAY });
    expect(r.import.verdict).toBe("licence_required");
    expect(r.import.entry?.id).toBe("I-3");
  });

  // "公开" (public) is a public-domain word, so 公开密钥 (public key) makes crypto software exempt.
  it("公开密钥算法 (public-key algorithm) is not public domain", () => {
    const r = classifier.classify({ description: "VPN网关密码软件，支持公开密钥算法RSA-2048", asOf: TODAY });
    expect(r.export.verdict).toBe("needs_info");
    expect(r.export.entry?.id).toBe("5D002");
  });

  // The typo corrector rewrites the correctly spelt "acceleration" to "accelerator", making a network
  // card a "crypto accelerator" (a primary cipher-machine word).
  it("a correctly spelt word is not 'corrected' into a product name: crypto acceleration", () => {
    const r = classifier.classify({ description: "SmartNIC with inline crypto acceleration, 100 Gbps, AES-256", asOf: TODAY });
    expect(r.parameters.types.some((t) => t.type === "cipher_machine" && t.strength === "primary")).toBe(false);
  });

  // When the vocabulary word is shorter than the misspelling, the last letter is cut off the quote.
  it("evidence of a corrected typo quotes the whole misspelt word", () => {
    const r = classifier.classify({ description: "hardware security modulle, AES", asOf: TODAY });
    expect(r.parameters.types[0]?.evidence.text).toBe("hardware security modulle");
  });
});

// ---- structure, on the table and on generated inputs ----

function checkOutcome(o: Outcome, asOf: string, direction: "import" | "export"): void {
  expect(VERDICTS).toContain(o.verdict);
  expect(o.edition?.id ?? null).toBe(classifier.editionsInForce(asOf)[direction]?.id ?? null);
  expect(o.zh.missing.length).toBe(o.missing.length);
  expect(o.zh.reasons.length).toBe(o.reasons.length);
  expect(o.reasons.length).toBeGreaterThan(0);
  // An entry is named exactly when something matched.
  expect(o.entry === null).toBe(o.verdict === "not_listed");
  for (const check of o.checks) {
    expect(["pass", "fail", "unknown"]).toContain(check.status);
    if (check.status === "unknown") expect(check.question).not.toBeNull();
    for (const part of check.parts ?? []) expect(["pass", "fail", "unknown"]).toContain(part.status);
  }
  if (o.verdict === "licence_required") expect(o.checks.every((c) => c.status === "pass")).toBe(true);
  if (o.verdict === "needs_info") {
    expect(o.missing.length).toBeGreaterThan(0);
    expect(o.checks.some((c) => c.status === "unknown")).toBe(true);
    expect(o.checks.some((c) => c.status === "fail")).toBe(false);
  }
  if (o.verdict === "below_threshold") expect(o.checks.some((c) => c.status === "fail")).toBe(true);
  if (o.verdict !== "needs_info") expect(o.missing).toEqual([]);
  if (o.verdict !== "not_listed") {
    // The outcome is its strongest candidate.
    expect(o.candidates[0]?.entry).toEqual({ id: o.entry?.id, nameZh: o.entry?.nameZh, nameEn: o.entry?.nameEn });
    expect(o.candidates[0]?.verdict).toBe(o.verdict);
    expect(o.candidates[0]?.missing).toEqual(o.missing);
    const ids = new Set(o.edition ? data.editions.find((e) => e.id === o.edition?.id)?.entries.map((e) => e.id) : []);
    for (const c of o.candidates) expect(ids.has(c.entry.id)).toBe(true);
  } else {
    expect(o.candidates).toEqual([]);
    expect(o.checks).toEqual([]);
  }
}

/** Every Evidence object anywhere in a classification. */
function allEvidence(v: unknown, out: Evidence[] = []): Evidence[] {
  if (Array.isArray(v)) v.forEach((x) => allEvidence(x, out));
  else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.text === "string" && typeof o.start === "number" && typeof o.end === "number") out.push(o as unknown as Evidence);
    else Object.values(o).forEach((x) => allEvidence(x, out));
  }
  return out;
}

function checkEvidence(r: Classification, description: string | undefined): void {
  for (const e of allEvidence(r)) {
    if (e.start < 0) continue; // HS-code evidence has no place in the text
    expect(e.end).toBeGreaterThan(e.start);
    expect(e.text).toBe((description ?? "").slice(e.start, e.end));
  }
}

describe("classify: structure of the table's results", () => {
  it.each(cases)("%s", (_name, c) => {
    const r = run(c);
    const asOf = c.asOf ?? TODAY;
    checkOutcome(r.import, asOf, "import");
    checkOutcome(r.export, asOf, "export");
    checkEvidence(r, c.description);
    expect(r.asOf).toBe(asOf);
    expect(r.engineVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

const FRAGMENTS = [
  "SM4 cipher machine", "服务器密码机", "ＳＭ４密码卡", "HSM appliance", "Payment HSM", "100G Ethernet encryptor",
  "VPN gateway", "SSL VPN 安全网关", "NGFW with IPsec VPN", "firewall throughput 30 Gbps", "IPsec VPN throughput 6 Gbps",
  "threat protection 10 Gbps", "密钥管理系统", "key management system", "管理对象数量5000个", "可管理1万个密钥对象",
  "2 million managed objects", "QKD", "量子密钥分发", "cryptanalysis", "password recovery", "安全芯片", "TPM 2.0",
  "Secure phone", "smartphone", "Encrypted fax machine", "fax machine", "GmSSL", "开源", "密码库", "software",
  "technology transfer", "Cryptographic test equipment", "AES-128/192/256", "AES-256", "RSA 1024-4096位",
  "RSA up to 4096-bit", "ECC NIST P-256/P-384", "DES (56-bit)", "3DES168", "SHA-256", "4096-bit Diffie-Hellman",
  "SM2/SM3/SM4", "ECC memory", "ARIA, SEED", "the random seed", "SM4加解密速率5Gbps", "1.5 GB/s", "800Mbps",
  "60000次/秒", "2万次/秒", "50,000 tps", "１０Ｇｂｐｓ", "12 Gbps", "9.5 Gbps", "5G", "不支持加密", "no encryption",
  "无硬件加密功能", "without encryption", "无线路由器", "no batteries", "specially designed for", "power-grid dispatching",
  "专门用于", "电力", "金融", "金融数据密码机", "用于政务外网、电力、金融专网", "government", "Consumer", "retail",
  "encyrption card", "firewal", "\u200b", "𝐀𝐄𝐒", "ﬁrewall", "İ", "No.", "非对称",
];
const SEPARATORS = [" ", ", ", "，", "、", "; ", "。", "\n", "", "  \t", ": ", " (", ") "];

const specText = fc
  .array(fc.tuple(fc.constantFrom(...FRAGMENTS), fc.constantFrom(...SEPARATORS)), { minLength: 1, maxLength: 10 })
  .map((parts) => parts.map(([f, s]) => f + s).join(""));
const description = fc.option(
  fc.oneof({ weight: 3, arbitrary: specText }, { weight: 1, arbitrary: fc.string({ unit: "binary" }) }, { weight: 1, arbitrary: fc.string() }),
  { nil: undefined },
);
const hsCode = fc.option(
  fc.oneof(
    fc.constantFrom("8543709950", "854231", "844331", "8517.62", "85", "8517 62 29 20", "８５４３７０９９５０", "0000000000"),
    fc.stringMatching(/^\d{2,10}$/),
    fc.string(),
  ),
  { nil: undefined },
);
const DAY = 86_400_000;
const asOfDate = fc
  .integer({ min: Date.UTC(2019, 0, 1) / DAY, max: Date.UTC(2027, 11, 31) / DAY })
  .map((d) => new Date(d * DAY).toISOString().slice(0, 10));
const input = fc.record({ description, hsCode, asOf: asOfDate });

describe("classify: properties", () => {
  it("never throws, always gives one of the five verdicts, and keeps its structure", () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = classifier.classify(i);
        checkOutcome(r.import, i.asOf, "import");
        checkOutcome(r.export, i.asOf, "export");
      }),
      { numRuns: 400 },
    );
  });

  it("is deterministic: a fresh classifier and a cached one give deeply equal results", () => {
    const fresh = createClassifier({ ...data, cacheSize: 0 });
    const cached = createClassifier({ ...data, cacheSize: 50 });
    fc.assert(
      fc.property(input, (i) => {
        const a = classifier.classify(i);
        expect(fresh.classify(i)).toEqual(a);
        expect(cached.classify(i)).toEqual(a);
        expect(cached.classify(i)).toEqual(a); // from the cache
        expect(classifier.classify(i)).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it("never requires a licence on an HS code alone", () => {
    fc.assert(
      fc.property(hsCode, asOfDate, fc.constantFrom(undefined, "", "   ", "\n\t"), (code, asOf, blank) => {
        const r = classifier.classify({ description: blank, hsCode: code, asOf });
        expect(r.import.verdict).not.toBe("licence_required");
        expect(r.export.verdict).not.toBe("licence_required");
        for (const o of [r.import, r.export]) {
          for (const c of o.candidates) expect(c.matchedBy).toBe("hs_code");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("every evidence span quotes the description", () => {
    fc.assert(
      fc.property(input, (i) => checkEvidence(classifier.classify(i), i.description)),
      { numRuns: 400 },
    );
  });

  it("a description that says it has no encryption and names no crypto product is never listed", () => {
    const plain = fc.constantFrom("Gigabit switch", "千兆以太网交换机", "fax machine", "Plain paper fax machine", "USB hub", "smartphone");
    const negation = fc.constantFrom("不支持加密", "no encryption", "without encryption", "无硬件加密功能");
    fc.assert(
      fc.property(plain, negation, hsCode, (p, n, code) => {
        const r = classifier.classify({ description: `${p}, ${n}`, hsCode: code, asOf: TODAY });
        expect(r.import.verdict).toBe("not_listed");
        expect(r.export.verdict).toBe("not_listed");
      }),
      { numRuns: 100 },
    );
  });
});
