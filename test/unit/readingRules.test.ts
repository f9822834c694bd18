import { describe, expect, it } from "vitest";
import { loadListData } from "../../src/data/loadListData.ts";
import { createClassifier } from "../../src/core/classify.ts";
import { CASES } from "./readingRuleCases.ts";

const classifier = createClassifier({ ...loadListData(), cacheSize: 0 });
const classify = (description: string) => classifier.classify({ description, asOf: "2026-12-01" });


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

  it("names rule 10 where a listed item is named outside the product's name, as what it works with", () => {
    const r = classify("密钥管理系统：支持对接第三方服务器密码机，管理对象数不少于1万个，SM4/SM2");
    expect(r.import.reasons.join(" ")).toMatch(/names what the product works with or is for, not what it is.*\(reading rule 10\)/);
    expect(r.export.reasons.join(" ")).toContain("reading rule 10");
  });
  it("names rules 11 and 18 for a general-purpose product", () => {
    expect(classify("品名:微控制器(MCU)|用途:工业控制|是否有加密功能:有(AES硬件加速)|数量:1000").export.reasons.join(" ")).toMatch(/general-purpose product .*reading rule 11.*rule 18/);
  });
  it("gives open-source software the public-domain reason, not the mass-market one, where both could apply (rule 17)", () => {
    const r = classify("开源 IPsec VPN 软件（GitHub 公开源码，Apache-2.0），家庭用户也能自行安装，用于网关设备");
    expect(r.export.reasons.join(" ")).toMatch(/public-domain or open-source software \(reading rule 17\)/);
    expect(r.export.reasons.join(" ")).not.toMatch(/mass-market/i);
  });
  it("names rule 11 for a connectivity chip, in both languages", () => {
    const r = classify("Bluetooth LE 芯片，AES-128 硬件加密，安全启动");
    expect(r.export.reasons.join(" ")).toMatch(/wireless standard \(“Bluetooth”\): it is a connectivity chip.*reading rule 11/);
    expect(r.export.zh.reasons.join(" ")).toMatch(/无线通信标准.*阅读规则11/);
    expect((classifier.classify({ description: "Bluetooth LE 芯片，AES-128 硬件加密", asOf: "2026-12-01" }, { trace: true }).trace ?? []).map((t) => t.step)).toContain("connectivity chip");
  });
  it("names rule 12 where a sector's own equipment heads the name, in both languages", () => {
    const r = classify("智能电表，AES-128加密，与主站HSM进行密钥协商");
    expect(r.export.reasons.join(" ")).toMatch(/“智能电表” names a sector's own equipment.*\(reading rule 12\)/);
    expect(r.export.zh.reasons.join(" ")).toContain("阅读规则12");
    expect(classify("密码机，SM4，电力行业").export.reasons.join(" ")).not.toContain("reading rule 12");
  });
  it("names rule 15 where a phone or radio is read as encrypting what it transmits", () => {
    const r = classify("Portable radio, secure communication: radios support AES-256 encryption of voice and data");
    expect(r.import.reasons.join(" ")).toMatch(/“Portable radio” is read as an encrypting phone or fax.*reading rule 15/);
    expect(r.import.zh.reasons.join(" ")).toContain("阅读规则15");
    // A transmission cue is read however it is spelt, as a term is ("end-to-end", "end to end").
    for (const spelling of ["end-to-end", "end to end"]) expect(classify(`P25 portable radio, AES-256 ${spelling} encryption`).import.verdict).toBe("licence_required");
  });
  it("names rule 15 where a phone or fax is left plain because its encryption protects what it stores", () => {
    const r = classify("Office fax machine: hard disk encryption of received documents with AES-256");
    expect(r.import.reasons.join(" ")).toMatch(/“fax machine” is not read as an encrypted phone or fax.*reading rule 15/);
    expect(r.import.zh.reasons.join(" ")).toContain("阅读规则15");
    expect(r.export.reasons.join(" ")).not.toContain("reading rule 15");
  });
  it("names rule 16 where the mass-market exemption decided, and which words decided it", () => {
    const r = classify("5G手机 八核处理器 安全芯片 指纹解锁 256GB 全新国行");
    expect(r.export.reasons.join(" ")).toMatch(/Mass-market consumer product \(“手机”\).*reading rule 16/);
    expect(r.export.zh.reasons.join(" ")).toContain("阅读规则16");
  });
  it("names rules 10 and 13 where attacks stand beside a general-purpose product's name", () => {
    const r = classify("32-bit MCU with AES engine; DPA countermeasures: differential power analysis is a side-channel attack technique");
    expect(r.export.verdict).toBe("not_listed");
    expect(r.export.reasons.join(" ")).toMatch(/names attacks that the general-purpose product resists or that the text discusses.*reading rules 10 and 13/);
    expect(r.export.zh.reasons.join(" ")).toContain("阅读规则10、13");
    expect(r.import.reasons.join(" ")).not.toContain("reading rules 10 and 13");
  });
  it("names rule 14 where software names no listed item it is for", () => {
    const r = classify("Embedded cryptographic library for IoT devices: AES-256, ECDSA P-256, SHA-256");
    expect(r.export.reasons.join(" ")).toMatch(/names no listed item it is specially designed for.*reading rule 14/);
    expect(r.export.zh.reasons.join(" ")).toContain("阅读规则14");
  });
  it("names rule 14 where an IP core is read as the design of a security chip", () => {
    const r = classify("AES-GCM encrypt/decrypt core, 256 bits/cycle, 128/256-bit keys, for ASIC or FPGA");
    expect(r.export.entry?.id).toBe("5E002");
    expect(r.export.reasons.join(" ")).toMatch(/“core” names the design of a chip.*reading rule 14/);
    expect(r.export.zh.reasons.join(" ")).toContain("阅读规则14");
    expect(r.import.reasons.join(" ")).not.toContain("names the design of a chip");
  });
  it("names rule 10 where a quoted list name in a question was set aside", () => {
    const r = classify("他担心这算“加密电话机”，进口要办许可证吗？消息用 RSA 1280 位密钥加密。");
    expect(r.import.reasons.join(" ")).toMatch(/“加密电话机”, named in a question whether the product is one, cites the list's entry.*reading rule 10/);
    expect(r.import.zh.reasons.join(" ")).toContain("阅读规则10");
  });
  it("names rule 14 where software is for a product the list does not cover", () => {
    expect(classify("Radio firmware upgrade licence enabling AES-256 on portable radios").export.reasons.join(" ")).toMatch(/a product no entry of export-2024 covers.*reading rule 14/);
  });
  it("names rule 11 where a feature of other equipment matched", () => {
    expect(classify("全闪存存储阵列，双控，支持AES-256数据加密").export.reasons.join(" ")).toContain("reading rule 11");
  });
  it("names rules 14 and 17 for a publication", () => {
    expect(classify("论文《一种侧信道攻击方法》的公开全文").export.reasons.join(" ")).toContain("reading rules 14 and 17");
  });
  it("asks which model where a family spans the threshold (rule 5)", () => {
    const r = classify("IPsec VPN gateway family, 2–20 Gbps IPsec throughput depending on model, AES-256");
    expect(r.export.missing.join(" ")).toContain("Which model is it?");
    expect(r.export.checks.map((c) => c.value?.en ?? "").join(" ")).toContain("2–20 Gbps by model");
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
