import { describe, expect, it } from "vitest";
import { Edition, type Criterion, type Entry } from "../../src/core/listSchema.ts";
import { diffEditions } from "../../src/web/listDiff.ts";
import { listData } from "../support/testApp.ts";

const real = (id: string): Edition => {
  const edition = listData().editions.find((e) => e.id === id);
  if (!edition) throw new Error(`no edition ${id}`);
  return edition;
};

const text = { textZh: "文本", textEn: "text" };
const algorithm: Criterion = { kind: "algorithm", symmetricMinBits: 64, integerFactorisationMinBits: 768, ellipticCurveMinBits: 128, ...text };
const rate = (min: number): Criterion => ({ kind: "rate", anyOf: [{ measure: "symmetric_gbps", min }], ...text });

function entry(id: string, overrides: Partial<Entry> = {}): Entry {
  return {
    id,
    nameZh: `条目${id}`,
    nameEn: `Entry ${id}`,
    textZh: `条目${id}的全文`,
    textEn: `Full text of ${id}`,
    scopeZh: "以实现密码运算为主要功能的设备",
    scopeEn: "Equipment whose main function is cryptographic computation",
    productTypes: ["cipher_machine"],
    mainFunction: true,
    criteria: [algorithm],
    hsCodes: [],
    unit: null,
    confidence: "LIKELY",
    confidenceNote: "Hand-made for a test.",
    sources: [{ url: "https://example.org/list", title: "Example" }],
    equivalents: [],
    ...overrides,
  };
}

/** Parsed through the real schema, so the test editions are ones the app could load. */
function edition(id: string, entries: Entry[]): Edition {
  return Edition.parse({
    id,
    direction: "export",
    titleZh: "测试清单",
    titleEn: "Test list",
    instrumentZh: "测试公告",
    instrumentEn: "Test announcement",
    effectiveFrom: id.endsWith("2030") ? "2030-01-01" : "2031-01-01",
    effectiveTo: null,
    licenceZh: "许可证",
    licenceEn: "Licence",
    authorityZh: "商务部",
    authorityEn: "MOFCOM",
    confidence: "LIKELY",
    sources: [{ url: "https://example.org/list", title: "Example" }],
    notes: [],
    entries,
  });
}

describe("diffEditions on hand-made editions", () => {
  const from = edition("export-2030", [
    entry("A", { criteria: [algorithm, rate(10)] }),
    entry("B"),
    entry("C", { equivalents: [{ edition: "export-2031", entry: "C2" }] }),
    entry("D"),
    entry("E", { hsCodes: [{ code: "8543709950" }, { code: "8517622920" }] }),
    entry("F", { criteria: [{ kind: "speciallyDesigned", forEntries: ["A", "C"], ...text }] }),
  ]);
  const to = edition("export-2031", [
    entry("A", { criteria: [algorithm, rate(20)] }),
    entry("C2", { nameZh: "条目C（改名）", nameEn: "Entry C", textZh: "条目C的全文", textEn: "Full text of C" }),
    entry("D", { textZh: "条目D的全文（修订）", criteria: [{ ...algorithm, textZh: "改写的指标文字" }] }),
    entry("E", { hsCodes: [{ code: "8543709950" }, { code: "8542311910", nameZh: "安全芯片" }] }),
    entry("F", { criteria: [{ kind: "speciallyDesigned", forEntries: ["C2", "A"], ...text }] }),
    entry("G"),
  ]);
  const diff = diffEditions(from, to);
  const pair = (fromId: string) => {
    const found = diff.matched.find((m) => m.from.id === fromId);
    if (!found) throw new Error(`${fromId} is not matched`);
    return found;
  };

  it("lists added and removed entries", () => {
    expect(diff.added.map((e) => e.id)).toEqual(["G"]);
    expect(diff.removed.map((e) => e.id)).toEqual(["B"]);
    expect(diff.added[0]).toEqual({ id: "G", nameZh: "条目G", nameEn: "Entry G" });
  });

  it("matches a renumbered entry through equivalents and reports its new name", () => {
    const c = pair("C");
    expect(c).toMatchObject({ to: { id: "C2" }, matchedBy: "equivalents", renumbered: true });
    expect(c.nameZh).toEqual({ from: "条目C", to: "条目C（改名）" });
    expect(c.nameEn).toBeNull();
    expect(c.textChanged).toEqual([]);
    expect(diff.renumbered.map((m) => [m.from.id, m.to.id])).toEqual([["C", "C2"]]);
    expect(diff.changed).toContain(c);
  });

  it("reports a changed threshold (rate min 10 → 20) as a criteria change", () => {
    const a = pair("A");
    expect(a).toMatchObject({ matchedBy: "id", renumbered: false, unchanged: false, textChanged: [] });
    expect(a.criteria?.from[1]).toMatchObject({ kind: "rate", anyOf: [{ min: 10 }] });
    expect(a.criteria?.to[1]).toMatchObject({ kind: "rate", anyOf: [{ min: 20 }] });
  });

  it("reports rewording separately and not as a criteria change", () => {
    const d = pair("D");
    expect(d.criteria).toBeNull();
    expect(d.textChanged).toEqual(["textZh", "criteriaZh"]);
    expect(d.unchanged).toBe(false);
  });

  it("reports HS codes added and removed", () => {
    expect(pair("E").hsCodes).toEqual({ added: [{ code: "8542311910", nameZh: "安全芯片" }], removed: [{ code: "8517622920" }] });
    expect(pair("E").criteria).toBeNull();
  });

  it("follows renumbering inside cross-references: 'specially designed for C' equals 'for C2'", () => {
    expect(pair("F")).toMatchObject({ criteria: null, unchanged: true });
    expect(diff.unchanged.map((m) => m.from.id)).toEqual(["F"]);
  });

  it("also matches equivalents declared only on the newer edition", () => {
    const a = edition("export-2030", [entry("X")]);
    const b = edition("export-2031", [entry("Y", { equivalents: [{ edition: "export-2030", entry: "X" }] })]);
    const d = diffEditions(a, b);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.renumbered.map((m) => [m.from.id, m.to.id])).toEqual([["X", "Y"]]);
    // Names are derived from the id in these fixtures, so the renumbered pair differs in name too.
    expect(d.matched[0]?.nameEn).toEqual({ from: "Entry X", to: "Entry Y" });
  });

  it("ignores the order of criteria, sectors and rate measures", () => {
    const sectors: Criterion = { kind: "sectorDedicated", sectors: ["power", "finance"], ...text };
    const measures = [
      { measure: "symmetric_gbps", min: 10 },
      { measure: "signature_tps", min: 50000 },
    ] as const;
    const rates: Criterion = { kind: "rate", anyOf: [...measures], ...text };
    const a = edition("export-2030", [entry("X", { criteria: [algorithm, sectors, rates] })]);
    const b = edition("export-2031", [
      entry("X", {
        criteria: [
          { kind: "rate", anyOf: [...measures].reverse(), ...text },
          { ...sectors, sectors: ["finance", "power"] },
          algorithm,
        ],
      }),
    ]);
    expect(diffEditions(a, b).matched[0]).toMatchObject({ criteria: null, unchanged: true, textChanged: [] });
  });

  it("sees a changed alternative inside anyOf and a changed main-function flag", () => {
    const anyOf = (min: number): Criterion => ({
      kind: "anyOf",
      of: [
        { kind: "sectorDedicated", sectors: ["power"], ...text },
        { kind: "managedObjects", min, ...text },
      ],
      ...text,
    });
    const a = edition("export-2030", [entry("X", { criteria: [anyOf(10000)] })]);
    const b = edition("export-2031", [entry("X", { criteria: [anyOf(5000)], mainFunction: false })]);
    const m = diffEditions(a, b).matched[0];
    expect(m?.criteria).not.toBeNull();
    expect(m?.mainFunction).toEqual({ from: true, to: false });
  });

  it("reports nothing when an edition is compared with itself", () => {
    const d = diffEditions(from, from);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.renumbered).toEqual([]);
    expect(d.changed).toEqual([]);
    expect(d.unchanged).toHaveLength(from.entries.length);
  });
});

