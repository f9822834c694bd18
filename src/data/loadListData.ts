import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { Edition } from "../core/listSchema.ts";
import { Vocabulary } from "../core/vocabularySchema.ts";
import { ModelNumberRules } from "../core/modelNumber.ts";

/** The bundled data folder (data/ at the repository root). */
export const DEFAULT_DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../data");

export interface ListData {
  readonly editions: Edition[];
  readonly vocabulary: Vocabulary;
}

/** Every problem found in the data, each naming its file and the path inside it. */
export class ListDataError extends Error {
  constructor(readonly problems: string[]) {
    super(`List data is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n- ${problems.join("\n- ")}`);
    this.name = "ListDataError";
  }
}

/**
 * Reads and validates data/lists/*.json and data/vocabulary.json. Nothing is returned unless
 * everything is valid: a half-loaded list would silently classify against missing entries.
 */
export function loadListData(dataDir: string = DEFAULT_DATA_DIR): ListData {
  const problems: string[] = [];
  const listsDir = path.join(dataDir, "lists");
  const editions: Edition[] = [];

  let files: string[] = [];
  try {
    files = fs.readdirSync(listsDir).filter((f) => f.endsWith(".json")).sort();
  } catch (err) {
    problems.push(`${listsDir}: cannot read the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (files.length === 0 && problems.length === 0) problems.push(`${listsDir}: no list editions (*.json) found`);

  const unreadable = new Set<string>();
  for (const file of files) {
    const edition = parseFile(path.join(listsDir, file), Edition, problems);
    if (!edition) {
      unreadable.add(file.replace(/\.json$/, ""));
      continue;
    }
    const where = `lists/${file}`;
    if (`${edition.id}.json` !== file) problems.push(`${where}: id "${edition.id}" does not match the file name`);
    checkEdition(edition, where, problems);
    editions.push(edition);
  }
  checkAcrossEditions(editions, unreadable, problems);

  const vocabulary = parseFile(path.join(dataDir, "vocabulary.json"), Vocabulary, problems);
  if (problems.length > 0 || !vocabulary) throw new ListDataError(problems);
  return { editions, vocabulary };
}

function parseFile<T>(file: string, schema: z.ZodType<T>, problems: string[]): T | null {
  const name = path.relative(path.dirname(path.dirname(file)), file).replace(/^\.\.\//, "");
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    problems.push(`${name}: ${err instanceof SyntaxError ? `not valid JSON (${err.message})` : `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`}`);
    return null;
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${name}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    return null;
  }
  return result.data;
}

function checkEdition(edition: Edition, where: string, problems: string[]): void {
  const ids = new Set<string>();
  edition.entries.forEach((entry, i) => {
    if (ids.has(entry.id)) problems.push(`${where}: entries.${i}.id: duplicate entry id "${entry.id}"`);
    ids.add(entry.id);
  });
  edition.entries.forEach((entry, i) => {
    entry.criteria.forEach((c, j) => {
      const leaves = c.kind === "anyOf" ? c.of : [c];
      for (const leaf of leaves) {
        if (leaf.kind !== "speciallyDesigned") continue;
        for (const target of leaf.forEntries) {
          if (!ids.has(target)) problems.push(`${where}: entries.${i}.criteria.${j}.forEntries: unknown entry "${target}"`);
        }
      }
    });
  });
  if (edition.effectiveTo !== null && edition.effectiveTo < edition.effectiveFrom) {
    problems.push(`${where}: effectiveTo is before effectiveFrom`);
  }
}

function checkAcrossEditions(editions: Edition[], unreadable: Set<string>, problems: string[]): void {
  const byId = new Map(editions.map((e) => [e.id, e]));
  for (const edition of editions) {
    edition.entries.forEach((entry, i) => {
      entry.equivalents.forEach((eq, j) => {
        // A link into a file that is already reported as broken would only repeat that problem.
        if (unreadable.has(eq.edition)) return;
        const target = byId.get(eq.edition);
        if (!target || !target.entries.some((e) => e.id === eq.entry)) {
          problems.push(`lists/${edition.id}.json: entries.${i}.equivalents.${j}: unknown entry ${eq.edition} ${eq.entry}`);
        }
      });
    });
  }
  // Two editions of one list in force on the same day would make the verdict depend on file order.
  for (const a of editions) {
    for (const b of editions) {
      if (a.id >= b.id || a.direction !== b.direction) continue;
      const overlap = a.effectiveFrom <= (b.effectiveTo ?? "9999-12-31") && b.effectiveFrom <= (a.effectiveTo ?? "9999-12-31");
      if (overlap) problems.push(`lists/${a.id}.json and lists/${b.id}.json: both in force on the same dates`);
    }
  }
}

/** Reads and validates data/model-numbers.json: how texts name a model or part number (precedents). */
export function loadModelNumberRules(dataDir: string = DEFAULT_DATA_DIR): ModelNumberRules {
  const problems: string[] = [];
  const rules = parseFile(path.join(dataDir, "model-numbers.json"), ModelNumberRules, problems);
  if (problems.length > 0 || !rules) throw new ListDataError(problems);
  return rules;
}
