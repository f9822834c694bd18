import fs from "node:fs";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { BulkInputError, runBulk, type BulkSummary, type ClassifyMany, type ColumnNames } from "../bulk/pipeline.ts";
import type { CsvDelimiter, CsvEncoding } from "../bulk/detect.ts";
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
  readonly classifyMany: (lang: "en" | "zh") => ClassifyMany;
  readonly batchDir: string;
  readonly now: () => Date;
  readonly metrics?: Pick<Metrics, "bulkRows" | "batchFinished">;
}

const PROGRESS_EVERY_MS = 500;

export function createBatchJobs(deps: BatchJobsDeps): BatchJobs {
  fs.mkdirSync(deps.batchDir, { recursive: true });
  const live = new Map<string, LiveProgress>();
  let queue: Promise<void> = Promise.resolve();
  const outputPath = (id: string) => path.join(deps.batchDir, `${id}.csv`);

  const run: BatchJobs["runStream"] = async (batch, input, output, format, permalinkBase, columnNames) => {
    const batches = deps.store.batches;
    const startedAt = Date.now();
    batches.markRunning(batch.id, deps.now());
    live.set(batch.id, { status: "running", rowsDone: 0, errors: 0, bytesRead: 0, totalBytes: batch.totalBytes, startedAt });
    let lastWrite = 0;
    try {
      const summary = await runBulk({
        input,
        output,
        format,
        encoding: (batch.options.encoding as CsvEncoding | null) ?? undefined,
        delimiter: (batch.options.delimiter as CsvDelimiter | null) ?? undefined,
        mapping: batch.options.mapping,
        columnNames,
        asOf: batch.options.asOf,
        classifyMany: deps.classifyMany(batch.options.lang),
        // Small chunks, with a pause between them, so API requests are answered while a batch runs.
        chunkSize: 100,
        maxInFlight: 6,
        yieldBetweenChunks: true,
        permalinkFor: (row) => `${permalinkBase}/b/${batch.id}/rows/${row}`,
        onHeader: ({ header }) => batches.progress(batch.id, { rowsDone: 0, errors: 0, bytesRead: 0, header }),
        onRows: (rows) => {
          batches.insertRows(batch.id, rows);
          deps.metrics?.bulkRows(rows);
        },
        onProgress: (p) => {
          live.set(batch.id, { status: "running", rowsDone: p.rows, errors: p.errors, bytesRead: p.bytesRead, totalBytes: batch.totalBytes, startedAt });
          const now = Date.now();
          if (now - lastWrite >= PROGRESS_EVERY_MS) {
            lastWrite = now;
            batches.progress(batch.id, { rowsDone: p.rows, errors: p.errors, bytesRead: p.bytesRead });
          }
        },
      });
      batches.finish(batch.id, summary, deps.now());
      deps.metrics?.batchFinished("done");
      return summary;
    } catch (err) {
      const failure = err instanceof BulkInputError ? { reason: err.reason, detail: err.detail } : undefined;
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
      queue = queue.then(async () => {
        const input = fs.createReadStream(uploadPath);
        const output = fs.createWriteStream(outputPath(batch.id));
        try {
          await run(batch, input, output, "csv", permalinkBase);
        } catch {
          // The failure is stored on the batch and shown on its page.
          output.destroy();
        }
      });
    },
    runStream: run,
    progress: (id) => live.get(id) ?? null,
    outputPath,
    idle: () => queue,
  };
}
