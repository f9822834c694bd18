import type { Direction } from "../core/listSchema.ts";
import type { Verdict } from "../core/result.ts";
import type { ClassificationRecord } from "../store/classificationStore.ts";
import type { Review, ReviewAction, ReviewStore } from "../store/reviewStore.ts";
import { type Actor, type AuditDeps, recordAudit } from "./audit.ts";

export const VERDICTS: readonly Verdict[] = ["licence_required", "needs_info", "below_threshold", "exempt", "not_listed"];
export const REVIEW_REASON_MAX = 2000;

export interface ReviewDeps extends AuditDeps {
  readonly reviews: ReviewStore;
  /** The entry ids of an edition, to check an override's entry against. */
  readonly entriesOf: (editionId: string) => readonly string[] | null;
}

export interface ReviewRequest {
  readonly direction: string;
  readonly action: string;
  readonly verdict?: string | undefined;
  readonly entry?: string | undefined;
  readonly reason?: string | undefined;
}

export type ReviewProblem = "direction" | "action" | "verdict" | "entry" | "reasonRequired" | "reasonTooLong";

export type ReviewStatus = "unreviewed" | "confirmed" | "overridden";

export interface DirectionReview {
  readonly status: ReviewStatus;
  /** The last review, which stands; null when unreviewed. */
  readonly current: Review | null;
  readonly history: Review[];
}

/**
 * Confirms or overrides one direction of a stored result. A confirmation takes the result's verdict
 * and entry; an override names a verdict (one of the five), optionally an entry of the edition that
 * decided, and must say why. Appended: earlier reviews stay as they were.
 */
export function makeReview(
  deps: ReviewDeps,
  record: ClassificationRecord,
  input: ReviewRequest,
  actor: Actor,
): { ok: true; review: Review } | { ok: false; field: string; problem: ReviewProblem } {
  if (input.direction !== "import" && input.direction !== "export") return { ok: false, field: "direction", problem: "direction" };
  const direction: Direction = input.direction;
  const outcome = record[direction];
  const reason = input.reason?.trim() ?? "";
  if (reason.length > REVIEW_REASON_MAX) return { ok: false, field: "reason", problem: "reasonTooLong" };
  let action: ReviewAction;
  let verdict: Verdict;
  let entry: string | null;
  if (input.action === "confirm") {
    action = "confirm";
    verdict = outcome.verdict;
    entry = outcome.entry?.id ?? null;
  } else if (input.action === "override") {
    action = "override";
    const given = input.verdict?.trim() ?? "";
    if (!(VERDICTS as readonly string[]).includes(given)) return { ok: false, field: "verdict", problem: "verdict" };
    verdict = given as Verdict;
    entry = input.entry?.trim() || null;
    if (entry !== null) {
      const entries = outcome.edition ? deps.entriesOf(outcome.edition.id) : null;
      if (!entries?.includes(entry)) return { ok: false, field: "entry", problem: "entry" };
    }
    if (reason === "") return { ok: false, field: "reason", problem: "reasonRequired" };
  } else {
    return { ok: false, field: "action", problem: "action" };
  }
  const review = deps.reviews.add({ recordId: record.id, direction, action, verdict, entry, reason: reason || null, reviewer: actor.name ?? "local" }, deps.now());
  recordAudit(deps, actor, "reviewed", record.id, `${direction}: ${action === "confirm" ? "confirmed" : "overridden"} ${verdict}${entry ? ` ${entry}` : ""}`);
  return { ok: true, review };
}

/** Each direction's review status and history: the last review stands. */
export function reviewsOf(deps: Pick<ReviewDeps, "reviews">, recordId: string): Record<Direction, DirectionReview> {
  const all = deps.reviews.of(recordId);
  const of = (direction: Direction): DirectionReview => {
    const history = all.filter((r) => r.direction === direction);
    const current = history.at(-1) ?? null;
    return { status: current ? (current.action === "confirm" ? "confirmed" : "overridden") : "unreviewed", current, history };
  };
  return { import: of("import"), export: of("export") };
}
