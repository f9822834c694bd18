import fs from "node:fs";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { type BatchRunner, BatchStoppedError, isFile } from "../bulk/batchRunner.ts";
import { BulkInputError, type BulkSummary, type ColumnNames } from "../bulk/pipeline.ts";
import type { Batch } from "../store/batchStore.ts";
import type { ClassificationStore } from "../store/classificationStore.ts";
import type { Metrics } from "./metrics.ts";

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
}

export interface BatchJobsDeps {
  readonly store: ClassificationStore;
  /** Where the pipeline runs; this side stores the rows and keeps each batch's status. */
  readonly runner: BatchRunner;
  readonly batchDir: string;
  readonly now: () => Date;
  readonly metrics?: Pick<Metrics, "bulkRows" | "batchFinished">;
  /** Columns a CSV record may have (the pipeline's default when unset). */
  readonly maxColumns?: number | undefined;
}

const PROGRESS_EVERY_MS = 500;

export function createBatchJobs(deps: BatchJobsDeps): BatchJobs {
  fs.mkdirSync(deps.batchDir, { recursive: true });
  const live = new Map<string, LiveProgress>();
  let queue: Promise<void> = Promise.resolve();
  const outputPath = (id: string) => path.join(deps.batchDir, `${id}.csv`);

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
      const summary = await deps.runner.run({ batchId: batch.id, options: batch.options, format, permalinkBase, columnNames, maxColumns: deps.maxColumns }, source, sink, (event) => {
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
      });
      batches.finish(batch.id, summary, deps.now());
      deps.metrics?.batchFinished("done");
      return summary;
    } catch (caught) {
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
  };
}
