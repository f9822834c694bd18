import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createModelReader, modelKey } from "../../src/core/modelNumber.ts";
import { loadModelNumberRules } from "../../src/data/loadListData.ts";

const read = createModelReader(loadModelNumberRules());

/** Texts as they are pasted (申报要素, spec tables, ERP and distributor lines), and the model each names. */
const CASES: [string, string | null, "label" | "part number" | null][] = [
  ["品名:服务器密码机|型号:SJJ1012-A|用途:数据加密|品牌:三未信安", "SJJ1012-A", "label"],
  ["规格型号：ＳＪＪ１０１２－Ａ 服务器密码机", "ＳＪＪ１０１２－Ａ", "label"],
  ["Model: SRX4600 | IPsec VPN throughput 20 Gbps | AES-256", "SRX4600", "label"],
  ["Hardware security module, Model No. nShield 5c, FIPS 140-2 Level 3", "nShield 5c", "label"],
  ["P/N: ASA5516-FPWR-K9 Cisco ASA 5516-X with FirePOWER services", "ASA5516-FPWR-K9", "label"],
  ["MPN 7SK-HSM-200; RSA 4096; 20,000 signatures/s", "7SK-HSM-200", "label"],
  ["FG-100F FortiGate 100F next-generation firewall, IPsec VPN 11.5 Gbps", "FG-100F", "part number"],
  ["PA-3220 Palo Alto Networks firewall, IPsec VPN throughput 4.3 Gbps", "PA-3220", "part number"],
  ["SSX1019 国密SM2/SM3/SM4 安全芯片, 32位 CPU", "SSX1019", "part number"],
  ["Model: FortiGate 100F, IPsec VPN 11.5 Gbps", "FortiGate 100F", "label"],
  ["型号：密码卡, 速率 10Gbps", null, null],
  ["IPsec VPN gateway, AES-256, SHA-256, 10 Gbps, 1U", null, null],
  ["SM4 cipher card, PCIe 3.0 x8, RSA-2048, FIPS 140-2", null, null],
  ["USB 3.0 cable 2 m, RJ45, DDR4, QSFP28", null, null],
  ["国密 SM2 签名速率 3万次/秒，GB/T 37092 二级", null, null],
];

describe("reading a model or part number", () => {
  it.each(CASES)("%s → %s", (text, model, how) => {
    const found = read(text);
    expect(found?.text ?? null).toBe(model);
    expect(found?.how ?? null).toBe(how);
  });

  it("gives one key for the spellings of one model: case, spaces, hyphens, full-width", () => {
    expect(modelKey("ＳＪＪ１０１２－Ａ")).toBe("SJJ1012A");
    expect(modelKey("sjj 1012-a")).toBe("SJJ1012A");
    expect(modelKey("SJJ1012_A")).toBe("SJJ1012A");
    expect(read("型号: sjj1012-a")?.key).toBe(read("规格型号：ＳＪＪ１０１２－Ａ")?.key);
  });

  it("finds the same model whatever the text around it (property)", () => {
    const noise = fc.constantFrom("服务器密码机", "Hardware security module", "RSA 4096", "品牌:三未信安", "IPsec VPN 10 Gbps", "");
    fc.assert(
      fc.property(noise, noise, fc.constantFrom("型号:", "Model:", "P/N:", "SKU "), (before, after, label) => {
        expect(read(`${before} ${label} SJJ1012-A ${after}`)?.key).toBe("SJJ1012A");
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});
