import express, { type Request, type Response } from "express";
import { ClassifyRequest, fieldErrors, todayInChina } from "./classifyRequest.ts";
import type { AppDeps } from "./createApp.ts";
import type { ClassificationRecord } from "../store/classificationStore.ts";
import { batchApi } from "./bulkRouter.ts";

export function permalink(req: Request, id: string): string {
  return `${req.protocol}://${req.get("host") ?? "localhost"}/c/${id}`;
}

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
    const { description, hsCode, asOf } = parsed.data;
    const result = deps.classifier.classify({
      description: description?.trim() ? description : undefined,
      hsCode: hsCode?.trim() ? hsCode : undefined,
      asOf: asOf ?? todayInChina(deps.now()),
    });
    const record = deps.store.save(result, deps.now());
    deps.metrics.classified(record);
    res.status(200).json(withUrl(req, record));
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
