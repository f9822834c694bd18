import { Readable, Writable } from "node:stream";
import { parentPort, workerData } from "node:worker_threads";
import { type Classifier, createClassifier } from "../core/classify.ts";
import { type BatchEvent, runServerBatch } from "./batchRunner.ts";
import type { BatchThreadOptions, FromBatchThread, StartRun, ToBatchThread } from "./batchThread.ts";
import { BulkInputError } from "./pipeline.ts";
import { classifyOnThisThread } from "./rowVerdict.ts";
import { lowerThisThreadPriority } from "./threadPriority.ts";
import { createWorkerPool } from "./workerPool.ts";

/** The batch thread (see batchThread.ts): runs each batch it is sent, several at once if need be. */
const options = workerData as BatchThreadOptions;

lowerThisThreadPriority();
const pool = options.workers > 0 ? createWorkerPool(options.workers, options.listData, { background: true }) : null;
// Without classification threads of its own, this thread classifies.
const classifier = pool ? null : createClassifier({ ...options.listData, cacheSize: 0 });
const classifyMany = (lang: "en" | "zh") => (pool ? pool.classifyMany(lang) : classifyOnThisThread(classifier as Classifier, lang));

/** Chunks of rows sent back and not yet stored, before the pipeline waits. */
const ROWS_IN_FLIGHT = 8;

parentPort?.on("message", (start: StartRun) => void run(start));

async function run({ spec, sourceFile, sinkFile, port }: StartRun): Promise<void> {
  const send = (m: FromBatchThread) => port.postMessage(m);
  const input = sourceFile === null ? portReadable(send) : null;
  const output = sinkFile === null ? portWritable(send) : null;
  // Rows go back to be stored; a few chunks may be on their way, more wait until the server has stored
  // some, so a busy server is never flooded with rows it has not had time to store.
  let unstored = 0;
  let stored: (() => void) | null = null;
  let aborted: string | null = null;
  const report = (event: BatchEvent): void | Promise<void> => {
    // Stopped by the server (a client gone, rows it could not store): the pipeline stops at its next chunk.
    if (aborted !== null) throw new Error(aborted);
    send({ t: "event", event });
    if (event.kind !== "rows" || ++unstored <= ROWS_IN_FLIGHT) return;
    return new Promise<void>((resolve) => (stored = resolve));
  };
  const rowsStored = () => {
    unstored--;
    const resume = stored;
    stored = null;
    resume?.();
  };
  port.on("message", (m: ToBatchThread) => {
    switch (m.t) {
      case "data":
        input?.push(Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength));
        break;
      case "end":
        input?.push(null);
        break;
      case "error":
        input?.destroy(new Error(m.message));
        break;
      case "ack":
        output?.ack();
        break;
      case "rowsStored":
        rowsStored();
        break;
      case "abort":
        aborted = m.message;
        input?.destroy(new Error(m.message));
        output?.destroy(new Error(m.message));
        break;
    }
  });
  try {
    const summary = await runServerBatch(spec, input ?? { file: sourceFile as string }, output ?? { file: sinkFile as string }, classifyMany, report);
    send({ t: "done", summary });
  } catch (err) {
    const e = err as Error;
    send({ t: "failed", error: e instanceof BulkInputError ? { message: e.message, reason: e.reason, detail: e.detail } : { message: e.message } });
  } finally {
    port.close();
  }
}

/** The caller's stream, a chunk at a time, each asked for when the pipeline wants more. */
function portReadable(send: (m: FromBatchThread) => void): Readable {
  return new Readable({ read: () => send({ t: "pull" }) });
}

/** The result, a chunk at a time; each write completes when the caller has taken it. */
function portWritable(send: (m: FromBatchThread) => void): Writable & { ack(): void } {
  let waiting: ((err?: Error | null) => void) | null = null;
  const writable = new Writable({
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      waiting = done;
      send({ t: "out", chunk });
    },
    final(done) {
      waiting = done;
      send({ t: "outEnd" });
    },
    destroy(err, done) {
      waiting = null;
      done(err);
    },
  });
  return Object.assign(writable, {
    ack() {
      const done = waiting;
      waiting = null;
      done?.();
    },
  });
}
