import express, { type Request, type Response } from "express";
import { z } from "zod";
import { RecheckRunningError, itemLinks, recheckItemJson, recheckJson, recheckStatus, runRecheck, type RecheckDeps } from "../app/recheck.ts";
import { todayInChina } from "../core/dates.ts";
import { RECORD_ID } from "../store/classificationStore.ts";
import type { AppDeps, AppGuards } from "./createApp.ts";
import { fieldErrors } from "./classifyRequest.ts";
import { editionIdsInForce, siteBase } from "./webHelpers.ts";
import { requireRole } from "./auth.ts";

/** What the re-check routes need beyond the app's dependencies (reviews, once they exist, say which records are reviewed). */
export interface RecheckRouteOptions {
  readonly isReviewed?: (recordId: string) => boolean;
}

const PAGE_SIZE = 100;
const API_PAGE = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(500),
});

const recheckDeps = (deps: AppDeps, options: RecheckRouteOptions): RecheckDeps => ({
  classifier: deps.classifier,
  store: deps.store,
  listData: deps.listData,
  now: deps.now,
  // Reviewed items come first in what a re-check reports: a decision someone signed may now be wrong.
  isReviewed: options.isReviewed ?? ((recordId: string) => deps.store.reviews.of(recordId).length > 0),
});

/** `/rechecks`: the runs, whether one is due, a button to run one; `/rechecks/:id`: what changed. */
export function recheckPages(deps: AppDeps, guards: AppGuards, options: RecheckRouteOptions = {}): express.Router {
  const router = express.Router();
  const rechecks = deps.store.rechecks;

  const renderList = (res: Response, error: string | null, status = 200) => {
    const asOf = todayInChina(deps.now());
    res.status(status).render("rechecks", {
      title: res.locals.t("rechecks.title"),
      activeNav: "rechecks",
      state: recheckStatus(deps),
      runs: rechecks.list(100),
      asOf,
      editionsToday: editionIdsInForce(deps, asOf),
      error,
    });
  };

  router.get("/rechecks", requireRole("viewer"), (_req, res) => renderList(res, null));

  router.post("/rechecks", requireRole("classifier"), guards.limits.uploads, express.urlencoded({ extended: false, limit: "8kb" }), guards.csrf.protect, async (_req: Request, res: Response) => {
    try {
      const run = await runRecheck(recheckDeps(deps, options));
      res.redirect(303, `/rechecks/${run.id}`);
    } catch (err) {
      if (!(err instanceof RecheckRunningError)) throw err;
      renderList(res, res.locals.t("rechecks.running"), 409);
    }
  });

  router.get("/rechecks/:id", requireRole("viewer"), (req: Request<{ id: string }>, res: Response) => {
    const run = RECORD_ID.test(req.params.id) ? rechecks.get(req.params.id) : null;
    if (!run) {
      res.status(404).render("error", { heading: res.locals.t("error.notFound.title"), message: res.locals.t("recheck.notFound") });
      return;
    }
    const pages = Math.max(1, Math.ceil(run.changed / PAGE_SIZE));
    const asked = Number(req.query.page);
    const page = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, pages) : 1;
    const items = rechecks.items(run.id, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
    res.render("recheck", { title: res.locals.t("recheck.title"), activeNav: "rechecks", run, items, itemLinks, page, pages });
  });

  return router;
}

/** `POST /api/v1/rechecks` runs one; `GET /api/v1/rechecks/:id` lists its changed items, old and new. */
export function recheckApi(deps: AppDeps, options: RecheckRouteOptions = {}): express.Router {
  const router = express.Router();
  const rechecks = deps.store.rechecks;

  router.get("/", requireRole("viewer"), (_req: Request, res: Response) => {
    const state = recheckStatus(deps);
    res.json({ due: state.due, fingerprint: state.fingerprint, rechecks: rechecks.list(100).map(recheckJson) });
  });

  router.post("/", requireRole("classifier"), async (req: Request, res: Response) => {
    try {
      const run = await runRecheck(recheckDeps(deps, options));
      res.status(201).json({ ...recheckJson(run), url: `${siteBase(req)}/rechecks/${run.id}` });
    } catch (err) {
      if (!(err instanceof RecheckRunningError)) throw err;
      res.status(409).json({ error: "A re-check is already running; try again when it has finished.", fields: {} });
    }
  });

  router.get("/:id", requireRole("viewer"), (req: Request<{ id: string }>, res: Response) => {
    const run = RECORD_ID.test(req.params.id) ? rechecks.get(req.params.id) : null;
    if (!run) {
      res.status(404).json({ error: "No re-check with this id.", fields: {} });
      return;
    }
    const page = API_PAGE.safeParse(req.query);
    if (!page.success) {
      res.status(400).json({ error: "The request has invalid fields.", fields: fieldErrors(page.error) });
      return;
    }
    const items = rechecks.items(run.id, page.data).map(recheckItemJson);
    res.json({ ...recheckJson(run), offset: page.data.offset, limit: page.data.limit, total: run.changed, items });
  });

  return router;
}

const runDate = (rechecks: AppDeps["store"]["rechecks"], id: string) => (rechecks.get(id)?.startedAt ?? "").slice(0, 10);

/** For a result page: the newer record a re-check made of this one, and the record this one re-checks. */
export function recheckNotices(rechecks: AppDeps["store"]["rechecks"], recordId: string) {
  const into = rechecks.recheckedInto(recordId);
  const of = rechecks.recheckOf(recordId);
  return {
    recheckedInto: into ? { newId: into.newId, date: runDate(rechecks, into.recheckId), changes: into.changes } : null,
    recheckOf: of ? { old: itemLinks(of).old, date: runDate(rechecks, of.recheckId) } : null,
  };
}
