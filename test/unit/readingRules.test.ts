import { describe, expect, it } from "vitest";
import { loadListData } from "../../src/data/loadListData.ts";
import { createClassifier } from "../../src/core/classify.ts";
import type { Verdict } from "../../src/core/result.ts";

const classifier = createClassifier({ ...loadListData(), cacheSize: 0 });
const classify = (description: string) => classifier.classify({ description, asOf: "2026-12-01" });

type Expect = [Verdict, string | null];

/**
 * The reading rules of the lists, each as specs written from the rule's own words (not from any
 * labelled case): [rule, text, import, export]. A rule the verdict depends on is named in its reasons.
 */
const CASES: [string, string, Expect, Expect][] = [
  ["6: a tender minimum below the threshold is unknown, not below", "IPsec VPN网关采购：IPsec VPN吞吐量不低于3Gbps，支持SM2/SM4", ["needs_info", "I-4"], ["needs_info", "5A002.c"]],
  ["6: a tender minimum that meets the threshold passes", "IPsec VPN gateway, IPsec VPN throughput at least 20 Gbps, AES-256", ["licence_required", "I-4"], ["licence_required", "5A002.c"]],
  ["6: a stated figure below the threshold still clears", "IPsec VPN gateway, IPsec VPN throughput 3 Gbps, AES-256", ["below_threshold", "I-4"], ["below_threshold", "5A002.c"]],
  ["8: 10^5 is 100,000", "密码卡，SM2签名速率 10^5次/秒，SM4", ["needs_info", "I-3"], ["licence_required", "5A002.b"]],
  ["8: W is 万", "服务器密码机，SM2签名速率 6W次/秒，SM4", ["needs_info", "I-3"], ["licence_required", "5A002.b"]],
  ["10/11: a general microcontroller with an AES block is not a security chip", "32-bit Cortex-M4 MCU with hardware AES-128 accelerator and TRNG, 512 KB flash, for industrial control", ["not_listed", null], ["not_listed", null]],
  ["10/14: firmware for a listed item is software", "Firmware upgrade package for our 40 Gbps IPsec VPN gateway, AES-256", ["not_listed", null], ["licence_required", "5D002"]],
  ["13: protective words are not cryptanalysis", "硬件加密U盘，AES-256，防暴力破解，连续输错10次自动销毁数据", ["not_listed", null], ["not_listed", null]],
  ["13: a side-channel analysis platform is cryptanalysis", "Side-channel analysis platform for smart cards: power analysis and fault injection to recover AES keys", ["not_listed", null], ["licence_required", "5A004"]],
  ["sector as the field names it: a smart-meter ESAM", "智能电能表用ESAM安全芯片，SM1/SM4算法", ["not_listed", null], ["licence_required", "5A002.a"]],
  ["21: a cloud service is not goods", "阿里云 云服务器密码机服务，SM4加解密，按年订阅", ["not_listed", null], ["not_listed", null]],
];

describe("reading rules", () => {
  it.each(CASES)("rule %s", (_rule, text, [imp, impEntry], [exp, expEntry]) => {
    const r = classify(text);
    expect([r.import.verdict, r.import.entry?.id ?? null]).toEqual([imp, impEntry]);
    expect([r.export.verdict, r.export.entry?.id ?? null]).toEqual([exp, expEntry]);
  });

  it("names rule 6 where a minimum decided", () => {
    const r = classify("IPsec VPN网关采购：IPsec VPN吞吐量不低于3Gbps，支持SM2/SM4");
    const rate = r.export.checks.find((c) => c.criterion === "rate");
    expect(rate?.value?.en).toMatch(/at least 3 Gbps .*reading rule 6/);
    expect(rate?.status).toBe("unknown");
  });

  it("names rule 13 where protective words decided, and keeps a 防 that is not one (防火墙)", () => {
    expect(classify("硬件加密U盘，AES-256，防暴力破解").export.reasons.join(" ")).toMatch(/reading rule 13/);
    expect(classify("Secure element, AES-128, side-channel attack protection, for IoT").export.reasons.join(" ")).toMatch(/not as cryptanalysis \(reading rule 13\)/);
    const tool = classify("防火墙之外另购：口令破解工具，GPU 加速恢复 Office/ZIP 密码");
    expect(tool.export.entry?.id).toBe("5A004");
  });

  it("names rule 21 for a service", () => {
    expect(classify("AWS CloudHSM cluster, FIPS 140-3 Level 3").export.reasons.join(" ")).toMatch(/reading rule 21/);
  });

  it("tells the public-domain exclusion from the mass-market one (rule 17)", () => {
    const lib = classify("OpenSSL 3.x open-source cryptographic library (Apache-2.0), AES, RSA, ECDSA");
    const phone = classify("5G smartphone with file encryption, consumer retail");
    const libReasons = lib.export.reasons.join(" ");
    if (lib.export.verdict === "exempt") expect(libReasons).toMatch(/public-domain or open-source software/);
    expect(libReasons).not.toMatch(/mass-market/i);
    if (phone.import.verdict === "exempt") expect(phone.import.reasons.join(" ")).toMatch(/Mass-market/);
  });
});
