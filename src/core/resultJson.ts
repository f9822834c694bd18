import type { Classification, Verdict } from "./result.ts";

/** A classification serialised, with the columns stored beside it: what a record is made of, less its id and time. */
export interface ResultJson {
  readonly asOf: string;
  readonly engineVersion: string;
  readonly importEdition: string | null;
  readonly exportEdition: string | null;
  readonly importVerdict: Verdict;
  readonly exportVerdict: Verdict;
  readonly json: string;
}

export function toResultJson(result: Classification): ResultJson {
  return {
    asOf: result.asOf,
    engineVersion: result.engineVersion,
    importEdition: result.import.edition?.id ?? null,
    exportEdition: result.export.edition?.id ?? null,
    importVerdict: result.import.verdict,
    exportVerdict: result.export.verdict,
    json: JSON.stringify(result),
  };
}
