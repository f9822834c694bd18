import express, { type Request, type Response } from "express";
import type { ClassificationRecord } from "../store/classificationStore.ts";
import { ClassifyRequest, fieldErrors } from "./classifyRequest.ts";
import type { AppDeps } from "./createApp.ts";
import { batchApi } from "./bulkRouter.ts";
import { classifyAndStore, readingOf } from "../app/classifications.ts";
import { editionEntryIds, recordJsonWithUrl, withTrace } from "./webHelpers.ts";
import { actorOf, requireRole } from "./auth.ts";
import { recheckApi } from "./recheckRouter.ts";
import { makeReview, reviewsOf } from "../app/reviews.ts";
import { precedentsFor } from "../app/precedents.ts";
import type { Review } from "../store/reviewStore.ts";

/** A record's reviews as the API gives them: oldest first, both directions. */
const reviewJson = (r: Review) => ({ direction: r.direction, action: r.action, verdict: r.verdict, entry: r.entry, reason: r.reason, reviewer: r.reviewer, createdAt: r.createdAt });

/** The answer's JSON with `precedents` added as its last field: per direction, the reviewed decision on the same model. */
const withPrecedents = (json: string, found: ReturnType<typeof precedentsFor>) => {
  const out = Object.fromEntries(
    Object.entries(found).map(([d, p]) => [d, { record: `/c/${p.recordId}`, model: p.modelText, agrees: p.agrees, review: reviewJson(p.review) }]),
  );
  return `${json.slice(0, json.lastIndexOf("}"))},"precedents":${JSON.stringify(out)}}`;
};

/** The answer's JSON with `reviews` added as its last field. */
const withReviews = (json: string, reviews: Review[]) => `${json.slice(0, json.lastIndexOf("}"))},"reviews":${JSON.stringify(reviews.map(reviewJson))}}`;

/** `?trace=1`: the answer says how the description was read, step by step. */
const wantsTrace = (req: Request) => req.query.trace === "1" || req.query.trace === "true";

const REVIEW_PROBLEMS = {
  direction: "must be import or export",
  action: "must be confirm or override",
  verdict: "must be one of licence_required, needs_info, below_threshold, exempt, not_listed",
  entry: "must be an entry of the edition that decided this direction",
  reasonRequired: "is required for an override",
  reasonTooLong: "must be at most 2,000 characters",
} as const;

export function apiRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  // Only a record whose text names a model can have precedents: the record is parsed for those alone.
  const precedentsOfJson = (id: string, json: string) =>
    deps.precedents.modelOf(id) ? precedentsFor(deps, JSON.parse(json) as ClassificationRecord) : {};

  router.post("/classify", requireRole("classifier"), async (req: Request, res: Response) => {
    if (!req.is("application/json")) {
      res.status(415).json({ error: "Send the request as JSON (Content-Type: application/json).", fields: {} });
      return;
    }
    const parsed = ClassifyRequest.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: "The request has invalid fields.", fields: fieldErrors(parsed.error) });
      return;
    }
    const { id, json } = await classifyAndStore(deps, { ...parsed.data, by: actorOf(req) });
    // A new record has no reviews yet: the field is there so it reads like a stored one. Its model may
    // have a reviewed decision already: the precedents are those the record page shows.
    const answer = withPrecedents(withReviews(recordJsonWithUrl(req, id, json), []), precedentsOfJson(id, json));
    res.status(200).type("application/json").send(wantsTrace(req) ? withTrace(answer, readingOf(deps, JSON.parse(json) as ClassificationRecord)) : answer);
  });

  router.get("/classifications/:id", requireRole("viewer"), (req: Request<{ id: string }>, res: Response) => {
    const json = deps.store.getJson(req.params.id);
    if (!json) {
      res.status(404).json({ error: "No classification with this id.", fields: {} });
      return;
    }
    const answer = withPrecedents(withReviews(recordJsonWithUrl(req, req.params.id, json), deps.reviews.of(req.params.id)), precedentsOfJson(req.params.id, json));
    res.type("application/json").send(wantsTrace(req) ? withTrace(answer, readingOf(deps, JSON.parse(json) as ClassificationRecord)) : answer);
  });

  router.post("/classify/batch", requireRole("classifier"), batchApi(deps));

  router.post("/classifications/:id/reviews", requireRole("reviewer"), (req: Request<{ id: string }>, res: Response) => {
    if (!req.is("application/json")) {
      res.status(415).json({ error: "Send the request as JSON (Content-Type: application/json).", fields: {} });
      return;
    }
    const record = deps.store.get(req.params.id);
    if (!record) {
      res.status(404).json({ error: "No classification with this id.", fields: {} });
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    const made = makeReview(
      { ...deps, entriesOf: (editionId) => editionEntryIds(deps, editionId) },
      record,
      { direction: str(body.direction) ?? "", action: str(body.action) ?? "", verdict: str(body.verdict), entry: str(body.entry), reason: str(body.reason) },
      actorOf(req),
    );
    if (!made.ok) {
      res.status(400).json({ error: "The review has an invalid field.", fields: { [made.field]: [REVIEW_PROBLEMS[made.problem]] } });
      return;
    }
    const reviews = reviewsOf(deps, record.id);
    res.status(201).json({ review: reviewJson(made.review), status: { import: reviews.import.status, export: reviews.export.status } });
  });
  router.use("/rechecks", recheckApi(deps));

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ error: "No such API endpoint.", fields: {} });
  });
  return router;
}
