import { createClassifier } from "../../src/core/classify.ts";
import { loadListData, type ListData } from "../../src/data/loadListData.ts";
import { openClassificationStore, type ClassificationStore } from "../../src/store/classificationStore.ts";
import { createApp } from "../../src/web/createApp.ts";

let shared: ListData | undefined;
/** The bundled list data, loaded once per test file. */
export function listData(): ListData {
  return (shared ??= loadListData());
}

/** The app as the server builds it, on an in-memory database and a fixed clock. */
export function testApp(options: { now?: Date; store?: ClassificationStore } = {}) {
  const data = listData();
  const store = options.store ?? openClassificationStore(":memory:");
  const now = options.now ?? new Date("2026-11-29T04:00:00Z");
  const app = createApp({ classifier: createClassifier(data), store, listData: data, now: () => now });
  return { app, store };
}
