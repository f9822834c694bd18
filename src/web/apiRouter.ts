import express, { type Request, type Response } from "express";
import { ClassifyRequest, fieldErrors } from "./classifyRequest.ts";
import type { AppDeps } from "./createApp.ts";
import type { ClassificationRecord } from "../store/classificationStore.ts";
import { batchApi } from "./bulkRouter.ts";
import { classifyAndStore, permalink } from "./webHelpers.ts";


const withUrl = (req: Request, record: ClassificationRecord) => {
  const { id, ...rest } = record;
  return { id, url: permalink(req, id), ...rest };
};

export function apiRouter(deps: AppDeps): express.Router {
  const router = express.Router();

  router.post("/classify", (req: Request, res: Response) => {
    if (!req.is("application/json")) {
      res.status(415).json({ error: "Send the request as JSON (Content-Type: application/json).", fields: {} });
      return;
    }
    const parsed = ClassifyRequest.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: "The request has invalid fields.", fields: fieldErrors(parsed.error) });
      return;
    }
    res.status(200).json(withUrl(req, classifyAndStore(deps, parsed.data)));
  });

  router.get("/classifications/:id", (req: Request<{ id: string }>, res: Response) => {
    const record = deps.store.get(req.params.id);
    if (!record) {
      res.status(404).json({ error: "No classification with this id.", fields: {} });
      return;
    }
    res.json(withUrl(req, record));
  });

  router.post("/classify/batch", batchApi(deps));

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ error: "No such API endpoint.", fields: {} });
  });
  return router;
}
