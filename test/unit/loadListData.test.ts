import { describe, it, expect, afterEach } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_DATA_DIR, ListDataError, loadListData } from "../../src/data/loadListData.ts";

describe("the shipped data", () => {
  const data = loadListData();
  const edition = (id: string) => data.editions.find((e) => e.id === id);

  it("has the three editions of DESIGN.md, with their dates and directions", () => {
    expect(data.editions.map((e) => [e.id, e.direction, e.effectiveFrom, e.effectiveTo])).toEqual([
      ["export-2021", "export", "2021-01-01", "2024-11-30"],
      ["export-2024", "export", "2024-12-01", null],
      ["import-2021", "import", "2021-01-01", null],
    ]);
  });

  it.each([
    ["import-2021", ["I-1", "I-2", "I-3", "I-4"]],
    ["export-2021", ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1", "2.2", "3", "4"]],
    [
      "export-2024",
      ["5A002.a", "5A002.b", "5A002.c", "5A002.d", "5A002.e", "5A002.f", "5A004", "5B002.a", "5B002.b", "5D002", "5E002"],
    ],
  ])("%s has the entries of DESIGN.md", (id, entries) => {
    expect(edition(id)?.entries.map((e) => e.id)).toEqual(entries);
  });

  it("uses the ALG key-length triple 64/768/128 in every algorithm criterion", () => {
    const algorithmCriteria = data.editions.flatMap((e) =>
      e.entries.flatMap((entry) => entry.criteria.flatMap((c) => (c.kind === "anyOf" ? c.of : [c]))),
    ).filter((c) => c.kind === "algorithm");
    expect(algorithmCriteria.length).toBeGreaterThan(10);
    for (const c of algorithmCriteria) {
      expect([c.symmetricMinBits, c.integerFactorisationMinBits, c.ellipticCurveMinBits]).toEqual([64, 768, 128]);
    }
  });

  it("has the thresholds of the lists: I-3 10 Gbps only, 5A002.b 10 Gbps or 50,000 tps, 5A002.d 10,000 objects", () => {
    const criteria = (ed: string, id: string) => edition(ed)?.entries.find((e) => e.id === id)?.criteria ?? [];
    const rateOf = (ed: string, id: string) => {
      const r = criteria(ed, id).find((c) => c.kind === "rate");
      return r?.kind === "rate" ? r.anyOf : null;
    };
    expect(rateOf("import-2021", "I-3")).toEqual([{ measure: "symmetric_gbps", min: 10 }]);
    expect(rateOf("import-2021", "I-4")).toEqual([{ measure: "encrypted_communication_gbps", min: 10 }]);
    expect(rateOf("export-2024", "5A002.b")).toEqual([
      { measure: "symmetric_gbps", min: 10 },
      { measure: "signature_tps", min: 50000 },
    ]);
    const managed = criteria("export-2024", "5A002.d").find((c) => c.kind === "managedObjects");
    expect(managed?.kind === "managedObjects" ? managed.min : null).toBe(10000);
  });

  it("links each export-2021 entry to an export-2024 entry that exists", () => {
    const ids2024 = new Set(edition("export-2024")?.entries.map((e) => e.id));
    const links = edition("export-2021")?.entries.flatMap((e) => e.equivalents.filter((q) => q.edition === "export-2024")) ?? [];
    expect(links.length).toBeGreaterThan(0);
    for (const q of links) expect(ids2024.has(q.entry)).toBe(true);
  });

  it("loads the vocabulary", () => {
    expect(data.vocabulary.productTypes.map((p) => p.type)).toContain("cipher_machine");
    expect(data.vocabulary.algorithms.find((a) => a.name === "SM4")?.keyBits).toBe(128);
  });
});

// ---- corrupted copies ----

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of the shipped data in a temporary folder. */
function copyData(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "list-data-"));
  temps.push(dir);
  fs.cpSync(DEFAULT_DATA_DIR, dir, { recursive: true });
  return dir;
}

type Json = Record<string, unknown> & { entries: Record<string, unknown>[] };
const editionFile = (dir: string, id: string) => path.join(dir, "lists", `${id}.json`);
const readEdition = (dir: string, id: string): Json => JSON.parse(fs.readFileSync(editionFile(dir, id), "utf8")) as Json;
const writeEdition = (dir: string, id: string, json: unknown) => fs.writeFileSync(editionFile(dir, id), JSON.stringify(json, null, 2));
const editEdition = (dir: string, id: string, edit: (json: Json) => void) => {
  const json = readEdition(dir, id);
  edit(json);
  writeEdition(dir, id, json);
};

/** The problems loadListData reports for a folder; fails the test if it does not throw ListDataError. */
function problemsOf(dir: string): string[] {
  try {
    loadListData(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ListDataError);
    const e = err as ListDataError;
    expect(e.name).toBe("ListDataError");
    expect(e.message).toContain(`${e.problems.length} problem`);
    for (const p of e.problems) expect(e.message).toContain(p);
    return e.problems;
  }
  throw new Error("loadListData did not throw");
}

