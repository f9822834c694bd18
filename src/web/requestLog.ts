import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, RequestHandler } from "express";
import { pino, type DestinationStream, type LevelWithSilent, type Logger } from "pino";
import { pinoHttp } from "pino-http";
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

/**
 * One log line per request, with a request id that is echoed in X-Request-Id. Descriptions travel in
 * bodies, query strings (`?description=` names a column) and headers carry credentials, so a line holds
 * only the method, the route pattern (or, unmatched, the path without its query and ids), the status,
 * the time taken and the response size; never bodies, query strings or headers.
 */
export function requestLogger(logger: Logger): RequestHandler {
  const summary = (req: IncomingMessage, res: ServerResponse, responseTime: unknown) => {
    const route = routeLabel(req as Request);
    const length = Number(res.getHeader("content-length"));
    return {
      method: req.method,
      route,
      ...(route === "unmatched" ? { path: safePath(req as Request) } : {}),
      status: res.statusCode,
      responseTime,
      ...(Number.isFinite(length) ? { contentLength: length } : {}),
    };
  };
  return pinoHttp({
    logger,
    // Our own objects below replace pino-http's req and res, which carry headers and the full URL; the
    // serializers make sure neither can reach a line through a child logger either.
    quietReqLogger: true,
    quietResLogger: true,
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined, err: safeError },
    genReqId: (req, res) => {
      const incoming = req.headers["x-request-id"];
      const id = typeof incoming === "string" && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return "error";
      return PROBES.has(routeLabel(req as Request)) ? "debug" : "info";
    },
    customSuccessObject: (req, res, val: { responseTime: unknown }) => summary(req, res, val.responseTime),
    customErrorObject: (req, res, _err, val: { responseTime: unknown }) => summary(req, res, val.responseTime),
    customSuccessMessage: () => "request completed",
    customErrorMessage: () => "request failed",
  });
}

/** Errors keep their stack for the log, but not arbitrary properties (a body-parser error holds the body). */
function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { type: err.name, message: err.message, stack: err.stack, ...(code !== undefined ? { code } : {}) };
}
