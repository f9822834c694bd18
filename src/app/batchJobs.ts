import fs from "node:fs";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { BatchStoppedError, isFile, runServerBatch } from "../bulk/batchRunner.ts";
import { BulkInputError, type BulkRow, type BulkSummary, type ClassifyMany, type ColumnNames } from "../bulk/pipeline.ts";
import type { Lang } from "../bulk/rowVerdict.ts";
import type { Batch, NewRow } from "../store/batchStore.ts";
import type { ClassificationStore } from "../store/classificationStore.ts";

export interface LiveProgress {
  readonly status: Batch["status"];
  readonly rowsDone: number;
  readonly errors: number;
  readonly bytesRead: number;
  readonly totalBytes: number | null;
  readonly startedAt: number | null;
}

export interface BatchJobs {
  /** Queues an uploaded file; batches run one at a time so each gets the machine. */
  enqueue(batch: Batch, uploadPath: string, permalinkBase: string): void;
  /** Runs a batch straight from a stream to a stream (the API). */
  runStream(
    batch: Batch,
    input: Readable,
    output: Writable,
    format: "csv" | "ndjson",
    permalinkBase: string,
    columnNames?: ColumnNames,
  ): Promise<BulkSummary>;
  progress(id: string): LiveProgress | null;
  outputPath(id: string): string;
  /** Waits for the running batch to finish (used on shutdown and in tests). */
  idle(): Promise<void>;
  /**
   * The server is stopping: the batches running or queued are marked interrupted (the user runs
   * them again), and a batch cut short by the threads closing is not recorded as failed.
   */
  stop(): void;
}

export interface BatchJobsDeps {
  readonly store: ClassificationStore;
  /**
   * Classifies a chunk of rows: on the classification threads in the server, on this thread in
   * tests. Reading, parsing, writing the result and storing the rows happen here, on the thread
   * that owns the database, so no write waits for another thread's lock.
   */
  readonly classifyMany: (lang: Lang) => ClassifyMany;
  readonly batchDir: string;
  readonly now: () => Date;
  readonly metrics?: {
    bulkRows(rows: readonly NewRow[]): void;
    batchFinished(outcome: "done" | "failed"): void;
  };
  /** Columns a CSV record may have (the pipeline's default when unset). */
  readonly maxColumns?: number | undefined;
  /**
   * The reviewed decisions of the models a batch may name, looked up when it starts: each row's
   * precedent column (see precedents.ts). No column without it.
   */
  readonly precedents?: (lang: Lang) => ((row: BulkRow) => string) | null;
}

const PROGRESS_EVERY_MS = 500;

export function createBatchJobs(deps: BatchJobsDeps): BatchJobs {
  fs.mkdirSync(deps.batchDir, { recursive: true });
  const live = new Map<string, LiveProgress>();
  let queue: Promise<void> = Promise.resolve();
  let stopping = false;
  const outputPath = (id: string) => path.join(deps.batchDir, `${id}.csv`);
  // A chunk the threads could not classify (one died under it, they are restarting) stops the batch
  // under its own reason, which the batch page translates.
  const classifyMany = (lang: Lang): ClassifyMany => {
    const classify = deps.classifyMany(lang);
    return (rows) =>
      classify(rows).catch((err: unknown) => {
        throw new BatchStoppedError("threadStopped", `The batch stopped: ${(err as Error).message}.`, (err as Error).message);
      });
  };

  const run = async (
    batch: Batch,
    source: Readable | { file: string },
    sink: Writable | { file: string },
    format: "csv" | "ndjson",
    permalinkBase: string,
    columnNames?: ColumnNames,
  ): Promise<BulkSummary> => {
    const batches = deps.store.batches;
    const startedAt = Date.now();
    batches.markRunning(batch.id, deps.now());
    live.set(batch.id, { status: "running", rowsDone: 0, errors: 0, bytesRead: 0, totalBytes: batch.totalBytes, startedAt });
    let lastWrite = 0;
    try {
      const spec = { batchId: batch.id, options: batch.options, format, permalinkBase, columnNames, maxColumns: deps.maxColumns };
      const precedentFor = deps.precedents?.(batch.options.lang) ?? undefined;
      const summary = await runServerBatch(spec, source, sink, classifyMany, (event) => {
        switch (event.kind) {
          case "header":
            batches.progress(batch.id, { rowsDone: 0, errors: 0, bytesRead: 0, header: event.header });
            break;
          case "rows":
            try {
              batches.insertRows(batch.id, event.rows);
            } catch (err) {
              throw new BatchStoppedError("notStored", (err as Error).message, (err as Error).message);
            }
            deps.metrics?.bulkRows(event.rows);
            break;
          case "progress": {
            live.set(batch.id, { status: "running", rowsDone: event.rows, errors: event.errors, bytesRead: event.bytesRead, totalBytes: batch.totalBytes, startedAt });
            const now = Date.now();
            if (now - lastWrite >= PROGRESS_EVERY_MS) {
              lastWrite = now;
              batches.progress(batch.id, { rowsDone: event.rows, errors: event.errors, bytesRead: event.bytesRead });
            }
            break;
          }
        }
      }, precedentFor);
      batches.finish(batch.id, summary, deps.now());
      deps.metrics?.batchFinished("done");
      return summary;
    } catch (caught) {
      if (stopping) throw caught;
      // The answer stream closed before it was finished: the client went away, whatever the pipeline saw.
      const clientGone = !isFile(sink) && !sink.writableFinished && (sink.destroyed || sink.closed);
      const err = clientGone && !(caught instanceof BatchStoppedError) ? new BatchStoppedError("clientGone", (caught as Error).message) : caught;
      const failure = err instanceof BulkInputError || err instanceof BatchStoppedError ? { reason: err.reason, detail: err.detail } : undefined;
      batches.fail(batch.id, (err as Error).message, deps.now(), failure);
      deps.metrics?.batchFinished("failed");
      throw err;
    } finally {
      live.delete(batch.id);
    }
  };

  return {
    enqueue(batch, uploadPath, permalinkBase) {
      live.set(batch.id, { status: "queued", rowsDone: 0, errors: 0, bytesRead: 0, totalBytes: batch.totalBytes, startedAt: null });
      queue = queue.then(() =>
        run(batch, { file: uploadPath }, { file: outputPath(batch.id) }, "csv", permalinkBase).then(
          () => undefined,
          // The failure is stored on the batch and shown on its page.
          () => undefined,
        ),
      );
    },
    runStream: run,
    progress: (id) => live.get(id) ?? null,
    outputPath,
    idle: () => queue,
    stop() {
      stopping = true;
      deps.store.batches.markInterrupted();
    },
  };
}
