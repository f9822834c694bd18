import { describe, expect, it } from "vitest";
import { loadListData } from "../../src/data/loadListData.ts";
import { createClassifier } from "../../src/core/classify.ts";
import { Answers, QUESTION_IDS, QUESTION_KINDS } from "../../src/core/questions.ts";

const classifier = createClassifier({ ...loadListData(), cacheSize: 0 });
const classify = (description: string, answers?: Answers) => classifier.classify({ description, asOf: "2026-12-01", answers });

describe("answers to open questions", () => {
  it("every question a result asks has a known id, kind and unit, in both languages", () => {
    const texts = ["Network HSM appliance, AES-256", "Firewall with IPsec VPN, AES-256", "密钥管理系统，SM4", "电力专用加密装置", "Firmware for our HSM", "HSM"];
    for (const t of texts) {
      const r = classify(t);
      for (const d of [r.import, r.export]) {
        if (d.verdict !== "needs_info") continue;
        expect(d.questions.length, t).toBeGreaterThan(0);
        for (const q of d.questions) {
          expect(QUESTION_IDS).toContain(q.id);
          expect(q.kind).toBe(QUESTION_KINDS[q.id].kind);
          expect(q.text.en.length).toBeGreaterThan(0);
          expect(q.text.zh.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it("a yes to the main-function question settles it; a no takes the entry out", () => {
    const text = "Firewall with IPsec VPN, IPsec throughput 20 Gbps, AES-256";
    expect(classify(text).export.verdict).toBe("needs_info");
    expect(classify(text, { main_function: true }).export.verdict).toBe("licence_required");
    const no = classify(text, { main_function: false });
    expect(no.export.verdict).toBe("not_listed");
    expect(no.export.reasons.join(" ")).toContain("You answered that the product is not what the matching entries describe");
  });

  it("a figure the user states decides the rate, one that fails clears the item", () => {
    expect(classify("Network HSM appliance, AES-256, RSA-4096", { symmetric_gbps: 4, signature_tps: 8000 }).export.verdict).toBe("below_threshold");
    expect(classify("密钥管理系统，SM4", { managed_objects: 20_000 }).export.verdict).toBe("licence_required");
  });

  it("saying the software is published excludes it; saying it is not settles that check", () => {
    const text = "Firmware upgrade package for our 40 Gbps IPsec VPN gateway, AES-256";
    const published = classify(text, { public_domain: true });
    expect(published.export.verdict).toBe("not_listed");
    expect(published.export.reasons.join(" ")).toMatch(/public-domain or open-source software \(reading rule 17\): 5D002.*yes \(stated by the user\) — excluded from the entry/);
  });

  it("answers are part of the input, so a cached result never answers for another", () => {
    const cached = createClassifier(loadListData());
    const text = "Network HSM appliance, AES-256, RSA-4096";
    expect(cached.classify({ description: text, asOf: "2026-12-01" }).export.verdict).toBe("needs_info");
    expect(cached.classify({ description: text, asOf: "2026-12-01", answers: { symmetric_gbps: 20 } }).export.verdict).toBe("licence_required");
    expect(cached.classify({ description: text, asOf: "2026-12-01" }).export.verdict).toBe("needs_info");
  });

  it("refuses answers of the wrong kind or to no known question", () => {
    expect(Answers.safeParse({ symmetric_gbps: "fast" }).success).toBe(false);
    expect(Answers.safeParse({ main_function: 1 }).success).toBe(false);
    expect(Answers.safeParse({ speed: 3 }).success).toBe(false);
    expect(Answers.safeParse({ symmetric_gbps: -1 }).success).toBe(false);
    expect(Answers.safeParse({ symmetric_gbps: 12.5, main_function: true }).success).toBe(true);
  });

  it("asks whether a consumer product outweighed by enterprise words is sold at retail, and takes the answer (rule 16)", () => {
    const text = "Rugged tablet with hardware encryption chip for government field teams, AES-256";
    const open = classify(text);
    expect(open.export.verdict).toBe("needs_info");
    expect(open.export.questions.map((q) => q.id)).toContain("mass_market");
    expect(open.export.missing.join(" ")).toContain("“tablet” names a consumer product, “government” a business or sector buyer");
    const retail = classify(text, { mass_market: true });
    expect(retail.export.verdict).toBe("exempt");
    expect(retail.export.reasons.join(" ")).toContain("stated by the user");
    const notRetail = classify(text, { mass_market: false });
    expect(notRetail.export.verdict).toBe("needs_info");
    expect(notRetail.export.questions.map((q) => q.id)).not.toContain("mass_market");
  });
});
