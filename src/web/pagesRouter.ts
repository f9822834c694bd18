import express, { type Request, type Response } from "express";
import { ClassifyRequest } from "./classifyRequest.ts";
import { todayInChina } from "../core/dates.ts";
import { MAX_DESCRIPTION_LENGTH } from "../core/limits.ts";
import type { AppDeps, AppGuards } from "./createApp.ts";
import { EXAMPLES } from "./examples.ts";
import { highlightSegments } from "./evidenceHighlight.ts";
import { answerQuestions, classifyAndStore, readingOf } from "../app/classifications.ts";
import { Answers, QUESTION_IDS, QUESTION_KINDS } from "../core/questions.ts";
import { editionEntryIds, permalink } from "./webHelpers.ts";
import { buildWorksheet } from "./worksheet.ts";
import type { Translate } from "./i18n/index.ts";
import { recheckNotices } from "./recheckRouter.ts";
import { actorOf, requireRole } from "./auth.ts";
import { makeReview, reviewsOf, VERDICTS } from "../app/reviews.ts";
import { adoptPrecedents, precedentsFor, searchProducts } from "../app/precedents.ts";

interface FormValues {
  description: string;
  hsCode: string;
  asOf: string;
}

interface FormError {
  field: keyof FormValues;
  message: string;
}

const FORM_LIMIT = "64kb";

