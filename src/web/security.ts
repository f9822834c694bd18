import { randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { MemoryStore, rateLimit } from "express-rate-limit";
import { doubleCsrf } from "csrf-csrf";

/** Security settings of a deployment; the defaults suit one user on their own machine. */
export interface SecuritySettings {
  /** A shared secret: sent as `Authorization: Bearer …`, or as the password of HTTP basic auth. */
  readonly accessToken: string | null;
  /** HTTP basic credentials for every page and API route. */
  readonly basicAuth: { readonly user: string; readonly password: string } | null;
  /** Requests a client may make to the API per minute; 0 turns the limit off. */
  readonly apiRatePerMinute: number;
  /** Uploads (browser bulk) a client may start per minute; 0 turns the limit off. */
  readonly uploadsPerMinute: number;
  /** Mark cookies Secure (set when the app is served over HTTPS); their names then take the __Host- prefix. */
  readonly cookieSecure: boolean;
  /**
   * The site is served over HTTPS (COOKIE_SECURE=true or an https PUBLIC_URL): only then are browsers
   * told to upgrade requests and to keep to HTTPS (HSTS).
   */
  readonly https: boolean;
  /** Signs CSRF tokens; a random one per start when unset (forms then expire on restart). */
  readonly csrfSecret: string | null;
  /** Failed sign-ins allowed per client address, and per account name, in 15 minutes; then 429 until the window passes. */
  readonly failedAuthPerClient: number;
  readonly failedAuthPerAccount: number;
}

export const DEFAULT_SECURITY: SecuritySettings = {
  accessToken: null,
  basicAuth: null,
  apiRatePerMinute: 6000,
  uploadsPerMinute: 30,
  cookieSecure: false,
  https: false,
  csrfSecret: null,
  failedAuthPerClient: 10,
  failedAuthPerAccount: 30,
};

const FAILED_AUTH_WINDOW_MS = 15 * 60_000;

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Optional access control for shared deployments: when a token or basic credentials are set,
 * every page and API route needs them (the health check stays open for probes). Browsers get
 * the basic-auth prompt; scripts can send the token as a bearer header.
 */
export function accessControl(settings: SecuritySettings): RequestHandler {
  const { accessToken, basicAuth } = settings;
  if (!accessToken && !basicAuth) return (_req, _res, next) => next();
  // Failed attempts are counted per client and per account name, and checked before any credential
  // is: a guesser is stopped whether it moves between accounts or between addresses.
  const failures = new MemoryStore();
  failures.init({ windowMs: FAILED_AUTH_WINDOW_MS } as Parameters<MemoryStore["init"]>[0]);
  const overLimit = async (clientKey: string, accountKey: string | null) => {
    const client = (await failures.get(clientKey))?.totalHits ?? 0;
    const account = accountKey ? ((await failures.get(accountKey))?.totalHits ?? 0) : 0;
    return client >= settings.failedAuthPerClient || account >= settings.failedAuthPerAccount;
  };
  const answer = (req: Request, res: Response, status: 401 | 429, message: string) => {
    if (status === 401) res.set("WWW-Authenticate", 'Basic realm="Crypto Licence Classifier", charset="UTF-8"');
    else res.set("Retry-After", String(FAILED_AUTH_WINDOW_MS / 1000));
    refuse(req, res, status, message);
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.path === "/healthz") return next();
    const header = req.get("authorization") ?? "";
    let user: string | null = null;
    let password = "";
    if (header.startsWith("Basic ")) {
      const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      user = (colon >= 0 ? decoded.slice(0, colon) : decoded).slice(0, 200);
      password = colon >= 0 ? decoded.slice(colon + 1) : "";
    }
    const clientKey = `client:${req.ip ?? "unknown"}`;
    const accountKey = user !== null ? `account:${user}` : null;
    if (header !== "" && (await overLimit(clientKey, accountKey))) {
      answer(req, res, 429, "Too many failed sign-in attempts: wait 15 minutes before trying again.");
      return;
    }
    if (accessToken && header.startsWith("Bearer ") && same(header.slice(7).trim(), accessToken)) return next();
    if (user !== null) {
      if (basicAuth && same(user, basicAuth.user) && same(password, basicAuth.password)) return next();
      if (accessToken && same(password, accessToken)) return next();
    }
    // A request with no credentials at all is a browser's first visit, not a guess.
    if (header !== "") {
      await failures.increment(clientKey);
      if (accountKey) await failures.increment(accountKey);
    }
    answer(req, res, 401, "Authentication required.");
  };
}