describe("loadListData on corrupted data", () => {
  it("loads an untouched copy", () => {
    const data = loadListData(copyData());
    expect(data.editions).toHaveLength(3);
  });

  it("reports invalid JSON with the file name", () => {
    const dir = copyData();
    fs.writeFileSync(editionFile(dir, "import-2021"), '{ "id": "import-2021", ');
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^lists\/import-2021\.json: not valid JSON/);
  });

  it("reports a missing required field with the file and the path", () => {
    const dir = copyData();
    editEdition(dir, "export-2024", (json) => {
      delete json.entries[3]?.nameZh;
    });
    const problems = problemsOf(dir);
    expect(problems.some((p) => p.startsWith("lists/export-2024.json: entries.3.nameZh: "))).toBe(true);
  });

  it("reports a wrong type deep inside a criterion", () => {
    const dir = copyData();
    editEdition(dir, "import-2021", (json) => {
      const criteria = json.entries[2]?.criteria as Record<string, unknown>[];
      (criteria[0] as Record<string, unknown>).symmetricMinBits = "64";
    });
    // Criteria are a zod union, so the problem names the criterion rather than the field inside it.
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^lists\/import-2021\.json: entries\.2\.criteria\.0(\.symmetricMinBits)?: /);
  });

  it("reports an HS code that is not ten digits", () => {
    const dir = copyData();
    editEdition(dir, "import-2021", (json) => {
      json.entries[0]!.hsCodes = [{ code: "8517.11" }];
    });
    expect(problemsOf(dir).some((p) => p.startsWith("lists/import-2021.json: entries.0.hsCodes.0.code: "))).toBe(true);
  });

  it("reports a duplicate entry id", () => {
    const dir = copyData();
    editEdition(dir, "import-2021", (json) => {
      json.entries[2]!.id = "I-1";
    });
    expect(problemsOf(dir)).toContain('lists/import-2021.json: entries.2.id: duplicate entry id "I-1"');
  });

  it("reports an unknown speciallyDesigned target", () => {
    const dir = copyData();
    const json = readEdition(dir, "export-2024");
    const i = json.entries.findIndex((e) => e.id === "5B002.a");
    const criterion = (json.entries[i]?.criteria as { forEntries: string[] }[])[0] as { forEntries: string[] };
    criterion.forEntries.push("5A999");
    writeEdition(dir, "export-2024", json);
    expect(problemsOf(dir)).toEqual([`lists/export-2024.json: entries.${i}.criteria.0.forEntries: unknown entry "5A999"`]);
  });

  it("reports an equivalent that points nowhere", () => {
    const dir = copyData();
    editEdition(dir, "export-2021", (json) => {
      json.entries[0]!.equivalents = [{ edition: "export-2024", entry: "5X999" }];
    });
    expect(problemsOf(dir)).toEqual(["lists/export-2021.json: entries.0.equivalents.0: unknown entry export-2024 5X999"]);
  });

  it("reports an empty lists folder", () => {
    const dir = copyData();
    for (const f of fs.readdirSync(path.join(dir, "lists"))) fs.rmSync(path.join(dir, "lists", f));
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(path.join(dir, "lists"));
    expect(problems[0]).toContain("no list editions");
  });

  it("reports a missing lists folder", () => {
    const dir = copyData();
    fs.rmSync(path.join(dir, "lists"), { recursive: true });
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("cannot read the folder (ENOENT)");
  });

  it("reports overlapping editions of one list", () => {
    const dir = copyData();
    editEdition(dir, "export-2021", (json) => {
      json.effectiveTo = "2024-12-01"; // one day into export-2024
    });
    expect(problemsOf(dir)).toEqual(["lists/export-2021.json and lists/export-2024.json: both in force on the same dates"]);
  });

  it("reports an open-ended edition that overlaps a later one", () => {
    const dir = copyData();
    editEdition(dir, "export-2021", (json) => {
      json.effectiveTo = null;
    });
    expect(problemsOf(dir)).toEqual(["lists/export-2021.json and lists/export-2024.json: both in force on the same dates"]);
  });

  it("does not count an import and an export edition in force together as an overlap", () => {
    // The shipped data already has import-2021 and export-2024 both open-ended.
    expect(() => loadListData(copyData())).not.toThrow();
  });

  it("reports an edition that ends before it starts", () => {
    const dir = copyData();
    editEdition(dir, "export-2021", (json) => {
      json.effectiveTo = "2020-12-31";
    });
    expect(problemsOf(dir)).toContain("lists/export-2021.json: effectiveTo is before effectiveFrom");
  });

  it("reports an id that does not match the file name", () => {
    const dir = copyData();
    fs.renameSync(editionFile(dir, "import-2021"), editionFile(dir, "import-2020"));
    expect(problemsOf(dir)).toContain('lists/import-2020.json: id "import-2021" does not match the file name');
  });

  it("reports an invalid vocabulary with its file name", () => {
    const dir = copyData();
    const vocab = JSON.parse(fs.readFileSync(path.join(dir, "vocabulary.json"), "utf8")) as Record<string, unknown>;
    vocab.negationCues = ["no", "*"]; // a term that is empty once its stem mark is removed
    fs.writeFileSync(path.join(dir, "vocabulary.json"), JSON.stringify(vocab));
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/vocabulary\.json: negationCues\.1: empty term$/);
  });

  it("lists every problem of every file, not just the first", () => {
    const dir = copyData();
    fs.writeFileSync(editionFile(dir, "import-2021"), "not json");
    editEdition(dir, "export-2024", (json) => {
      json.entries[1]!.id = "5A002.a";
      json.entries[4]!.confidence = "MAYBE";
    });
    fs.writeFileSync(path.join(dir, "vocabulary.json"), "[]");
    const problems = problemsOf(dir);
    expect(problems.some((p) => p.startsWith("lists/import-2021.json: not valid JSON"))).toBe(true);
    expect(problems.some((p) => p.startsWith("lists/export-2024.json: entries.4.confidence: "))).toBe(true);
    expect(problems.some((p) => p.includes("vocabulary.json: (root): "))).toBe(true);
  });

  it("ignores files that are not JSON", () => {
    const dir = copyData();
    fs.writeFileSync(path.join(dir, "lists", "README.md"), "# notes");
    expect(loadListData(dir).editions).toHaveLength(3);
  });
});
