import express, { type NextFunction, type Request, type Response } from "express";
import type { Criterion, Edition, Entry, LeafCriterion } from "../core/listSchema.ts";
import type { AppDeps } from "./createApp.ts";
import { requireRole } from "./auth.ts";
import { todayInChina } from "../core/dates.ts";
import type { Translate } from "./i18n/index.ts";
import { diffEditions, type EditionDiff, type EntryComparison } from "./listDiff.ts";

/** What the templates get for one criterion: labels already in the page's language. */
export interface CriterionView {
  readonly kind: Criterion["kind"];
  readonly label: string;
  /** The structured threshold, readable ("≥ 10 Gbps …"); for anyOf, the "any one of" lead-in. */
  readonly threshold: string;
  /** Entry ids a speciallyDesigned criterion points at (same edition). */
  readonly refs: string[];
  readonly textZh: string;
  readonly textEn: string;
  /** anyOf only: the alternatives, any one of which is enough. */
  readonly alternatives: CriterionView[];
}

export type EditionStatus = "current" | "past" | "future";

interface FormError {
  readonly field: "from" | "to";
  readonly message: string;
}

/** The comparison pre-filled on /lists: the one change of list a user is likely to ask about. */
const DEFAULT_DIFF = { from: "export-2021", to: "export-2024" } as const;

/** Long enough for any real id; a pasted essay in ?from= is cut before it is echoed back. */
const ECHO_LIMIT = 40;

/** The list browser: /lists, /lists/diff, /lists/:edition, /lists/:edition/:entry. */
export function listsRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  const editions = [...deps.listData.editions].sort(
    (a, b) => directionOrder(a) - directionOrder(b) || b.effectiveFrom.localeCompare(a.effectiveFrom),
  );
  const byId = new Map(editions.map((e) => [e.id, e]));

  const notFound = (res: Response) => {
    const t = res.locals.t as Translate;
    res.status(404).render("error", { heading: t("error.notFound.title"), message: t("error.notFound.body") });
  };

  router.get("/lists", requireRole("viewer"), (_req: Request, res: Response) => {
    const t = res.locals.t as Translate;
    const today = todayInChina(deps.now());
    res.render("lists", {
      title: t("lists.title"),
      activeNav: "lists",
      today,
      editions: editions.map((edition) => ({ edition, status: editionStatus(edition, today) })),
      isWebUrl,
      form: { values: DEFAULT_DIFF, editions, errors: [] },
    });
  });

  // Before /lists/:edition, which would otherwise take "diff" for an edition id.
  router.get("/lists/diff", requireRole("viewer"), (req: Request, res: Response) => {
    const t = res.locals.t as Translate;
    const from = typeof req.query.from === "string" ? req.query.from.trim() : "";
    const to = typeof req.query.to === "string" ? req.query.to.trim() : "";
    const errors = diffErrors(from, to, byId, t);
    const render = (status: number, diff: DiffView | null) =>
      res.status(status).render("lists-diff", {
        title: diff ? t("lists.diff.heading", { from, to }) : t("lists.diff.title"),
        activeNav: "lists",
        form: { values: { from, to }, editions, errors },
        diff,
      });
    const a = byId.get(from);
    const b = byId.get(to);
    if (errors.length > 0 || !a || !b) {
      render(400, null);
      return;
    }
    render(200, diffView(diffEditions(a, b), a, b, t));
  });

  router.get("/lists/:edition", requireRole("viewer"), (req: Request<{ edition: string }>, res: Response) => {
    const edition = byId.get(req.params.edition);
    if (!edition) {
      notFound(res);
      return;
    }
    const t = res.locals.t as Translate;
    const lang = res.locals.lang as string;
    res.render("lists-edition", {
      title: `${edition.id} · ${lang === "zh" ? edition.titleZh : edition.titleEn}`,
      activeNav: "lists",
      edition,
      status: editionStatus(edition, todayInChina(deps.now())),
      entries: edition.entries.map((entry) => ({ entry, criteria: entry.criteria.map((c) => criterionView(c, t)) })),
      isWebUrl,
    });
  });

  router.get("/lists/:edition/:entry", requireRole("viewer"), (req: Request<{ edition: string; entry: string }>, res: Response) => {
    const edition = byId.get(req.params.edition);
    const entry = edition?.entries.find((e) => e.id === req.params.entry);
    if (!edition || !entry) {
      notFound(res);
      return;
    }
    const t = res.locals.t as Translate;
    res.render("lists-entry", {
      title: `${entry.id} ${entry.nameZh} · ${edition.id}`,
      activeNav: "lists",
      edition,
      entry,
      criteria: entry.criteria.map((c) => criterionView(c, t)),
      equivalents: equivalentsOf(edition, entry, editions),
      isWebUrl,
    });
  });

  // A malformed escape in an id (/lists/%E0%A4%A) names no edition: a 404 page, not the 500 that
  // the app-wide handler gives to errors it does not expose.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof URIError && (err as { status?: unknown }).status === 400) notFound(res);
    else next(err);
  });

  return router;
}

function directionOrder(e: Edition): number {
  return e.direction === "import" ? 0 : 1;
}

