import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import type { Writable } from "node:stream";
import { startTsWorker } from "../tsWorker.ts";
import type { ListData } from "../data/loadListData.ts";
import { type BatchEvent, type BatchRunner, type BatchSpec, BatchStoppedError, isFile } from "./batchRunner.ts";
import { BulkInputError, type BulkSummary } from "./pipeline.ts";

/**
 * Server batches on a thread of their own: reading, decoding, parsing, classifying and writing the
 * result all happen there, at the lowest priority, so the thread answering requests is not slowed
 * by a batch; the classified rows come back to be stored. Files are read and written by the batch
 * thread itself; a request body and a response stay on this thread and are relayed in chunks, with
 * flow control both ways (a chunk is sent when asked for, the next result chunk when the last one
 * was taken).
 */

export interface BatchThreadOptions {
  /** The list data, validated once by the server: the batch thread and its workers read nothing from disk. */
  readonly listData: ListData;
  /** Classification threads the batch thread starts for itself; 0 classifies on the batch thread. */
  readonly workers: number;
}

/** What this thread sends down a run's port. */
export type ToBatchThread =
  | { readonly t: "data"; readonly chunk: Uint8Array }
  | { readonly t: "end" }
  | { readonly t: "error"; readonly message: string }
  | { readonly t: "ack" }
  | { readonly t: "rowsStored" }
  | { readonly t: "abort"; readonly message: string };

/** What the batch thread sends back. */
export type FromBatchThread =
  | { readonly t: "pull" }
  | { readonly t: "out"; readonly chunk: string }
  | { readonly t: "outEnd" }
  | { readonly t: "event"; readonly event: BatchEvent }
  | { readonly t: "done"; readonly summary: BulkSummary }
  | { readonly t: "failed"; readonly error: { readonly message: string; readonly reason?: BulkInputError["reason"]; readonly detail?: string } };

/** How a run starts: its spec, files where it reads or writes files, and the port for everything else. */
export interface StartRun {
  readonly spec: BatchSpec;
  readonly sourceFile: string | null;
  readonly sinkFile: string | null;
  readonly port: MessagePort;
}

export function batchThreadRunner(options: BatchThreadOptions): BatchRunner {
  let worker: Worker | null = null;
  /** How to fail each run in flight, should the thread die under it. */
  const inFlight = new Set<(err: Error) => void>();

  const startThread = () => {
    const w = startTsWorker(new URL("./batchThreadWorker.ts", import.meta.url), {
      workerData: { ...options },
      // Its live data is the lists, the vocabulary, caches and a few chunks of rows. A large young
      // generation: fewer collections, whose helpers run at normal priority (see workerPool.ts).
      resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 48 },
    });
    const lost = (why: string) => {
      if (worker !== w) return; // closed on purpose: what was running is marked interrupted at the next start
      worker = null;
      for (const fail of inFlight) fail(new BatchStoppedError("threadStopped", `The batch stopped: ${why}.`, why));
    };
    // Idle, it does not keep the process alive; the server and a running batch's promise do.
    w.unref();
    w.on("error", (err) => lost(err.message));
    w.on("exit", (code) => lost(`the batch thread exited (${code})`));
    return w;
  };

  return {
    run(spec, source, sink, onEvent) {
      const { port1: port, port2 } = new MessageChannel();
      worker ??= startThread();
      const start: StartRun = { spec, sourceFile: isFile(source) ? source.file : null, sinkFile: isFile(sink) ? sink.file : null, port: port2 };
      worker.postMessage(start, [port2]);
      const send = (m: ToBatchThread, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

      return new Promise<BulkSummary>((resolve, reject) => {
        // An error reading the caller's stream (a body over the size limit, a client gone) is the
        // caller's to see, rather than the batch thread's account of it.
        let inputError: Error | null = null;
        // Likewise an error storing what the thread reported (a full disk): the batch stops, with that error.
        let storeError: Error | null = null;
        let settled = false;
        const settle = (done: () => void) => {
          if (settled) return;
          settled = true;
          inFlight.delete(fail);
          port.close();
          done();
        };
        const fail = (err: Error) => settle(() => reject(inputError ?? storeError ?? err));
        inFlight.add(fail);

        const readFailed = (err: Error) => {
          inputError ??= err;
          send({ t: "error", message: err.message });
        };
        // Listened to from the start: the stream can fail before the batch thread first asks for a chunk.
        if (!isFile(source)) source.once("error", readFailed);
        const chunks = isFile(source) ? null : source[Symbol.asyncIterator]();
        const output = isFile(sink) ? null : (sink as Writable);
        output?.once("close", () => {
          if (!output.writableFinished && !settled) send({ t: "abort", message: "The client closed the connection." });
        });

        port.on("message", (m: FromBatchThread) => {
          switch (m.t) {
            case "pull":
              chunks?.next().then(
                (r) => {
                  if (r.done) return send({ t: "end" });
                  // A copy with a buffer of its own, moved rather than copied again.
                  const chunk = new Uint8Array(r.value as Buffer);
                  send({ t: "data", chunk }, [chunk.buffer as ArrayBuffer]);
                },
                (err: unknown) => readFailed(err as Error),
              );
              break;
            case "out":
              if (!output || output.destroyed) break;
              if (output.write(m.chunk)) send({ t: "ack" });
              else output.once("drain", () => send({ t: "ack" }));
              break;
            case "outEnd":
              // Ended once the run is done (below), so whoever reads the whole answer finds the batch recorded.
              send({ t: "ack" });
              break;
            case "event":
              if (storeError === null) {
                try {
                  onEvent(m.event);
                } catch (err) {
                  storeError = err as Error;
                  send({ t: "abort", message: storeError.message });
                }
              }
              // Acknowledged even after a failure, so the thread is never left waiting and can stop.
              if (m.event.kind === "rows") send({ t: "rowsStored" });
              break;
            case "done":
              if (storeError) return fail(storeError);
              settle(() => resolve(m.summary));
              // The caller records the batch in the promise's continuation, which runs before this
              // thread turns to any other request, however fast the client reads the end.
              output?.end();
              break;
            case "failed":
              fail(m.error.reason ? new BulkInputError(m.error.reason, m.error.message, m.error.detail) : new Error(m.error.message));
              break;
          }
        });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
