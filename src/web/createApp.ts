import type { PrecedentStore } from "../store/precedentStore.ts";
import type { ModelNumber } from "../core/modelNumber.ts";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import cookieParser from "cookie-parser";
import { ENGINE_VERSION } from "../core/classify.ts";
import { LANG_COOKIE, chooseLang, translator, type Lang } from "./i18n/index.ts";
import { pagesRouter } from "./pagesRouter.ts";
import { listsRouter } from "./listsRouter.ts";
import { bulkRouter } from "./bulkRouter.ts";
import { recheckPages } from "./recheckRouter.ts";
import type { BatchJobs } from "../app/batchJobs.ts";
import { accessControl, createCsrf, rateLimits, type SecuritySettings } from "./security.ts";
import type { Classifier } from "../core/classify.ts";
import type { ClassifyService } from "./classifyService.ts";
import type { ListData } from "../data/loadListData.ts";
import type { ClassificationStore } from "../store/classificationStore.ts";
import { apiRouter } from "./apiRouter.ts";
import { accountsExist, authenticate, requireRole } from "./auth.ts";
import { usersRouter } from "./usersRouter.ts";
import type { Metrics } from "./metrics.ts";
import { requestLogger, type Logger } from "./requestLog.ts";
import { isDiskFull } from "../store/diskFull.ts";
import type { UserStore } from "../store/userStore.ts";
import type { ReviewStore } from "../store/reviewStore.ts";
import type { AuditStore } from "../store/auditStore.ts";

export interface AppDeps {
  readonly classifier: Classifier;
  /** Single classifications (the API and the form), serialised; on threads of their own in the server. */
  readonly classifyService: ClassifyService;
  readonly store: ClassificationStore;
  readonly listData: ListData;
  /** The clock, injectable so tests can fix "today". */
  readonly now: () => Date;
  readonly bulk: {
    readonly jobs: BatchJobs;
    readonly batchDir: string;
    readonly maxUploadBytes: number;
  };
  readonly security: SecuritySettings;
  readonly logger: Logger;
  /** This app's counters and registry (GET /metrics). */
  readonly metrics: Metrics;
  /** Accounts, reviews and the audit log (in the store's database). */
  readonly users: UserStore;
  readonly reviews: ReviewStore;
  readonly audit: AuditStore;
  /** The models records name, for precedents; and how a text's model is read. */
  readonly precedents: PrecedentStore;
  readonly readModel: (text: string) => ModelNumber | null;
}

/** What the routers share besides the dependencies: CSRF and rate limits built once per app. */
export interface AppGuards {
  readonly csrf: ReturnType<typeof createCsrf>;
  readonly limits: ReturnType<typeof rateLimits>;
}