describe("diffEditions on the shipped data: export-2021 → export-2024", () => {
  const diff = diffEditions(real("export-2021"), real("export-2024"));

  it("matches every entry: nothing added, nothing removed", () => {
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.matched).toHaveLength(11);
    expect(diff.matched.every((m) => m.matchedBy === "equivalents")).toBe(true);
  });

  it("lists every renumbering, including 1.2 → 5A002.b", () => {
    expect(diff.renumbered.map((m) => `${m.from.id} → ${m.to.id}`)).toEqual([
      "1.1 → 5A002.a",
      "1.2 → 5A002.b",
      "1.3 → 5A002.c",
      "1.4 → 5A002.d",
      "1.5 → 5A002.e",
      "1.6 → 5A002.f",
      "1.7 → 5A004",
      "2.1 → 5B002.a",
      "2.2 → 5B002.b",
      "3 → 5D002",
      "4 → 5E002",
    ]);
  });

  it("finds no threshold change (MOFCOM: the 2024 list did not change the scope of control)", () => {
    expect(diff.matched.filter((m) => m.criteria !== null)).toEqual([]);
    expect(diff.matched.filter((m) => m.hsCodes !== null || m.mainFunction !== null)).toEqual([]);
  });

  it("reports the renaming of 1.2 and the rewording of the cross-referencing entries", () => {
    const byFrom = new Map(diff.changed.map((m) => [m.from.id, m]));
    expect([...byFrom.keys()]).toEqual(["1.2", "2.1", "2.2", "3", "4"]);
    expect(byFrom.get("1.2")?.nameZh).toEqual({ from: "密码机（密码卡）", to: "密码机、密码卡" });
    expect(byFrom.get("1.2")?.textChanged).toEqual([]);
    expect(byFrom.get("2.1")?.textChanged).toEqual(["textZh", "textEn", "scopeZh", "scopeEn", "criteriaZh", "criteriaEn"]);
  });

  it("is the mirror image when compared the other way", () => {
    const back = diffEditions(real("export-2024"), real("export-2021"));
    expect(back.renumbered.map((m) => `${m.from.id} → ${m.to.id}`)).toContain("5A002.b → 1.2");
    expect(back.changed.map((m) => m.from.id)).toEqual(diff.changed.map((m) => m.to.id));
  });
});
