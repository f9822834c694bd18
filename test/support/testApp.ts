import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadListData, type ListData } from "../../src/data/loadListData.ts";
import { openClassificationStore, type ClassificationStore } from "../../src/store/classificationStore.ts";
import { buildAppDeps } from "../../src/web/appDeps.ts";
import { createApp } from "../../src/web/createApp.ts";

let shared: ListData | undefined;
/** The bundled list data, loaded once per test file. */
export function listData(): ListData {
  return (shared ??= loadListData());
}

/** The app as the server builds it, on an in-memory database, a temporary batch folder and a fixed clock. */
export function testApp(options: { now?: Date; store?: ClassificationStore; listData?: ListData; maxUploadBytes?: number } = {}) {
  const data = options.listData ?? listData();
  const store = options.store ?? openClassificationStore(":memory:");
  const now = options.now ?? new Date("2026-11-29T04:00:00Z");
  const batchDir = fs.mkdtempSync(path.join(os.tmpdir(), "clc-test-batches-"));
  const { deps } = buildAppDeps({ listData: data, store, batchDir, maxUploadBytes: options.maxUploadBytes, now: () => now });
  const app = createApp(deps);
  return { app, store, deps, batchDir };
}