/** JSON bodies are small: a 5,000-character description escapes to well under this. */
const JSON_LIMIT = "64kb";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The one way to build the app, for the server and for every test. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // Answers are made per request (classifications, pages with a per-browser form token): hashing
  // every body for an ETag costs time and never saves a transfer. Static files keep theirs.
  app.set("etag", false);
  app.set("views", path.join(ROOT, "views"));
  app.set("view engine", "ejs");
  // First, so every response (refusals included) carries a request id and is logged and counted.
  app.use(deps.metrics.http);
  app.use(requestLogger(deps.logger));
  // HTTPS-only instructions only when the site is served over HTTPS: on a plain-HTTP deployment
  // reached by a host name, upgrade-insecure-requests would send the browser to an https:// that
  // does not answer (stylesheet, script, every link and form), and HSTS would pin it there.
  const https = deps.security.https;
  app.use(
    helmet({
      strictTransportSecurity: https ? { maxAge: 31_536_000 } : false,
      contentSecurityPolicy: {
        directives: {
          upgradeInsecureRequests: https ? [] : null,
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", "data:"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          baseUri: ["'none'"],
        },
      },
    }),
  );

  const guards: AppGuards = { csrf: createCsrf(deps.security), limits: rateLimits(deps.security) };
  // ACCESS_TOKEN and basic credentials guard the app while it has no accounts (simple mode); once
  // it has, sign-in and personal tokens do (the shared token is still taken as a bearer).
  const sharedSecret = accessControl(deps.security);
  app.use((req: Request, res: Response, next: NextFunction) => (accountsExist(deps.users) ? next() : sharedSecret(req, res, next)));
  app.use(authenticate(deps));

  app.get("/healthz", requireRole("anyone"), (_req, res) => {
    const database = deps.store.ping() ? "ok" : "unavailable";
    res.status(database === "ok" ? 200 : 503).json({
      status: database === "ok" ? "ok" : "degraded",
      database,
      editions: deps.listData.editions.map((e) => ({
        id: e.id,
        direction: e.direction,
        effectiveFrom: e.effectiveFrom,
        effectiveTo: e.effectiveTo,
        entries: e.entries.length,
      })),
    });
  });

  // After access control: the metrics describe traffic, verdicts and the runtime, not for anyone to
  // read. With no access control configured, only a scraper on this machine gets them.
  const metricsOpen = () => deps.security.accessToken !== null || deps.security.basicAuth !== null || accountsExist(deps.users);
  app.get("/metrics", requireRole("viewer"), async (req: Request, res: Response, next: NextFunction) => {
    if (!metricsOpen() && !isLoopback(req.ip)) return next();
    res.set("Cache-Control", "no-store").type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.use("/api/v1", guards.limits.api, express.json({ limit: JSON_LIMIT }), apiRouter(deps));

  app.use("/static", express.static(path.join(ROOT, "public"), { index: false, maxAge: "1h" }));
  app.use(cookieParser());
  app.use(pageLocals);
  app.use(guards.csrf.tokens);
  app.get("/lang/:lang", requireRole("anyone"), (req: Request<{ lang: string }>, res: Response) => {
    const lang = req.params.lang === "zh" ? "zh" : "en";
    res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: "lax", maxAge: 365 * 24 * 3600 * 1000, secure: deps.security.cookieSecure || req.secure });
    res.redirect(303, safeNext(req.query.next));
  });
  app.use(pagesRouter(deps, guards));
  app.use(listsRouter(deps));
  app.use(bulkRouter(deps, guards));
  app.use(recheckPages(deps, guards));
  app.use(usersRouter(deps, guards));

  app.use((_req: Request, res: Response) => {
    res.status(404).render("error", { heading: res.locals.t("error.notFound.title"), message: res.locals.t("error.notFound.body") });
  });
  app.use(errorHandler);
  return app;
}

const EN = translator("en");
const ZH = translator("zh");

const isLoopback = (ip: string | undefined) => ip === "::1" || ip?.startsWith("127.") === true || ip?.startsWith("::ffff:127.") === true;

/** What every page template needs: the language, its translator, where the language link returns to. */
function pageLocals(req: Request, res: Response, next: NextFunction): void {
  const lang: Lang = chooseLang(req);
  res.locals.lang = lang;
  res.locals.otherLang = lang === "zh" ? "en" : "zh";
  res.locals.t = translator(lang);
  res.locals.currentPath = req.originalUrl;
  res.locals.activeNav = "";
  res.locals.engineVersion = ENGINE_VERSION;
  res.vary("Accept-Language");
  next();
}

/** Only a path on this site, so the language link cannot be used to send people elsewhere. */
function safeNext(next: unknown): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\") ? next : "/";
}

/** Client errors (bad JSON, too large, malformed URL escapes) get their 4xx and a plain message; anything else is a 500 with no internals. */
function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const e = err as { type?: string; status?: number; statusCode?: number };
  let status = typeof e.status === "number" && e.status >= 400 && e.status < 500 ? e.status : 500;
  let message = "Something went wrong on our side. Please try again.";
  let key: "badRequest" | "tooLarge" | "server" | "csrf" | "diskFull" = "server";
  if (isDiskFull(err)) {
    // Nothing was stored and reads still work: a passing state that clears when space returns.
    // An API client may read either language, so it gets both.
    status = 503;
    key = "diskFull";
    message = `${EN("error.diskFull.body")} ${ZH("error.diskFull.body")}`;
    if (!res.headersSent) res.set("Retry-After", "60");
    req.log.warn({ err }, "disk full");
  } else if ((err as { code?: string }).code === "EBADCSRFTOKEN") {
    message = "The form has expired. Reload the page and submit it again.";
    key = "csrf";
  } else if (e.type === "entity.parse.failed") {
    message = "The request body is not valid JSON.";
    key = "badRequest";
  } else if (status === 413) {
    message = "The request body is too large.";
    key = "tooLarge";
  } else if (status < 500) {
    message = "The request could not be read.";
    key = "badRequest";
  } else {
    // The stack goes to the log with the request id, never to the client.
    req.log.error({ err }, "unhandled error");
  }
  if (res.headersSent) return;
  if (req.path.startsWith("/api/") || typeof res.locals.t !== "function") {
    res.status(status).json({ error: message, fields: {} });
    return;
  }
  const t = res.locals.t as (key: string) => string;
  res.status(status).render("error", { heading: t(`error.${key}.title`), message: t(`error.${key}.body`) });
}
