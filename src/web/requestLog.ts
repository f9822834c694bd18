import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { pino, type DestinationStream, type LevelWithSilent, type Logger } from "pino";
import { routeLabel, safePath } from "./metrics.ts";

export type { Logger };

/** JSON lines on stdout (or the given stream). */
export function createLogger(options: { level?: LevelWithSilent; destination?: DestinationStream } = {}): Logger {
  return pino({ level: options.level ?? "info" }, options.destination);
}

/** An incoming id is reused only when it is a short token that cannot forge or bloat log lines. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Routes probed every few seconds: at debug, so they do not drown the info log. */
const PROBES = new Set(["/healthz", "/metrics"]);

declare module "http" {
  interface IncomingMessage {
    /** The request id, also sent back in X-Request-Id. */
    id: string;
    /** A logger whose lines carry the request id. */
    log: Logger;
  }
}

/**
 * One log line per request, with a request id that is echoed in X-Request-Id. Descriptions travel in
 * bodies, query strings (`?description=` names a column) and headers carry credentials, so a line holds
 * only the method, the route pattern (or, unmatched, the path without its query and ids), the status,
 * the time taken and the response size; never bodies, query strings or headers.
 *
 * Written for this app rather than with pino-http: that makes two child loggers per request, which
 * cost more than the line itself on the classification API's hot path. Here the line is one call,
 * and a child logger is made only when something logs through `req.log` (an error).
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    const incoming = req.headers["x-request-id"];
    const id = typeof incoming === "string" && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader("X-Request-Id", id);
    req.id = id;
    let child: Logger | undefined;
    Object.defineProperty(req, "log", { configurable: true, enumerable: false, get: () => (child ??= logger.child({ reqId: id })) });

    const done = (err?: unknown) => {
      res.off("finish", done);
      res.off("close", done);
      res.off("error", done);
      const route = routeLabel(req);
      const failed = err !== undefined || res.statusCode >= 500;
      const level = failed ? "error" : PROBES.has(route) ? "debug" : "info";
      if (!logger.isLevelEnabled(level)) return;
      const length = Number(res.getHeader("content-length"));
      logger[level](
        {
          reqId: id,
          method: req.method,
          route,
          ...(route === "unmatched" ? { path: safePath(req) } : {}),
          status: res.statusCode,
          responseTime: Date.now() - started,
          ...(Number.isFinite(length) ? { contentLength: length } : {}),
          ...(err !== undefined ? { err: safeError(err) } : {}),
        },
        failed ? "request failed" : "request completed",
      );
    };
    res.on("finish", done);
    res.on("close", done);
    res.on("error", done);
    next();
  };
}

/** Errors keep their stack for the log, but not arbitrary properties (a body-parser error holds the body). */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { type: err.name, message: err.message, stack: err.stack, ...(code !== undefined ? { code } : {}) };
}
