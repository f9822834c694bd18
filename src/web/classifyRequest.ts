import { z } from "zod";
import { normaliseHsCode } from "../core/hsCode.ts";
import { MAX_DESCRIPTION_LENGTH } from "../core/limits.ts";
import { Answers, QUESTION_IDS } from "../core/questions.ts";

export const ClassifyRequest = z
  .strictObject({
    description: z
      .string({ error: "must be text" })
      .max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH.toLocaleString("en-US")} characters`)
      .optional(),
    hsCode: z
      .string({ error: "must be text" })
      .max(32, "must be an HS code such as 8543709950 or 8517.62")
      .refine((v) => v.trim() === "" || normaliseHsCode(v) !== null, "must be 2 to 10 digits, e.g. 8543709950 or 8517.62")
      .optional(),
    asOf: z.iso.date({ error: "must be a date YYYY-MM-DD" }).optional(),
    /** Answers to the questions of an earlier result, by question id (see `questions` in a result). */
    answers: Answers.optional(),
  })
  .refine((v) => (v.description?.trim() ?? "") !== "" || (v.hsCode?.trim() ?? "") !== "", {
    message: "give a product description, an HS code, or both",
    path: ["description"],
  });
export type ClassifyRequest = z.infer<typeof ClassifyRequest>;

export type FieldErrors = Record<string, string[]>;

/** zod issues as { field: [messages] }; unknown keys are reported under their own name. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  // No prototype: a field named "__proto__" or "constructor" is just a name here.
  const fields = Object.create(null) as FieldErrors;
  const add = (field: string, message: string) => {
    if (!Object.hasOwn(fields, field)) fields[field] = [];
    (fields[field] as string[]).push(message);
  };
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const inAnswers = issue.path[0] === "answers";
      for (const key of issue.keys)
        add(
          inAnswers ? `answers.${key}` : key,
          inAnswers ? `is not a question id (use ${QUESTION_IDS.join(", ")})` : "is not a recognised field (use description, hsCode, asOf, answers)",
        );
    } else {
      add(issue.path.length > 0 ? issue.path.join(".") : "body", issue.message);
    }
  }
  return fields;
}

