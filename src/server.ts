import fs from "node:fs";
import os from "node:os";
import { ConfigError, loadConfig } from "./config.ts";
import { ListDataError, loadListData } from "./data/loadListData.ts";
import { StoreOpenError, openClassificationStore } from "./store/classificationStore.ts";
import { buildAppDeps } from "./web/appDeps.ts";
import { sweepBatchFiles } from "./app/sweepBatchFiles.ts";
import { createApp } from "./web/createApp.ts";
import { createLogger } from "./web/requestLog.ts";

/**
 * One classification thread per core: the thread answering requests mostly waits (on the threads,
 * on the disk), and a batch's parsing and storing, which it also does, is a small share of a row's cost.
 */
const DEFAULT_THREADS = os.availableParallelism();

/** Composition root: config → list data → store → app → listen, and a clean shutdown. */
function main(): void {
  // At info until the configuration names a level, so a bad configuration is still reported.
  const logger = createLogger();
  let config, listData, store;
  try {
    config = loadConfig();
    logger.level = config.logLevel;
    listData = config.dataDir ? loadListData(config.dataDir) : loadListData();
    ensureWritableFolder(config.batchDir, "BATCH_DIR");
    store = openClassificationStore(config.databasePath, {
      backgroundCheckpoints: true,
      onBackgroundError: (err) => logger.error({ err }, "the database's checkpoint thread stopped; starting it again"),
    });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ListDataError || err instanceof StoreOpenError) {
      // Plain text for the person starting the service: a list of problems reads better than a JSON line.
      process.stderr.write(`Cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const interrupted = store.batches.markInterrupted();
  if (interrupted > 0) logger.warn({ interrupted }, `${interrupted} batch(es) were interrupted by the last stop and are marked so.`);
  const sweep = (startUp: boolean) => {
    try {
      const removed = sweepBatchFiles(config.batchDir, store.batches, { retentionDays: config.batchRetentionDays, now: new Date(), startUp });
      if (removed.orphans + removed.partialResults + removed.expired > 0) logger.info(removed, "batch files removed");
    } catch (err) {
      logger.error({ err }, "the batch folder could not be swept");
    }
  };
  sweep(true);
  // Once a day after that, for the retention period and the failed batches' partial results.
  setInterval(() => sweep(false), 24 * 3600 * 1000).unref();
  const { deps, close: closeDeps } = buildAppDeps({
    listData,
    store,
    batchDir: config.batchDir,
    maxUploadBytes: config.maxUploadBytes,
    maxColumns: config.maxColumns,
    threads: config.threads ?? DEFAULT_THREADS,
    security: config.security,
    logger,
  });
  const app = createApp(deps);
  if (config.trustProxy) app.set("trust proxy", 1);
  if (config.publicUrl) app.set("public url", config.publicUrl);
  const server = app.listen(config.port, config.host, (err?: Error) => {
    if (err) return; // reported by the "error" handler below
    const editions = listData.editions.map((e) => e.id).join(", ");
    logger.info(`Crypto Licence Classifier listening on http://${config.host}:${config.port} (editions: ${editions})`);
  });
  // Slow or stalled clients cannot hold connections open for ever.
  server.headersTimeout = 20_000;
  server.requestTimeout = config.requestTimeoutMs;
  server.keepAliveTimeout = 5_000;
  server.on("error", (err: NodeJS.ErrnoException) => {
    process.stderr.write(`Cannot start: cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}\n`);
    process.exit(1);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing in-flight requests, then stopping.`);
    // Stop accepting connections, let in-flight requests finish, then close the database.
    server.close(() => {
      void closeDeps().finally(() => {
        store.close();
        process.exit(0);
      });
    });
    server.closeIdleConnections();
    setTimeout(() => {
      logger.error("Requests still running after 10 s; stopping anyway.");
      store.close();
      process.exit(1);
    }, 10_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

/** Creates the folder if needed and checks it can be written, so a bad path stops the start, not a batch. */
function ensureWritableFolder(folder: string, setting: string): void {
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (err) {
    throw new ConfigError(`${setting} ${folder} is not a writable folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
}

main();
