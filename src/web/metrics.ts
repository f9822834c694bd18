import type { NextFunction, Request, Response } from "express";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Verdict } from "../core/result.ts";
import { RECORD_ID } from "../store/classificationStore.ts";

/** What the app counts, on a registry of its own so two apps (or two tests) never share counts. */
export interface Metrics {
  readonly registry: Registry;
  /** Express middleware timing and counting every request by method, route pattern and status. */
  readonly http: (req: Request, res: Response, next: NextFunction) => void;
  /** A single classification (API or form) was stored. */
  classified(result: { readonly importVerdict: Verdict; readonly exportVerdict: Verdict }): void;
  /** Bulk rows were written: each is classified (both directions counted) or an error. */
  bulkRows(rows: readonly { readonly importVerdict: Verdict | null; readonly exportVerdict: Verdict | null }[]): void;
  batchFinished(status: "done" | "failed"): void;
}

/** 1 ms to 10 s: a single classification takes milliseconds, a streamed batch can take seconds. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processMetrics: Registry | undefined;
/**
 * Node's process metrics (CPU, memory, event-loop lag, GC) describe the process, not an app, and each
 * collection starts an event-loop monitor and a GC observer, so they are created once per process and
 * shared by every app's registry.
 */
function defaultMetrics(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

export function createMetrics(): Metrics {
  const own = new Registry();

  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by method, route pattern and status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [own],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration in seconds, by method and route pattern.",
    labelNames: ["method", "route"] as const,
    buckets: DURATION_BUCKETS,
    registers: [own],
  });
  const classifications = new Counter({
    name: "classifications_total",
    help: "Classifications stored (single and bulk rows), by direction and verdict.",
    labelNames: ["direction", "verdict"] as const,
    registers: [own],
  });
  const batchRows = new Counter({
    name: "batch_rows_total",
    help: "Bulk rows processed, by outcome (classified or error).",
    labelNames: ["outcome"] as const,
    registers: [own],
  });
  const batches = new Counter({
    name: "batches_total",
    help: "Bulk batches finished, by status (done or failed).",
    labelNames: ["status"] as const,
    registers: [own],
  });

  const registry = Registry.merge([defaultMetrics(), own]);

  // Label sets are few; looking each one's series up once saves hashing the labels on every request.
  const series = <T>(make: (key: string) => T) => {
    const known = new Map<string, T>();
    return (key: string) => {
      let s = known.get(key);
      if (s === undefined) known.set(key, (s = make(key)));
      return s;
    };
  };
  const verdictSeries = series((key) => {
    const [direction, verdict] = key.split("\u0000") as [string, string];
    return classifications.labels({ direction, verdict });
  });
  const count = (importVerdict: Verdict, exportVerdict: Verdict) => {
    verdictSeries(`import\u0000${importVerdict}`).inc();
    verdictSeries(`export\u0000${exportVerdict}`).inc();
  };
  const requestSeries = series((key) => {
    const [method, route, status] = key.split("\u0000") as [string, string, string];
    return requests.labels({ method, route, status });
  });
  const durationSeries = series((key) => {
    const [method, route] = key.split("\u0000") as [string, string];
    return duration.labels({ method, route });
  });

  return {
    registry,
    http: (req, res, next) => {
      const start = process.hrtime.bigint();
      trackRoute(req);
      let observed = false;
      // Whichever comes first: the response finished, or the client went away.
      const observe = () => {
        if (observed) return;
        observed = true;
        const route = routeLabel(req);
        requestSeries(`${req.method}\u0000${route}\u0000${res.statusCode}`).inc();
        durationSeries(`${req.method}\u0000${route}`).observe(Number(process.hrtime.bigint() - start) / 1e9);
      };
      res.once("finish", observe);
      res.once("close", observe);
      next();
    },
    classified: (result) => count(result.importVerdict, result.exportVerdict),
    bulkRows: (rows) => {
      let classified = 0;
      for (const row of rows) {
        if (row.importVerdict === null || row.exportVerdict === null) continue;
        count(row.importVerdict, row.exportVerdict);
        classified++;
      }
      if (classified > 0) batchRows.inc({ outcome: "classified" }, classified);
      if (classified < rows.length) batchRows.inc({ outcome: "error" }, rows.length - classified);
    },
    batchFinished: (status) => batches.inc({ status }),
  };
}

const PATTERN = Symbol("routePattern");
type Tracked = Request & { [PATTERN]?: string };

/**
 * Remembers the full pattern (mount path + route path) when the router matches a route: by the time the
 * response ends, a router that passed an error on has already reset req.baseUrl (`/api/v1`).
 */
function trackRoute(req: Request): void {
  let route: unknown = req.route;
  Object.defineProperty(req, "route", {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: unknown) {
      route = value;
      const path = (value as { path?: unknown } | undefined)?.path;
      if (typeof path === "string") (req as Tracked)[PATTERN] = `${req.baseUrl}${path}`;
    },
  });
}

/**
 * The route pattern that answered (`/c/:id`, `/api/v1/classify`), so labels and logs never carry
 * ids or user text; "unmatched" when no route did (404s, requests refused before routing).
 */
export function routeLabel(req: Request): string {
  const tracked = (req as Tracked)[PATTERN];
  if (tracked) return tracked;
  const route = req.route as { path?: unknown } | undefined;
  if (route && typeof route.path === "string") return `${req.baseUrl}${route.path}`;
  // express.static answers without a route; the mount path stays set only when it served a file.
  if (req.baseUrl === "/static") return "/static";
  return "unmatched";
}

/** The raw path for logs of unmatched requests: no query string, record ids blanked, bounded length. */
export function safePath(req: Request): string {
  const pathname = req.originalUrl.split("?", 1)[0] ?? "";
  return pathname
    .split("/")
    .map((segment) => (RECORD_ID.test(segment) ? ":id" : segment))
    .join("/")
    .slice(0, 200);
}