/** The classify form (/), its submission, and the result permalink (/c/:id). */
export function pagesRouter(deps: AppDeps, guards: AppGuards): express.Router {
  const router = express.Router();

  const renderForm = (res: Response, values: FormValues, errors: FormError[], status = 200) => {
    res.status(status).render("classify", {
      title: res.locals.t("classify.title"),
      activeNav: "classify",
      values,
      errors,
      examples: EXAMPLES,
      maxLength: MAX_DESCRIPTION_LENGTH,
    });
  };

  router.get("/", requireRole("viewer"), (req: Request, res: Response) => {
    const today = todayInChina(deps.now());
    const example = EXAMPLES.find((e) => e.id === req.query.example);
    const from = typeof req.query.from === "string" ? deps.store.get(req.query.from) : null;
    const values: FormValues = example
      ? { description: example.description, hsCode: example.hsCode ?? "", asOf: today }
      : from
        ? { description: from.input.description ?? "", hsCode: from.input.hsCode ?? "", asOf: from.asOf }
        : { description: "", hsCode: "", asOf: today };
    renderForm(res, values, []);
  });

  router.post("/classify", requireRole("classifier"), express.urlencoded({ extended: false, limit: FORM_LIMIT }), guards.csrf.protect, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    const values: FormValues = { description: text(body.description), hsCode: text(body.hsCode), asOf: text(body.asOf).trim() };
    const parsed = ClassifyRequest.safeParse({
      description: values.description,
      hsCode: values.hsCode,
      ...(values.asOf ? { asOf: values.asOf } : {}),
    });
    if (!parsed.success) {
      renderForm(res, values, formErrors(parsed.error.issues, res.locals.t as Translate), 400);
      return;
    }
    res.redirect(303, `/c/${(await classifyAndStore(deps, { ...parsed.data, by: actorOf(req) })).id}`);
  });

  const reviewDeps = { ...deps, entriesOf: (editionId: string) => editionEntryIds(deps, editionId) };
  const text = (v: unknown) => (typeof v === "string" ? v : "");

  const findRecord = (id: string, res: Response) => {
    const record = deps.store.get(id);
    if (!record) res.status(404).render("error", { heading: res.locals.t("error.notFound.title"), message: res.locals.t("result.notFound") });
    return record;
  };

  router.get("/c/:id/worksheet.json", requireRole("viewer"), (req: Request<{ id: string }>, res: Response) => {
    const record = deps.store.get(req.params.id);
    if (!record) {
      res.status(404).json({ error: "No classification with this id.", fields: {} });
      return;
    }
    res.json({ ...buildWorksheet(record, permalink(req, record.id)), review: worksheetReview(record.id) });
  });

  router.get("/c/:id/worksheet", requireRole("viewer"), (req: Request<{ id: string }>, res: Response) => {
    const record = findRecord(req.params.id, res);
    if (!record) return;
    res.render("worksheet", { title: res.locals.t("worksheet.title"), ws: buildWorksheet(record, permalink(req, record.id)), review: worksheetReview(record.id) });
  });

  /** Each direction's review status, reviewer and time, for the worksheet. */
  const worksheetReview = (id: string) => {
    const reviews = reviewsOf(deps, id);
    const of = (d: "import" | "export") => {
      const c = reviews[d].current;
      return { status: reviews[d].status, reviewer: c?.reviewer ?? null, reviewedAt: c?.createdAt ?? null, verdict: c?.verdict ?? null, entry: c?.entry ?? null, reason: c?.reason ?? null };
    };
    return { import: of("import"), export: of("export") };
  };

  const renderResult = (
    req: Request<{ id: string }>,
    res: Response,
    record: NonNullable<ReturnType<typeof deps.store.get>>,
    answerError: string | null = null,
    status = 200,
    reviewError: { direction: string; field: string; message: string; values: Record<string, string> } | null = null,
  ) => {
    res.status(status).render("result", {
      title: res.locals.t("result.title"),
      record,
      permalink: permalink(req, record.id),
      segments: highlightSegments(record),
      trace: readingOf(deps, record),
      answeredIn: deps.store.answeredIn(record.id),
      answersFor: deps.store.answers(record.id),
      answerError,
      ...recheckNotices(deps.store.rechecks, record.id),
      reviews: reviewsOf(deps, record.id),
      madeBy: deps.store.madeBy(record.id),
      reviewError,
      verdicts: VERDICTS,
      entriesOf: (editionId: string) => editionEntryIds(deps, editionId) ?? [],
      precedents: precedentsFor(deps, record),
    });
  };

  router.get("/c/:id", requireRole("viewer"), (req: Request<{ id: string }>, res: Response) => {
    const record = findRecord(req.params.id, res);
    if (record) renderResult(req, res, record);
  });

  // Answers to a result's open questions, from the form under its needs_info directions: a new record, linked.
  router.post("/c/:id/answers", requireRole("classifier"), express.urlencoded({ extended: false, limit: FORM_LIMIT }), guards.csrf.protect, async (req: Request<{ id: string }>, res: Response) => {
    const record = findRecord(req.params.id, res);
    if (!record) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const given: Record<string, number | boolean> = {};
    for (const id of QUESTION_IDS) {
      const raw = body[`answer_${id}`];
      if (typeof raw !== "string" || raw.trim() === "") continue;
      const value = raw.trim().replace(/[,\s]/g, "");
      given[id] = QUESTION_KINDS[id].kind === "number" ? Number(value) : value === "yes" ? true : value === "no" ? false : Number.NaN;
    }
    const parsed = Answers.safeParse(given);
    if (!parsed.success || Object.keys(given).length === 0) {
      const field = parsed.success ? null : String(parsed.error.issues[0]?.path[0] ?? "");
      // Named as the form asked it, not by its id.
      const asked = [...(record.import.questions ?? []), ...(record.export.questions ?? [])].find((q) => q.id === field);
      const name = asked ? `“${asked.text[res.locals.lang as "en" | "zh"]}”` : field;
      renderResult(req, res, record, field ? res.locals.t("result.answers.invalid", { field: name }) : res.locals.t("result.answers.none"), 400);
      return;
    }
    const answered = await answerQuestions(deps, record.id, parsed.data, actorOf(req));
    res.redirect(303, `/c/${answered?.id ?? record.id}`);
  });

  // A reviewer confirms or overrides one direction's result: appended to its history, never edited.
  router.post("/c/:id/reviews", requireRole("reviewer"), express.urlencoded({ extended: false, limit: "16kb" }), guards.csrf.protect, (req: Request<{ id: string }>, res: Response) => {
    const record = findRecord(req.params.id, res);
    if (!record) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { direction: text(body.direction), action: text(body.action), verdict: text(body.verdict), entry: text(body.entry), reason: text(body.reason) };
    const made = makeReview(reviewDeps, record, values, actorOf(req));
    if (!made.ok) {
      const message = (res.locals.t as Translate)(`review.error.${made.problem}`);
      renderResult(req, res, record, null, 400, { direction: values.direction, field: made.field, message, values });
      return;
    }
    res.redirect(303, `/c/${record.id}#review-${made.review.direction}`);
  });

  // A reviewer adopts the reviewed decision on the same model: new reviews of this result, citing it.
  router.post("/c/:id/precedent", requireRole("reviewer"), express.urlencoded({ extended: false, limit: "4kb" }), guards.csrf.protect, (req: Request<{ id: string }>, res: Response) => {
    const record = findRecord(req.params.id, res);
    if (!record) return;
    const t = res.locals.t as Translate;
    const { adopted } = adoptPrecedents({ ...reviewDeps, precedents: deps.precedents }, record, actorOf(req), (p) =>
      t("precedent.reason", { model: p.modelText, id: p.recordId, date: p.review.createdAt.slice(0, 10), reviewer: p.review.reviewer }),
    );
    if (adopted.length === 0) {
      renderResult(req, res, record, null, 409, { direction: "", field: "precedent", message: t("precedent.none"), values: {} });
      return;
    }
    res.redirect(303, `/c/${record.id}#review-${adopted.at(-1)}`);
  });

  // Reviewed products, searched by model, name or description.
  router.get("/products", requireRole("viewer"), (req: Request, res: Response) => {
    const q = typeof req.query.q === "string" ? req.query.q.slice(0, 200) : "";
    const found = searchProducts(deps, q);
    res.render("products", { title: res.locals.t("products.title"), activeNav: "products", q, products: found });
  });

  return router;
}

function formErrors(issues: { path: PropertyKey[]; code: string }[], t: Translate): FormError[] {
  const errors: FormError[] = [];
  for (const issue of issues) {
    const field = String(issue.path[0] ?? "description") as keyof FormValues;
    let message: string;
    if (field === "description") {
      message = issue.code === "too_big" ? t("classify.error.descriptionTooLong", { max: MAX_DESCRIPTION_LENGTH.toLocaleString("en-US") }) : t("classify.error.description");
    } else if (field === "hsCode") message = t("classify.error.hsCode");
    else if (field === "asOf") message = t("classify.error.asOf");
    else continue;
    if (!errors.some((e) => e.field === field)) errors.push({ field, message });
  }
  return errors;
}
