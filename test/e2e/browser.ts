import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { chromium, type Browser } from "playwright-core";
import { loadListData } from "../../src/data/loadListData.ts";
import { openClassificationStore } from "../../src/store/classificationStore.ts";
import { buildAppDeps } from "../../src/web/appDeps.ts";
import { createApp } from "../../src/web/createApp.ts";
import { createLogger } from "../../src/web/requestLog.ts";

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = path.resolve(import.meta.dirname, "screenshots");

/** A host name the browser resolves to this machine: a deployment reached by name, not by 127.0.0.1 or localhost. */
export const HOST_NAME = "classifier.test";

export interface Harness {
  baseUrl: string;
  /** The same app reached by HOST_NAME, over plain HTTP. */
  hostUrl: string;
  browser: Browser;
  /** The SQLite file the app runs on, for a command run beside it (as `npm run user` with DATABASE_PATH). */
  databasePath: string;
  close(): Promise<void>;
}

/** The real app on a free loopback port with a throw-away database, and a headless browser. */
export async function startHarness(): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clc-e2e-"));
  const listData = loadListData();
  // Wired as the server wires it: checkpoints on a thread of their own, classification on the pool.
  const databasePath = path.join(dir, "e2e.db");
  const store = openClassificationStore(databasePath, { backgroundCheckpoints: true });
  const { deps, close: closeDeps } = buildAppDeps({
    listData,
    store,
    batchDir: path.join(dir, "batches"),
    threads: 2,
    logger: createLogger({ level: "warn" }),
  });
  const app = createApp(deps);
  const server: Server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--host-resolver-rules=MAP ${HOST_NAME} 127.0.0.1`,
    ],
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    baseUrl,
    hostUrl: `http://${HOST_NAME}:${port}`,
    browser,
    databasePath,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await deps.bulk.jobs.idle();
      await closeDeps();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
