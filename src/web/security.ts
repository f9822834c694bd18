import { randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { rateLimit } from "express-rate-limit";
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
  /** Mark cookies Secure (set when the app is served over HTTPS). */
  readonly cookieSecure: boolean;
  /** Signs CSRF tokens; a random one per start when unset (forms then expire on restart). */
  readonly csrfSecret: string | null;
}

export const DEFAULT_SECURITY: SecuritySettings = {
  accessToken: null,
  basicAuth: null,
  apiRatePerMinute: 6000,
  uploadsPerMinute: 30,
  cookieSecure: false,
  csrfSecret: null,
};

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
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path === "/healthz") return next();
    const header = req.get("authorization") ?? "";
    if (accessToken && header.startsWith("Bearer ") && same(header.slice(7).trim(), accessToken)) return next();
    if (header.startsWith("Basic ")) {
      const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const user = colon >= 0 ? decoded.slice(0, colon) : decoded;
      const password = colon >= 0 ? decoded.slice(colon + 1) : "";
      if (basicAuth && same(user, basicAuth.user) && same(password, basicAuth.password)) return next();
      if (accessToken && same(password, accessToken)) return next();
    }
    res.set("WWW-Authenticate", 'Basic realm="Crypto Licence Classifier", charset="UTF-8"');
    if (req.path.startsWith("/api/")) res.status(401).json({ error: "Authentication required.", fields: {} });
    else res.status(401).type("text/plain").send("Authentication required.");
  };
}

/** Per-client limits: the API by its own budget, uploads by a smaller one. */
export function rateLimits(settings: SecuritySettings): { api: RequestHandler; uploads: RequestHandler } {
  const limiter = (limit: number, message: string) =>
    limit <= 0
      ? ((_req: Request, _res: Response, next: NextFunction) => next()) as RequestHandler
      : rateLimit({
          windowMs: 60_000,
          limit,
          standardHeaders: "draft-7",
          legacyHeaders: false,
          handler: (req, res) => {
            if (req.path.startsWith("/api/") || req.originalUrl.startsWith("/api/")) res.status(429).json({ error: message, fields: {} });
            else res.status(429).type("text/plain").send(message);
          },
        });
  return {
    api: limiter(settings.apiRatePerMinute, "Too many requests: please slow down and retry in a minute."),
    uploads: limiter(settings.uploadsPerMinute, "Too many uploads: please wait a minute before starting another batch."),
  };
}

export const SESSION_COOKIE = "clc_sid";

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
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => String((req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE] ?? ""),
    cookieName: "clc_csrf",
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
      if (!cookies[SESSION_COOKIE]) {
        const sid = randomBytes(18).toString("base64url");
        cookies[SESSION_COOKIE] = sid;
        req.cookies = cookies;
        res.cookie(SESSION_COOKIE, sid, cookieOptions);
      }
      res.locals.csrfToken = generateCsrfToken(req, res, { overwrite: false, validateOnReuse: false });
      next();
    },
    protect: doubleCsrfProtection,
  };
}
