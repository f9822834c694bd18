import express, { type Request, type Response } from "express";
import type { ClassificationRecord } from "../store/classificationStore.ts";
import { ClassifyRequest, fieldErrors } from "./classifyRequest.ts";
import type { AppDeps } from "./createApp.ts";
import { batchApi } from "./bulkRouter.ts";
import { classifyAndStore, readingOf } from "../app/classifications.ts";
import { recordJsonWithUrl, withTrace } from "./webHelpers.ts";
import { recheckApi } from "./recheckRouter.ts";

/** `?trace=1`: the answer says how the description was read, step by step. */
const wantsTrace = (req: Request) => req.query.trace === "1" || req.query.trace === "true";

export function apiRouter(deps: AppDeps): express.Router {
  const router = express.Router();

  router.post("/classify", async (req: Request, res: Response) => {
    if (!req.is("application/json")) {
      res.status(415).json({ error: "Send the request as JSON (Content-Type: application/json).", fields: {} });
      return;
    }
    const parsed = ClassifyRequest.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: "The request has invalid fields.", fields: fieldErrors(parsed.error) });
      return;
    }
    const { id, json } = await classifyAndStore(deps, parsed.data);
    const answer = recordJsonWithUrl(req, id, json);
    res.status(200).type("application/json").send(wantsTrace(req) ? withTrace(answer, readingOf(deps, JSON.parse(json) as ClassificationRecord)) : answer);
  });

  router.get("/classifications/:id", (req: Request<{ id: string }>, res: Response) => {
    const json = deps.store.getJson(req.params.id);
    if (!json) {
      res.status(404).json({ error: "No classification with this id.", fields: {} });
      return;
    }
    const answer = recordJsonWithUrl(req, req.params.id, json);
    const record = wantsTrace(req) ? deps.store.get(req.params.id) : null;
    res.type("application/json").send(record ? withTrace(answer, readingOf(deps, record)) : answer);
  });

  router.post("/classify/batch", batchApi(deps));
  router.use("/rechecks", recheckApi(deps));

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ error: "No such API endpoint.", fields: {} });
  });
  return router;
}