/**
 * A refusal in the form its client reads: JSON on the API; on a page whose language is known, the
 * translated error page (`pageKey`.title / .body); before that (access control runs first), plain text.
 */
function refuse(req: Request, res: Response, status: number, message: string, pageKey?: string): void {
  if (req.originalUrl.startsWith("/api/")) {
    res.status(status).json({ error: message, fields: {} });
    return;
  }
  const t = res.locals.t as ((key: string) => string) | undefined;
  if (pageKey && t) res.status(status).render("error", { heading: t(`${pageKey}.title`), message: t(`${pageKey}.body`) });
  else res.status(status).type("text/plain").send(message);
}

/** Per-client limits: the API by its own budget, uploads (and re-runs) by a smaller one. */
export function rateLimits(settings: SecuritySettings): { api: RequestHandler; uploads: RequestHandler } {
  const limiter = (limit: number, message: string) =>
    limit <= 0
      ? ((_req: Request, _res: Response, next: NextFunction) => next()) as RequestHandler
      : rateLimit({
          windowMs: 60_000,
          limit,
          standardHeaders: "draft-7",
          legacyHeaders: false,
          handler: (req, res) => refuse(req, res, 429, message, "error.tooMany"),
        });
  return {
    api: limiter(settings.apiRatePerMinute, "Too many requests: please slow down and retry in a minute."),
    uploads: limiter(settings.uploadsPerMinute, "Too many uploads: please wait a minute before starting another batch."),
  };
}

/**
 * The form-token cookies' names. Served over HTTPS they take the __Host- prefix, which a browser
 * accepts only from this very host, over HTTPS, for the whole site: a sibling subdomain or a man in
 * the middle on plain HTTP cannot plant a pair of its own to pass the check.
 */
export function cookieNames(secure: boolean): { session: string; csrf: string } {
  const prefix = secure ? "__Host-" : "";
  return { session: `${prefix}clc_sid`, csrf: `${prefix}clc_csrf` };
}

export interface Csrf {
  /** Ensures the browser has an anonymous session cookie and exposes `csrfToken` to the views. */
  readonly tokens: RequestHandler;
  /** Rejects a form POST without a valid token (after its body is parsed). */
  readonly protect: RequestHandler;
}

/**
 * CSRF protection for the HTML forms: double-submit tokens (csrf-csrf) bound to an anonymous,
 * random per-browser cookie. The JSON and CSV APIs need a non-form content type, which a
 * cross-site form cannot send, so they are not in scope.
 */
export function createCsrf(settings: SecuritySettings): Csrf {
  const secret = settings.csrfSecret ?? randomBytes(32).toString("hex");
  const cookieOptions = { httpOnly: true, sameSite: "lax" as const, secure: settings.cookieSecure, path: "/" };
  const names = cookieNames(settings.cookieSecure);
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => String((req.cookies as Record<string, string> | undefined)?.[names.session] ?? ""),
    cookieName: names.csrf,
    cookieOptions,
    getCsrfTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === "string" ? body._csrf : undefined;
      const fromQuery = typeof req.query._csrf === "string" ? req.query._csrf : undefined;
      return fromBody ?? fromQuery ?? req.get("x-csrf-token");
    },
    errorConfig: { statusCode: 403, message: "invalid csrf token", code: "EBADCSRFTOKEN" },
  });
  return {
    tokens: (req, res, next) => {
      const cookies = (req.cookies ?? {}) as Record<string, string>;
      if (!cookies[names.session]) {
        const sid = randomBytes(18).toString("base64url");
        cookies[names.session] = sid;
        req.cookies = cookies;
        res.cookie(names.session, sid, cookieOptions);
      }
      res.locals.csrfToken = generateCsrfToken(req, res, { overwrite: false, validateOnReuse: false });
      next();
    },
    protect: doubleCsrfProtection,
  };
}
