import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import type { Classifier } from "../core/classify.ts";
import type { ListData } from "../data/loadListData.ts";
import type { ClassificationStore } from "../store/classificationStore.ts";
import { apiRouter } from "./apiRouter.ts";

export interface AppDeps {
  readonly classifier: Classifier;
  readonly store: ClassificationStore;
  readonly listData: ListData;
  /** The clock, injectable so tests can fix "today". */
  readonly now: () => Date;
}

/** JSON bodies are small: a 5,000-character description escapes to well under this. */
const JSON_LIMIT = "64kb";

/** The one way to build the app, for the server and for every test. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
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

  app.get("/healthz", (_req, res) => {
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

  app.use("/api/v1", express.json({ limit: JSON_LIMIT }), apiRouter(deps));

  app.use((_req: Request, res: Response) => {
    res.status(404).type("text/plain").send("Not found");
  });
  app.use(errorHandler);
  return app;
}

/** Body-parser errors become 400/413 with a plain message; anything else is a 500 with no internals. */
function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const e = err as { type?: string; status?: number; expose?: boolean };
  let status = 500;
  let message = "Something went wrong on our side. Please try again.";
  if (e.type === "entity.parse.failed") {
    status = 400;
    message = "The request body is not valid JSON.";
  } else if (e.type === "entity.too.large") {
    status = 413;
    message = "The request body is too large.";
  } else if (typeof e.status === "number" && e.status >= 400 && e.status < 500 && e.expose) {
    status = e.status;
    message = "The request could not be read.";
  } else {
    console.error(err);
  }
  if (res.headersSent) return;
  if (req.path.startsWith("/api/")) res.status(status).json({ error: message, fields: {} });
  else res.status(status).type("text/plain").send(message);
}
