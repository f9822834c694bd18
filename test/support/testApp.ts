import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadListData, type ListData } from "../../src/data/loadListData.ts";
import { openClassificationStore, type ClassificationStore } from "../../src/store/classificationStore.ts";
import type { BatchStore } from "../../src/store/batchStore.ts";
import { buildAppDeps } from "../../src/web/appDeps.ts";
import { createApp } from "../../src/web/createApp.ts";
import type { SecuritySettings } from "../../src/web/security.ts";
import { createLogger, type Logger } from "../../src/web/requestLog.ts";

let shared: ListData | undefined;
/** The bundled list data, loaded once per test file. */
export function listData(): ListData {
  return (shared ??= loadListData());
}

const openApps: (() => Promise<void>)[] = [];

/** Stops the threads of every app made so far (a batch thread, if one started); for afterEach. */
export async function closeTestApps(): Promise<void> {
  await Promise.all(openApps.splice(0).map((close) => close()));
}

/**
 * The app as the server builds it, on an in-memory database, a temporary batch folder and a fixed clock.
 * Silent unless a test passes a logger, so test output stays readable.
 */
export function testApp(
  options: {
    now?: Date;
    store?: ClassificationStore;
    listData?: ListData;
    maxUploadBytes?: number;
    maxColumns?: number;
    security?: Partial<SecuritySettings>;
    logger?: Logger;
    /**
     * Classification threads, as the server runs them (single classifications and bulk chunks);
     * 0 classifies on the test's own thread. CLC_TEST_THREADS sets the default.
     */
    threads?: number;
    /** A module the classification threads run in place of the classifier (fault tests). */
    threadModule?: URL;
  } = {},
) {
  const data = options.listData ?? listData();
  const store = options.store ?? openClassificationStore(":memory:");
  const now = options.now ?? new Date("2026-11-29T04:00:00Z");
  const batchDir = fs.mkdtempSync(path.join(os.tmpdir(), "clc-test-batches-"));
  const { deps, close } = buildAppDeps({
    listData: data,
    store,
    batchDir,
    maxUploadBytes: options.maxUploadBytes,
    maxColumns: options.maxColumns,
    now: () => now,
    security: options.security,
    logger: options.logger ?? createLogger({ level: "silent" }),
    threads: options.threads ?? Number(process.env.CLC_TEST_THREADS ?? 0),
    ...(options.threadModule ? { threadModule: options.threadModule } : {}),
  });
  openApps.push(close);
  const app = createApp(deps);
  return { app, store, deps, batchDir };
}

/**
 * A browser-like client for the HTML forms: keeps cookies, and fetches a page first to read
 * the CSRF token its form carries.
 */
export async function formClient(app: ReturnType<typeof testApp>["app"], page = "/") {
  const { default: request } = await import("supertest");
  const agent = request.agent(app);
  const html = (await agent.get(page)).text;
  const token = /name="_csrf" value="([^"]+)"|_csrf=([^"&]+)/.exec(html);
  const csrf = decodeURIComponent(token?.[1] ?? token?.[2] ?? "");
  return { agent, csrf };
}

/**
 * One request over a real socket, keeping what arrived even when the server cuts the connection:
 * `complete` tells an answer that ended cleanly from one cut short (supertest only rejects then).
 */
export async function rawRequest(
  app: ReturnType<typeof testApp>["app"],
  options: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, unknown>; body: string; complete: boolean }> {
  const http = await import("node:http");
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  try {
    return await new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method: options.method, path: options.path, headers: options.headers }, (res) => {
        const chunks: Buffer[] = [];
        let complete = false;
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => (complete = res.complete));
        res.on("error", () => {});
        res.on("close", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), complete }));
      });
      req.on("error", reject);
      req.end(options.body);
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A real in-memory store with some of its operations replaced (a full disk, a failing insert):
 * `patch` gets the real store and answers the replacements, on the store and on its batches.
 */
export function patchedStore(
  patch: (real: ClassificationStore) => { store?: Partial<Omit<ClassificationStore, "batches">>; batches?: Partial<BatchStore> },
): ClassificationStore {
  const real = openClassificationStore(":memory:");
  const { store, batches } = patch(real);
  return { ...real, ...store, batches: { ...real.batches, ...batches } };
}
