import express, { type Request, type Response } from "express";
import { ClassifyRequest, fieldErrors } from "./classifyRequest.ts";
import type { AppDeps } from "./createApp.ts";
import { batchApi } from "./bulkRouter.ts";
import { classifyAndStore, recordJsonWithUrl } from "./webHelpers.ts";

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
    res.status(200).type("application/json").send(recordJsonWithUrl(req, id, json));
  });

  router.get("/classifications/:id", (req: Request<{ id: string }>, res: Response) => {
    const json = deps.store.getJson(req.params.id);
    if (!json) {
      res.status(404).json({ error: "No classification with this id.", fields: {} });
      return;
    }
    res.type("application/json").send(recordJsonWithUrl(req, req.params.id, json));
  });

  router.post("/classify/batch", batchApi(deps));

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ error: "No such API endpoint.", fields: {} });
  });
  return router;
}
