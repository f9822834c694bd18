import { parentPort, type ResourceLimits, type Worker } from "node:worker_threads";
import { startTsWorker } from "./tsWorker.ts";

/** Requests answered by worker threads running one module; each request goes to the least busy thread. */
export interface ThreadPool<Req, Res> {
  call(request: Req): Promise<Res>;
  close(): Promise<void>;
}

type Reply<Res> = { readonly id: number; readonly response?: Res; readonly error?: string };

/** A thread that dies sooner than this after starting counts as failing again; one that lives longer resets the back-off. */
const STABLE_MS = 5_000;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 30_000;

export function createThreadPool<Req, Res>(
  module: URL,
  size: number,
  options: {
    workerData?: Record<string, unknown>;
    resourceLimits?: ResourceLimits;
    /** Hears each restart and how long it waited (a thread that keeps failing waits longer each time). */
    onRestart?: (delayMs: number) => void;
  } = {},
): ThreadPool<Req, Res> {
  type Thread = { worker: Worker | null; busy: number; startedAt: number; failures: number; timer: NodeJS.Timeout | null };
  const pending = new Map<number, { resolve: (v: Res) => void; reject: (e: Error) => void; thread: Thread }>();
  let nextId = 1;
  let closing = false;

  const start = (thread: Thread) => {
    const worker = startTsWorker(module, options);
    worker.unref();
    thread.worker = worker;
    thread.busy = 0;
    thread.startedAt = Date.now();
    worker.on("message", (m: Reply<Res>) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      thread.busy--;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.response as Res);
    });
    // A thread that dies (out of memory, a crash) fails what it was given and is replaced, so later
    // requests are not sent to a thread that will never answer. One that keeps dying at once (a
    // module that cannot load, data that kills it) is restarted after a wait that doubles each time,
    // up to 30 s, rather than in a loop; meanwhile requests go to the other threads, or fail at once.
    const lost = (err: Error) => {
      if (thread.worker !== worker) return;
      thread.worker = null;
      for (const [id, p] of pending) {
        if (p.thread !== thread) continue;
        pending.delete(id);
        p.reject(err);
      }
      if (closing) return;
      // The first death is replaced at once; deaths in a row, each soon after its start, wait longer.
      thread.failures = Date.now() - thread.startedAt < STABLE_MS ? thread.failures + 1 : 1;
      const delay = thread.failures <= 1 ? 0 : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (thread.failures - 2));
      options.onRestart?.(delay);
      if (delay === 0) start(thread);
      else {
        thread.timer = setTimeout(() => {
          thread.timer = null;
          if (!closing) start(thread);
        }, delay);
        thread.timer.unref();
      }
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`a worker thread stopped (exit ${code})`)));
  };
  const threads: Thread[] = Array.from({ length: Math.max(1, size) }, () => {
    const thread: Thread = { worker: null, busy: 0, startedAt: 0, failures: 0, timer: null };
    start(thread);
    return thread;
  });

  return {
    call: (request) =>
      new Promise<Res>((resolve, reject) => {
        const up = threads.filter((t) => t.worker !== null);
        if (up.length === 0) {
          reject(new Error("the worker threads are restarting after failures; try again shortly"));
          return;
        }
        const thread = up.reduce((a, b) => (b.busy < a.busy ? b : a));
        const id = nextId++;
        thread.busy++;
        pending.set(id, { resolve, reject, thread });
        (thread.worker as Worker).postMessage({ id, request });
      }),
    async close() {
      closing = true;
      for (const t of threads) if (t.timer) clearTimeout(t.timer);
      await Promise.all(threads.map((t) => t.worker?.terminate()));
    },
  };
}

/** In a pool's worker module: answers each request with `handle`, or with the error it threw. */
export function serveRequests<Req, Res>(handle: (request: Req) => Res): void {
  parentPort?.on("message", ({ id, request }: { id: number; request: Req }) => {
    let reply: Reply<Res>;
    try {
      reply = { id, response: handle(request) };
    } catch (err) {
      reply = { id, error: (err as Error).message };
    }
    parentPort?.postMessage(reply);
  });
}
