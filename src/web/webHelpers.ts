import type { Request } from "express";
import type { ClassifyRequest } from "./classifyRequest.ts";
import { todayInChina } from "./classifyRequest.ts";
import type { AppDeps } from "./createApp.ts";
import type { ClassificationRecord } from "../store/classificationStore.ts";

/** This site's address as the client reached it, for links people paste elsewhere. */
export function siteBase(req: Request): string {
  return `${req.protocol}://${req.get("host") ?? "localhost"}`;
}

/** The permanent link of a stored classification. */
export function permalink(req: Request, id: string): string {
  return `${siteBase(req)}/c/${id}`;
}

/** The ids of the editions in force on a date, as a batch records them ("import-2021,export-2024"). */
export function editionIdsInForce(deps: AppDeps, asOf: string): string {
  const e = deps.classifier.editionsInForce(asOf);
  return [e.import?.id, e.export?.id].filter(Boolean).join(",");
}

/** Classifies one validated request (the API and the form alike), stores it and counts it. */
export function classifyAndStore(deps: AppDeps, input: ClassifyRequest): ClassificationRecord {
  const result = deps.classifier.classify({
    description: input.description?.trim() ? input.description : undefined,
    hsCode: input.hsCode?.trim() ? input.hsCode : undefined,
    asOf: input.asOf ?? todayInChina(deps.now()),
  });
  const record = deps.store.save(result, deps.now());
  deps.metrics.classified(record);
  return record;
}
