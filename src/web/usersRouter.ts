import express, { type NextFunction, type Request, type Response } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { z } from "zod";
import { isRole } from "../core/roles.ts";
import { changeRole, createToken, createUser, logoutEverywhere, resetPassword, revokeToken, setDisabled, verifyLogin } from "../app/users.ts";
import { recordAudit } from "../app/audit.ts";
import { safeCsv } from "../bulk/csvSafety.ts";
import type { AuditFilter } from "../store/auditStore.ts";
import type { AppDeps, AppGuards } from "./createApp.ts";
import { actorOf, requireRole, sessionCookieName } from "./auth.ts";
import type { Translate } from "./i18n/index.ts";

const FORM = express.urlencoded({ extended: false, limit: "8kb" });
/** Wrong passwords allowed per account name and client address in the window; the next is 429. */
export const LOGIN_ATTEMPTS = 5;
const LOGIN_WINDOW_MS = 15 * 60_000;
const AUDIT_PAGE = 50;
const AUDIT_CSV_MAX = 100_000;

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** Only a path on this site, so the sign-in page cannot be used to send people elsewhere. */
const safeNext = (next: unknown) => (typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\") ? next : "/");

/** Sign-in and sign-out, the account page and its tokens; the admin's users page and audit log. */
export function usersRouter(deps: AppDeps, guards: AppGuards): express.Router {
  const router = express.Router();
  const t = (res: Response) => res.locals.t as Translate;

  const renderLogin = (res: Response, values: { name: string; next: string }, error: string | null, status = 200) =>
    res.status(status).render("login", { title: t(res)("login.title"), values, error });

  // Counted per account name and client address; a sign-in that succeeds is not counted.
  const loginLimit = rateLimit({
    windowMs: LOGIN_WINDOW_MS,
    limit: LOGIN_ATTEMPTS,
    skipSuccessfulRequests: true,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? "unknown")}|${text((req.body as Record<string, unknown> | undefined)?.name).trim().toLowerCase().slice(0, 64)}`,
    handler: (req, res) => {
      const account = deps.users.byName(text((req.body as Record<string, unknown>).name).trim().slice(0, 64));
      recordAudit(deps, { name: account?.name ?? null }, "login_failed", account?.name ?? null, "throttled");
      renderLogin(res, { name: text((req.body as Record<string, unknown>).name), next: safeNext((req.body as Record<string, unknown>).next) }, t(res)("login.tooMany"), 429);
    },
  });

  router.get("/login", requireRole("anyone"), (req: Request, res: Response) => {
    if (!deps.users.any()) return res.redirect(303, "/");
    renderLogin(res, { name: "", next: safeNext(req.query.next) }, null);
  });

  router.post("/login", requireRole("anyone"), FORM, guards.csrf.protect, loginLimit, async (req: Request, res: Response, next: NextFunction) => {
    if (!deps.users.any()) return res.redirect(303, "/");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = text(body.name).trim();
    const password = text(body.password);
    const to = safeNext(body.next);
    if (name === "" || password === "") return renderLogin(res, { name, next: to }, t(res)("login.missing"), 400);
    const user = await verifyLogin(deps, name, password);
    if (!user) return renderLogin(res, { name, next: to }, t(res)("login.failed"), 401);
    // A new session id on sign-in: an id planted before it (session fixation) is worth nothing after.
    req.session.regenerate((err: unknown) => {
      if (err) return next(err);
      req.session.userId = user.id;
      req.session.save((saveErr: unknown) => (saveErr ? next(saveErr) : res.redirect(303, to)));
    });
  });

  router.post("/logout", requireRole("anyone"), FORM, guards.csrf.protect, (req: Request, res: Response) => {
    if (req.principal?.via === "session") recordAudit(deps, actorOf(req), "logout");
    const done = () => {
      res.clearCookie(sessionCookieName(deps.security.cookieSecure), { path: "/" });
      res.redirect(303, deps.users.any() ? "/login" : "/");
    };
    if (req.session) req.session.destroy(done);
    else done();
  });

  const renderAccount = (req: Request, res: Response, extra: { newToken?: { name: string; raw: string }; error?: { field: string; message: string } } = {}, status = 200) => {
    const user = req.principal?.user ?? null;
    if (extra.newToken) res.set("Cache-Control", "no-store");
    res.status(status).render("account", {
      title: t(res)("account.title"),
      account: user,
      role: req.principal?.role,
      tokens: user ? deps.users.tokensOf(user.id) : [],
      newToken: extra.newToken ?? null,
      error: extra.error ?? null,
    });
  };

  router.get("/account", requireRole("viewer"), (req: Request, res: Response) => renderAccount(req, res));

  router.post("/account/tokens", requireRole("viewer"), FORM, guards.csrf.protect, (req: Request, res: Response) => {
    const user = req.principal?.user;
    if (!user || req.principal?.via !== "session") return renderAccount(req, res, {}, 409);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const role = text(body.role);
    if (!isRole(role)) return renderAccount(req, res, { error: { field: "role", message: t(res)("users.error.badRole") } }, 400);
    const made = createToken(deps, user, { name: text(body.name), role });
    if (!made.ok) {
      const key = made.problem === "badName" ? "account.token.error.name" : "account.token.error.role";
      return renderAccount(req, res, { error: { field: made.field, message: t(res)(key) } }, 400);
    }
    renderAccount(req, res, { newToken: { name: made.token.name, raw: made.raw } }, 201);
  });

  router.post("/account/tokens/:id/revoke", requireRole("viewer"), FORM, guards.csrf.protect, (req: Request<{ id: string }>, res: Response) => {
    const user = req.principal?.user;
    if (!user || !revokeToken(deps, user, req.params.id)) {
      return renderAccount(req, res, { error: { field: "token", message: t(res)("account.token.error.notFound") } }, 404);
    }
    res.redirect(303, "/account");
  });

  router.post("/account/logout-everywhere", requireRole("viewer"), FORM, guards.csrf.protect, (req: Request, res: Response) => {
    const user = req.principal?.user;
    if (!user) return res.redirect(303, "/");
    logoutEverywhere(deps, user);
    res.clearCookie(sessionCookieName(deps.security.cookieSecure), { path: "/" });
    const done = () => res.redirect(303, "/login");
    if (req.session) req.session.destroy(done);
    else done();
  });

  const renderUsers = (res: Response, extra: { error?: { field: string; message: string; user?: string }; saved?: boolean; values?: Record<string, string> } = {}, status = 200) =>
    res.status(status).render("admin-users", {
      title: t(res)("users.title"),
      activeNav: "users",
      accounts: deps.users.list(),
      noAccounts: !deps.users.any(),
      error: extra.error ?? null,
      saved: extra.saved ?? false,
      values: extra.values ?? { name: "", role: "classifier" },
    });
  const problemMessage = (res: Response, problem: string) => t(res)(`users.error.${problem}`);

  router.get("/admin/users", requireRole("admin"), (_req: Request, res: Response) => renderUsers(res, { saved: _req.query.saved === "1" }));

  router.post("/admin/users", requireRole("admin"), FORM, guards.csrf.protect, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { name: text(body.name).trim(), role: text(body.role) };
    // The first account is made on the server (npm run user): no one on the network makes themselves admin.
    if (!deps.users.any()) return renderUsers(res, { values }, 409);
    if (!isRole(values.role)) return renderUsers(res, { values, error: { field: "role", message: problemMessage(res, "badRole") } }, 400);
    const made = await createUser(deps, { name: values.name, password: text(body.password), role: values.role }, actorOf(req));
    if (!made.ok) return renderUsers(res, { values, error: { field: made.field, message: problemMessage(res, made.problem) } }, 400);
    res.redirect(303, "/admin/users?saved=1");
  });

  router.post("/admin/users/:name/role", requireRole("admin"), FORM, guards.csrf.protect, (req: Request<{ name: string }>, res: Response) => {
    const role = text((req.body as Record<string, unknown> | undefined)?.role);
    if (!isRole(role)) return renderUsers(res, { error: { field: "role", message: problemMessage(res, "badRole"), user: req.params.name } }, 400);
    const changed = changeRole(deps, req.params.name, role, actorOf(req));
    if (!changed.ok) return renderUsers(res, { error: { field: changed.field, message: problemMessage(res, changed.problem), user: req.params.name } }, changed.problem === "noSuchUser" ? 404 : 400);
    res.redirect(303, "/admin/users?saved=1");
  });

  router.post("/admin/users/:name/disabled", requireRole("admin"), FORM, guards.csrf.protect, (req: Request<{ name: string }>, res: Response) => {
    const disabled = text((req.body as Record<string, unknown> | undefined)?.disabled) !== "false";
    const changed = setDisabled(deps, req.params.name, disabled, actorOf(req));
    if (!changed.ok) return renderUsers(res, { error: { field: changed.field, message: problemMessage(res, changed.problem), user: req.params.name } }, changed.problem === "noSuchUser" ? 404 : 400);
    res.redirect(303, "/admin/users?saved=1");
  });

  router.post("/admin/users/:name/password", requireRole("admin"), FORM, guards.csrf.protect, async (req: Request<{ name: string }>, res: Response) => {
    const changed = await resetPassword(deps, req.params.name, text((req.body as Record<string, unknown> | undefined)?.password), actorOf(req));
    if (!changed.ok) return renderUsers(res, { error: { field: changed.field, message: problemMessage(res, changed.problem), user: req.params.name } }, changed.problem === "noSuchUser" ? 404 : 400);
    res.redirect(303, "/admin/users?saved=1");
  });

  /** The audit filter from the query; errors name the field. */
  const auditFilter = (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const values = { user: text(q.user).trim().slice(0, 64), from: text(q.from).trim().slice(0, 10), to: text(q.to).trim().slice(0, 10) };
    const errors: { field: string; message: string }[] = [];
    const isDate = (v: string) => z.iso.date().safeParse(v).success;
    if (values.from && !isDate(values.from)) errors.push({ field: "from", message: t(res)("audit.error.from") });
    if (values.to && !isDate(values.to)) errors.push({ field: "to", message: t(res)("audit.error.to") });
    const page = Math.max(1, Math.min(1_000_000, Number.parseInt(text(q.page) || "1", 10) || 1));
    const filter: Omit<AuditFilter, "offset" | "limit"> = { user: values.user || undefined, from: values.from || undefined, to: values.to || undefined };
    return { values, errors, page, filter };
  };

  router.get("/admin/audit", requireRole("admin"), (req: Request, res: Response) => {
    const { values, errors, page, filter } = auditFilter(req, res);
    const { events, total } = errors.length > 0 ? { events: [], total: 0 } : deps.audit.query({ ...filter, offset: (page - 1) * AUDIT_PAGE, limit: AUDIT_PAGE });
    const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== "")).toString();
    res.status(errors.length > 0 ? 400 : 200).render("admin-audit", {
      title: t(res)("audit.title"),
      activeNav: "audit",
      values,
      errors,
      events,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / AUDIT_PAGE)),
      query,
      users: deps.audit.users(),
    });
  });

  router.get("/admin/audit.csv", requireRole("admin"), (req: Request, res: Response) => {
    const { errors, filter } = auditFilter(req, res);
    if (errors.length > 0) {
      res.status(400).type("text/plain").send(errors.map((e) => e.message).join("\n"));
      return;
    }
    const { events } = deps.audit.query({ ...filter, offset: 0, limit: AUDIT_CSV_MAX });
    const rows = [["at", "user", "action", "target", "detail"], ...events.map((e) => [e.at, e.user ?? "", e.action, e.target ?? "", e.detail ?? ""])];
    res.type("text/csv; charset=utf-8").attachment("audit.csv").send(`\ufeff${safeCsv(rows)}`);
  });

  return router;
}
