import { Piscina, type TaskQueue, queueOptionsSymbol } from "piscina";
import type { ResourceLimits } from "node:worker_threads";
import type { ClassificationInput } from "../core/result.ts";
import type { ResultJson } from "../core/resultJson.ts";
import type { ListData } from "../data/loadListData.ts";
import type { ClassifyMany, RowFailure, RowInput, RowVerdict } from "../bulk/pipeline.ts";
import type { Lang } from "../bulk/rowVerdict.ts";

/**
 * What a pool thread is asked: the single classifications (the form, the API) that came in one turn
 * of the event loop, or a chunk of bulk rows.
 */
export type PoolTask =
  | { readonly kind: "singles"; readonly inputs: ClassificationInput[] }
  | { readonly kind: "rows"; readonly rows: RowInput[]; readonly lang: Lang };

/** A thread's answer to one of the singles: its result, or why the engine could not give one. */
export type SingleAnswer = ResultJson | { readonly failed: string };

/**
 * The one set of classification threads in a process. Single classifications and bulk chunks share
 * it; a single classification is taken before any chunk still queued, so a person waiting on a page
 * is never behind a catalogue.
 */
export interface ClassifyPool {
  /** One classification, answered serialised (see resultJson.ts). */
  classify(input: ClassificationInput): Promise<ResultJson>;
  /** Bulk rows, a chunk at a time, behind any single classification. */
  readonly classifyMany: (lang: Lang) => ClassifyMany;
  close(): Promise<void>;
}

export interface ClassifyPoolOptions {
  readonly threads: number;
  /** Validated once by the caller and sent to each thread as it starts: no thread reads the list files. */
  readonly listData: ListData;
  readonly resourceLimits?: ResourceLimits;
  /** Bulk rows only (the CLI): the threads make no engine for single classifications until asked. */
  readonly rowsOnly?: boolean;
  /** The module each thread runs (its default export answers a task); the classifier's unless a test gives another. */
  readonly module?: URL;
  /** Hears each restart of the pool after threads kept failing, and how long it waited. */
  readonly onRestart?: (delayMs: number) => void;
}

const INTERACTIVE = { interactive: true };
/** The classifier's thread module beside this one: built JavaScript when this file runs built (dist/), else the TypeScript. */
const CLASSIFY_WORKER = new URL(import.meta.url.endsWith(".ts") ? "./classifyWorker.ts" : "./classifyWorker.js", import.meta.url);
const ROW_TASKS_PER_THREAD = 3;

/** Single classifications first, then bulk chunks, each in the order they came. */
class InteractiveFirstQueue implements TaskQueue {
  private readonly interactive: Parameters<TaskQueue["push"]>[0][] = [];
  private readonly background: Parameters<TaskQueue["push"]>[0][] = [];

  get size(): number {
    return this.interactive.length + this.background.length;
  }
  push(task: Parameters<TaskQueue["push"]>[0]): void {
    (task[queueOptionsSymbol] === INTERACTIVE ? this.interactive : this.background).push(task);
  }
  shift(): ReturnType<TaskQueue["shift"]> {
    return this.interactive.shift() ?? this.background.shift() ?? null;
  }
  remove(task: Parameters<TaskQueue["remove"]>[0]): void {
    for (const queue of [this.interactive, this.background]) {
      const at = queue.indexOf(task);
      if (at >= 0) queue.splice(at, 1);
    }
  }
}

/** A thread that dies sooner than this after it started counts as failing again; one that lives longer resets the count. */
const STABLE_MS = 5_000;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 30_000;

export function createClassifyPool(options: ClassifyPoolOptions): ClassifyPool {
  const threads = Math.max(1, options.threads);
  const make = () => {
    const p = new Piscina<PoolTask, SingleAnswer[] | (RowVerdict | RowFailure)[]>({
      filename: new URL("./boot.mjs", import.meta.url).pathname,
      workerData: { module: (options.module ?? CLASSIFY_WORKER).href, listData: options.listData, rowsOnly: options.rowsOnly === true },
      minThreads: threads,
      maxThreads: threads,
      // Threads stay: each holds the compiled vocabulary, and starting one costs a fraction of a second.
      idleTimeout: Number.POSITIVE_INFINITY,
      taskQueue: new InteractiveFirstQueue(),
      // A thread is handed its next task only when the main thread hears the last one done, and a
      // main thread busy parsing and writing hears late: a pool for rows alone (no one waiting on a
      // page) gives each thread a few chunks at once, so it never sits idle between them.
      concurrentTasksPerWorker: options.rowsOnly ? ROW_TASKS_PER_THREAD : 1,
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    // The pool replaces a thread that dies at once; how long the last one lived is the time since
    // the pool started or the thread before it died.
    let since = Date.now();
    p.on("workerDestroy", () => {
      if (pool !== p || closing) return;
      const lived = Date.now() - since;
      since = Date.now();
      died(lived);
    });
    // A thread's error outside any task: it is replaced (below, or by the pool), never left unheard.
    p.on("error", () => {});
    return p;
  };

  let closing = false;
  let pool: Piscina<PoolTask, SingleAnswer[] | (RowVerdict | RowFailure)[]> | null = make();
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;

  // A dying thread fails the task it held (its caller hears why) and the pool starts another. Threads
  // that keep dying soon after they start (data that kills them, no memory) would be restarted in a
  // loop: then the whole pool is stopped and made again after a wait that doubles, up to 30 s, and
  // meanwhile calls fail at once.
  const died = (livedMs: number) => {
    failures = livedMs < STABLE_MS ? failures + 1 : 1;
    if (failures < 2) return;
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - 2));
    const old = pool;
    pool = null;
    void old?.destroy();
    options.onRestart?.(delay);
    timer = setTimeout(() => {
      timer = null;
      if (!closing) pool = make();
    }, delay);
    timer.unref();
  };

  const run = <R>(task: PoolTask): Promise<R> => {
    if (pool === null) return Promise.reject(new Error("the classification threads are restarting after failures; try again shortly"));
    return pool.run(task) as Promise<R>;
  };

  // Single classifications asked in the same turn of the event loop (32 connections put several in
  // each) go to the threads together, one task per thread: a task costs the main thread a message each
  // way, a wake-up and its bookkeeping, several times the engine's own work on a short text.
  let waiting: { input: ClassificationInput; resolve: (r: ResultJson) => void; reject: (e: Error) => void }[] = [];
  const sendWaiting = () => {
    const all = waiting;
    waiting = [];
    const size = Math.ceil(all.length / threads);
    for (let at = 0; at < all.length; at += size) {
      const group = all.slice(at, at + size);
      run<SingleAnswer[]>(Object.assign({ kind: "singles" as const, inputs: group.map((g) => g.input) }, { [queueOptionsSymbol]: INTERACTIVE })).then(
        (answers) => group.forEach((g, i) => {
          const answer = answers[i] as SingleAnswer;
          if ("failed" in answer) g.reject(new Error(answer.failed));
          else g.resolve(answer);
        }),
        (err: Error) => group.forEach((g) => g.reject(err)),
      );
    }
  };

  return {
    classify: (input) =>
      new Promise<ResultJson>((resolve, reject) => {
        if (waiting.length === 0) setImmediate(sendWaiting);
        waiting.push({ input, resolve, reject });
      }),
    classifyMany: (lang) => (rows) => run<(RowVerdict | RowFailure)[]>({ kind: "rows", rows, lang }),
    async close() {
      closing = true;
      if (timer) clearTimeout(timer);
      const p = pool;
      pool = null;
      await p?.destroy();
    },
  };
}
