import { z } from "zod";
import type { Bilingual } from "./result.ts";

/**
 * The open questions of a `needs_info` result as data: each has a stable id, a kind and a unit, so a
 * form, the API and a spreadsheet column can ask it and send the answer back. The wording comes
 * from the check that asks (it names the sector, the algorithm, the entry).
 */
export const QUESTION_IDS = [
  "symmetric_gbps",
  "vpn_gbps",
  "signature_tps",
  "managed_objects",
  "algorithm",
  "main_function",
  "product_type",
  "sector_dedicated",
  "quantum",
  "cryptanalysis",
  "specially_designed_for",
  "public_domain",
  "mass_market",
] as const;
export type QuestionId = (typeof QUESTION_IDS)[number];

export type QuestionKind = "number" | "boolean";

export const QUESTION_KINDS: Record<QuestionId, { readonly kind: QuestionKind; readonly unit: string | null }> = {
  symmetric_gbps: { kind: "number", unit: "Gbps" },
  vpn_gbps: { kind: "number", unit: "Gbps" },
  signature_tps: { kind: "number", unit: "tps" },
  managed_objects: { kind: "number", unit: null },
  algorithm: { kind: "boolean", unit: null },
  main_function: { kind: "boolean", unit: null },
  product_type: { kind: "boolean", unit: null },
  sector_dedicated: { kind: "boolean", unit: null },
  quantum: { kind: "boolean", unit: null },
  cryptanalysis: { kind: "boolean", unit: null },
  specially_designed_for: { kind: "boolean", unit: null },
  public_domain: { kind: "boolean", unit: null },
  mass_market: { kind: "boolean", unit: null },
};

export interface Question {
  readonly id: QuestionId;
  readonly kind: QuestionKind;
  readonly unit: string | null;
  readonly text: Bilingual;
}

/** The user's answers, by question id: a number in the question's unit, or yes/no. Unknown ids are refused. */
export const Answers = z.strictObject(
  Object.fromEntries(
    QUESTION_IDS.map((id) => [
      id,
      (QUESTION_KINDS[id].kind === "number" ? z.number().finite().nonnegative().max(1e12) : z.boolean()).optional(),
    ]),
  ) as Record<QuestionId, z.ZodOptional<z.ZodNumber | z.ZodBoolean>>,
);
export type Answers = Partial<Record<QuestionId, number | boolean>>;

export const question = (id: QuestionId, text: Bilingual): Question => {
  // (Written out, not spread: a spread of the kind copies it through a slow path, for every question asked.)
  const { kind, unit } = QUESTION_KINDS[id];
  return { id, kind, unit, text };
};

/** Evidence for a figure or a yes/no the user gave, instead of words of their text. */
export const STATED_BY_USER = { en: "stated by the user", zh: "用户声明" } as const;