/** Whether the edition applies on `today` (YYYY-MM-DD in China); effectiveTo is the last day in force. */
export function editionStatus(edition: Edition, today: string): EditionStatus {
  if (today < edition.effectiveFrom) return "future";
  if (edition.effectiveTo !== null && today > edition.effectiveTo) return "past";
  return "current";
}

/** Sources are data, not code: only web addresses become links. */
function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function number(n: number): string {
  return n.toLocaleString("en-US");
}

/** One criterion as the page shows it, in the page's language. */
export function criterionView(c: Criterion, t: Translate): CriterionView {
  const base = { kind: c.kind, label: t(`lists.kind.${c.kind}`), textZh: c.textZh, textEn: c.textEn };
  if (c.kind === "anyOf") {
    return { ...base, threshold: t("lists.threshold.anyOf"), refs: [], alternatives: c.of.map((leaf) => criterionView(leaf, t)) };
  }
  return {
    ...base,
    threshold: leafThreshold(c, t),
    refs: c.kind === "speciallyDesigned" ? c.forEntries : [],
    alternatives: [],
  };
}

function leafThreshold(c: LeafCriterion, t: Translate): string {
  switch (c.kind) {
    case "algorithm":
      return t("lists.threshold.algorithm", {
        symmetric: number(c.symmetricMinBits),
        rsa: number(c.integerFactorisationMinBits),
        ecc: number(c.ellipticCurveMinBits),
      });
    case "rate":
      return c.anyOf.map((m) => t(`lists.measure.${m.measure}`, { min: number(m.min) })).join(t("lists.or"));
    case "managedObjects":
      return t("lists.threshold.managedObjects", { min: number(c.min) });
    case "sectorDedicated":
      return t("lists.threshold.sectorDedicated", {
        sectors: c.sectors.map((s) => t(`lists.sector.${s}`)).join(t("lists.separator")),
      });
    case "speciallyDesigned":
      return t("lists.threshold.speciallyDesigned", { count: c.forEntries.length });
    case "quantum":
    case "cryptanalysis":
    case "notPublicDomain":
      return t(`lists.threshold.${c.kind}`);
  }
}

/** The same item in other editions: declared on this entry, or declared on the other side. */
function equivalentsOf(edition: Edition, entry: Entry, editions: Edition[]): { edition: Edition; entry: Entry }[] {
  const found: { edition: Edition; entry: Entry }[] = [];
  for (const other of editions) {
    if (other.id === edition.id) continue;
    for (const candidate of other.entries) {
      const declaredHere = entry.equivalents.some((eq) => eq.edition === other.id && eq.entry === candidate.id);
      const declaredThere = candidate.equivalents.some((eq) => eq.edition === edition.id && eq.entry === entry.id);
      if (declaredHere || declaredThere) found.push({ edition: other, entry: candidate });
    }
  }
  return found;
}

function diffErrors(from: string, to: string, byId: Map<string, Edition>, t: Translate): FormError[] {
  const errors: FormError[] = [];
  const echo = (id: string) => (id.length > ECHO_LIMIT ? `${id.slice(0, ECHO_LIMIT)}…` : id);
  if (from === "") errors.push({ field: "from", message: t("lists.diff.error.fromMissing") });
  else if (!byId.has(from)) errors.push({ field: "from", message: t("lists.diff.error.unknown", { id: echo(from) }) });
  if (to === "") errors.push({ field: "to", message: t("lists.diff.error.toMissing") });
  else if (!byId.has(to)) errors.push({ field: "to", message: t("lists.diff.error.unknown", { id: echo(to) }) });
  if (errors.length > 0) return errors;

  const a = byId.get(from);
  const b = byId.get(to);
  if (from === to) errors.push({ field: "to", message: t("lists.diff.error.same") });
  else if (a && b && a.direction !== b.direction) {
    errors.push({
      field: "to",
      message: t("lists.diff.error.direction", {
        from,
        to,
        fromDirection: t(`direction.${a.direction}`),
        toDirection: t(`direction.${b.direction}`),
      }),
    });
  }
  return errors;
}

interface ComparisonView extends EntryComparison {
  readonly fromEntry: Entry;
  readonly toEntry: Entry;
  readonly criteriaFrom: CriterionView[];
  readonly criteriaTo: CriterionView[];
}

interface DiffView extends Omit<EditionDiff, "changed"> {
  readonly changed: ComparisonView[];
  readonly fromEdition: Edition;
  readonly toEdition: Edition;
}

function diffView(diff: EditionDiff, from: Edition, to: Edition, t: Translate): DiffView {
  return {
    ...diff,
    fromEdition: from,
    toEdition: to,
    changed: diff.changed.map((c) => ({
      ...c,
      // Both exist: the diff was computed from these editions.
      fromEntry: from.entries.find((e) => e.id === c.from.id) as Entry,
      toEntry: to.entries.find((e) => e.id === c.to.id) as Entry,
      criteriaFrom: c.criteria ? c.criteria.from.map((x) => criterionView(x, t)) : [],
      criteriaTo: c.criteria ? c.criteria.to.map((x) => criterionView(x, t)) : [],
    })),
  };
}
