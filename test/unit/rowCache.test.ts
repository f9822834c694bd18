import { describe, expect, it } from "vitest";
import { createClassifier, type Classifier } from "../../src/core/classify.ts";
import { loadListData } from "../../src/data/loadListData.ts";
import { OFF_WINDOWS, WINDOW, createRowClassifier, toRowVerdict } from "../../src/bulk/rowVerdict.ts";

const real = createClassifier({ ...loadListData(), cacheSize: 0 });
/** The engine, counting how often it is asked. */
function counting(): { classifier: Classifier; calls: () => number } {
  let calls = 0;
  return { classifier: { ...real, classify: (input) => (calls++, real.classify(input)) }, calls: () => calls };
}
const row = (description: string) => ({ description, asOf: "2026-12-01" });

describe("the bulk row cache", () => {
  it("answers repeated rows from the cache, with the engine's own verdicts", () => {
    const { classifier, calls } = counting();
    const classify = createRowClassifier(classifier);
    const names = ["HSM appliance", "服务器密码机，SM4", "USB cable", "IPsec VPN gateway 20 Gbps AES-256"];
    for (let i = 0; i < 3 * WINDOW; i++) {
      const name = names[i % names.length] as string;
      expect(classify(row(name), "en")).toEqual(toRowVerdict(real.classify(row(name)), "en"));
    }
    expect(calls()).toBe(names.length);
  });

  it("turns itself off on a catalogue of unique rows, and tries again later", () => {
    const { classifier, calls } = counting();
    const classify = createRowClassifier(classifier);
    for (let i = 0; i < WINDOW; i++) classify(row(`USB cable model QX-${i}`), "en");
    // Off now: even a repeated row goes to the engine, nothing is kept.
    const before = calls();
    for (let i = 0; i < 100; i++) classify(row("HSM appliance"), "en");
    expect(calls() - before).toBe(100);
    // After its rest it is back, and a file that now repeats is served from it again.
    for (let i = 0; i < OFF_WINDOWS * WINDOW; i++) classify(row("HSM appliance"), "en");
    const later = calls();
    for (let i = 0; i < 1000; i++) classify(row("HSM appliance"), "en");
    expect(calls() - later).toBeLessThanOrEqual(1);
  });
});
