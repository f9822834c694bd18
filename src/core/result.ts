import type { Evidence, Parameters, TraceStep } from "./extract.ts";
import type { Answers, Question } from "./questions.ts";

/** The verdict words shared by the API, the CSV and the UI. */
export const VERDICTS = ["licence_required", "needs_info", "below_threshold", "exempt", "not_listed"] as const;
export type Verdict = (typeof VERDICTS)[number];

export type CheckStatus = "pass" | "fail" | "unknown";

export interface Bilingual {
  readonly en: string;
  readonly zh: string;
}

export interface Check {
  /** "productType", "algorithm", "rate", "managedObjects", "sectorDedicated", "quantum", "cryptanalysis", "speciallyDesigned", "notPublicDomain", "anyOf". */
  readonly criterion: string;
  readonly label: Bilingual;
  readonly threshold: Bilingual;
  /** What the description gives for this criterion, or null when it says nothing. */
  readonly value: Bilingual | null;
  readonly status: CheckStatus;
  readonly evidence: Evidence[];
  /** The words of the list this check stands for. */
  readonly listText: Bilingual;
  /** What to ask when the status is unknown. */
  readonly question: Bilingual | null;
  /** The same, as questions a form or a spreadsheet can ask and take answers to. */
  readonly questions?: Question[];
  /** A failing exclusion (public-domain software) makes the item exempt rather than below the threshold. */
  readonly exclusion?: boolean;
  readonly parts?: Check[];
}

export interface EntryRef {
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** The entry's text as decided on, kept in the record so an old result reads as it was. */
  readonly textZh: string;
  readonly textEn: string;
  readonly confidence: string;
  readonly hsCodes: string[];
}

export interface EditionRef {
  readonly id: string;
  readonly titleZh: string;
  readonly titleEn: string;
  readonly instrumentZh: string;
  readonly instrumentEn: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly licenceZh: string;
  readonly licenceEn: string;
  readonly authorityZh: string;
  readonly authorityEn: string;
}

export type MatchKind = "product_type" | "sector" | "software" | "technology" | "host" | "feature" | "hs_code";

/** An entry the input could fall under. Its checks are not repeated here: the chosen entry's are in the outcome. */
export interface CandidateResult {
  readonly entry: Pick<EntryRef, "id" | "nameZh" | "nameEn">;
  readonly verdict: Verdict;
  readonly matchedBy: MatchKind;
  readonly matchedOn: Evidence[];
  readonly confidence: string;
  readonly missing: string[];
}

export interface Outcome {
  readonly verdict: Verdict;
  readonly edition: EditionRef | null;
  readonly entry: EntryRef | null;
  readonly candidates: CandidateResult[];
  readonly checks: Check[];
  /** Plain questions whose answers would settle the verdict. */
  readonly missing: string[];
  /** The same questions as data: an id, a kind and a unit to answer them with (`answers` on a new request). */
  readonly questions: Question[];
  readonly reasons: string[];
  /** Standing caveats beside the reasons: how sure the list text is, what an HS code can and cannot tell. */
  readonly notes: string[];
  readonly zh: { readonly missing: string[]; readonly reasons: string[]; readonly notes: string[] };
}

export interface ClassificationInput {
  readonly description?: string | undefined;
  readonly hsCode?: string | undefined;
  /** YYYY-MM-DD: the editions in force on this date decide. */
  readonly asOf: string;
  /** Answers the user gave to the questions of an earlier result, by question id. */
  readonly answers?: Answers | undefined;
}

export interface Classification {
  readonly asOf: string;
  readonly engineVersion: string;
  readonly input: { readonly description: string | null; readonly hsCode: string | null; readonly answers?: Answers };
  readonly parameters: Parameters & { readonly hsCode: string | null };
  readonly import: Outcome;
  readonly export: Outcome;
  /** How the description was read, step by step; present when asked for. */
  readonly trace?: TraceStep[];
}
