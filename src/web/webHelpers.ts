import type { Request } from "express";
import type { AppDeps } from "./createApp.ts";
import type { TraceStep } from "../core/extract.ts";

/** This site's address (PUBLIC_URL, else as the client reached it), for links people paste elsewhere. */
export function siteBase(req: Request): string {
  const configured = req.app.get("public url") as string | undefined;
  return configured ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;
}

/** The permanent link of a stored classification. */
export function permalink(req: Request, id: string): string {
  return `${siteBase(req)}/c/${id}`;
}

/** The entry ids of an edition (null for an edition this data does not have): what a review's entry is checked against. */
export function editionEntryIds(deps: Pick<AppDeps, "listData">, editionId: string): string[] | null {
  return deps.listData.editions.find((e) => e.id === editionId)?.entries.map((e) => e.id) ?? null;
}

/** The ids of the editions in force on a date, as a batch records them ("import-2021,export-2024"). */
export function editionIdsInForce(deps: AppDeps, asOf: string): string {
  const e = deps.classifier.editionsInForce(asOf);
  return [e.import?.id, e.export?.id].filter(Boolean).join(",");
}

/**
 * The API's answer for a stored record: its JSON as stored, with the permalink added after the id.
 * The stored JSON starts with the id, so the url is spliced in rather than serialising the record twice.
 */
export function recordJsonWithUrl(req: Request, id: string, json: string): string {
  const head = `{"id":${JSON.stringify(id)},`;
  const url = `"url":${JSON.stringify(permalink(req, id))},`;
  if (json.startsWith(head)) return `${head}${url}${json.slice(head.length)}`;
  const { id: _id, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify({ id, url: permalink(req, id), ...rest });
}

/** A stored record's JSON with its trace added as the last field (`?trace=1`). */
export function withTrace(json: string, trace: TraceStep[] | null): string {
  return `${json.slice(0, json.lastIndexOf("}"))},"trace":${JSON.stringify(trace)}}`;
}

