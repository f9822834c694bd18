import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import session from "express-session";
import { type Role, hasRole } from "../core/roles.ts";
import type { User, UserStore } from "../store/userStore.ts";
import { authenticateToken } from "../app/users.ts";
import type { Actor } from "../app/audit.ts";
import type { AppDeps } from "./createApp.ts";

/**
 * Who is asking, and with which rights. With no accounts in the database everyone is the implicit
 * local user, with every right (the app as it ran before accounts). With accounts: a signed-in
 * browser (a session), a personal API token, the shared ACCESS_TOKEN (all rights), or nobody.
 */
export interface Principal {
  readonly user: User | null;
  /** The name the audit log and the records keep; null for the implicit local user. */
  readonly name: string | null;
  readonly role: Role;
  readonly via: "local" | "session" | "token" | "shared";
}

declare module "express-serve-static-core" {
  interface Request {
    principal?: Principal | null;
  }
}

declare module "express-session" {
  interface SessionData {
    userId?: number;
  }
}

const LOCAL: Principal = { user: null, name: null, role: "admin", via: "local" };
const SHARED: Principal = { user: null, name: "access-token", role: "admin", via: "shared" };

/** How long a browser stays signed in without a visit. */
const SESSION_IDLE_MS = 8 * 3600 * 1000;

export const actorOf = (req: Request): Actor => ({ name: req.principal?.name ?? null });

/** Sessions in the app's own database, so they survive a restart and "log out everywhere" can end them all. */
export class SqliteSessionStore extends session.Store {
  constructor(private readonly users: UserStore) {
    super();
  }

  get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    try {
      const found = this.users.getSession(sid, new Date());
      callback(null, found ? (JSON.parse(found.data) as session.SessionData) : null);
    } catch (err) {
      callback(err);
    }
  }

  set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    try {
      this.users.setSession(sid, { data: JSON.stringify(data), userId: data.userId ?? null, expires: this.expiry(data) });
      callback?.();
    } catch (err) {
      callback?.(err);
    }
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    try {
      this.users.touchSession(sid, this.expiry(data));
    } finally {
      callback?.();
    }
  }

  destroy(sid: string, callback?: (err?: unknown) => void): void {
    try {
      this.users.destroySession(sid);
      callback?.();
    } catch (err) {
      callback?.(err);
    }
  }

  private expiry(data: session.SessionData): number {
    const expires = data.cookie?.expires;
    // Real time, not the app's clock: the session cookie's own expiry is set from real time too.
    return expires ? new Date(expires).getTime() : Date.now() + SESSION_IDLE_MS;
  }
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const sessionCookieName = (secure: boolean): string => `${secure ? "__Host-" : ""}clc_auth`;

const isApi = (req: Request) => req.originalUrl.startsWith("/api/");

/** Finds the principal of every request (see Principal); answers 401 at once for a bad bearer token. */
export function authenticate(deps: AppDeps): RequestHandler {
  const secure = deps.security.cookieSecure;
  let sessions: RequestHandler | null = null;
  // Built on first use: a database without accounts never needs the session secret.
  const sessionMiddleware = () =>
    (sessions ??= session({
      name: sessionCookieName(secure),
      secret: deps.users.sessionSecret(),
      store: new SqliteSessionStore(deps.users),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: SESSION_IDLE_MS },
    }));
  return (req: Request, res: Response, next: NextFunction) => {
    const finish = (principal: Principal | null) => {
      req.principal = principal;
      res.locals.principal = principal;
      res.locals.singleUser = principal?.via === "local";
      res.locals.can = (role: Role) => principal !== null && hasRole(principal.role, role);
      next();
    };
    // The health probe answers whatever state the database is in.
    if (req.path === "/healthz") return finish(null);
    if (!accountsExist(deps.users)) return finish(LOCAL);
    const header = req.get("authorization") ?? "";
    if (header.startsWith("Bearer ")) {
      const raw = header.slice(7).trim();
      if (deps.security.accessToken && same(raw, deps.security.accessToken)) return finish(SHARED);
      const found = authenticateToken(deps, raw);
      if (!found) {
        const message = "The API token is not valid: unknown, revoked, or its account is disabled.";
        if (isApi(req)) res.status(401).json({ error: message, fields: {} });
        else res.status(401).type("text/plain").send(message);
        return;
      }
      return finish({ user: found.user, name: found.user.name, role: found.role, via: "token" });
    }
    sessionMiddleware()(req, res, (err?: unknown) => {
      if (err) return next(err);
      const id = req.session.userId;
      const user = id === undefined ? null : deps.users.byId(id);
      if (!user || user.disabled) {
        if (id !== undefined) delete req.session.userId;
        return finish(null);
      }
      const { passwordHash: _hash, ...account } = user;
      finish({ user: account, name: account.name, role: account.role, via: "session" });
    });
  };
}

/** Whether the app has accounts; a database that cannot say is taken to have them (closed, not open). */
export function accountsExist(users: UserStore): boolean {
  try {
    return users.any();
  } catch {
    return true;
  }
}

export type Access = Role | "anyone";
export type RoleGuard = RequestHandler & { readonly requiredRole: Access };

/**
 * The role a route needs, put first among its handlers so each route says it beside its path (a
 * test walks the router stack and fails on a route without one). Nobody signed in: the API answers
 * 401, a page sends the browser to the sign-in page. Too small a role: 403.
 */
export function requireRole(role: Access): RoleGuard {
  const guard = (req: Request, res: Response, next: NextFunction) => {
    if (role === "anyone") return next();
    const principal = req.principal ?? null;
    if (principal === null) {
      if (isApi(req)) {
        res.status(401).json({ error: "Sign in, or send a personal API token as Authorization: Bearer ….", fields: {} });
        return;
      }
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (hasRole(principal.role, role)) return next();
    const message = `This needs the ${role} role or above; yours is ${principal.role}.`;
    if (isApi(req) || typeof res.locals.t !== "function") {
      res.status(403).json({ error: message, fields: {} });
      return;
    }
    const t = res.locals.t as (key: string, params?: Record<string, string>) => string;
    res.status(403).render("error", {
      heading: t("error.forbidden.title"),
      message: t("error.forbidden.body", { needed: t(`role.${role}`), held: t(`role.${principal.role}`) }),
    });
  };
  return Object.assign(guard, { requiredRole: role });
}
