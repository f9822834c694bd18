import { parentPort, type ResourceLimits, type Worker } from "node:worker_threads";
import { startTsWorker } from "./tsWorker.ts";

/** Requests answered by worker threads running one module; each request goes to the least busy thread. */
export interface ThreadPool<Req, Res> {
  call(request: Req): Promise<Res>;
  close(): Promise<void>;
}

type Reply<Res> = { readonly id: number; readonly response?: Res; readonly error?: string };

export function createThreadPool<Req, Res>(
  module: URL,
  size: number,
  options: { workerData?: Record<string, unknown>; resourceLimits?: ResourceLimits } = {},
): ThreadPool<Req, Res> {
  type Thread = { worker: Worker; busy: number };
  const pending = new Map<number, { resolve: (v: Res) => void; reject: (e: Error) => void; thread: Thread }>();
  let nextId = 1;
  let closing = false;

  const start = (thread: Thread) => {
    const worker = startTsWorker(module, options);
    worker.unref();
    thread.worker = worker;
    thread.busy = 0;
    worker.on("message", (m: Reply<Res>) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      thread.busy--;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.response as Res);
    });
    // A thread that dies (out of memory, a crash) fails what it was given and is replaced, so later
    // requests are not sent to a thread that will never answer.
    const lost = (err: Error) => {
      if (thread.worker !== worker) return;
      for (const [id, p] of pending) {
        if (p.thread !== thread) continue;
        pending.delete(id);
        p.reject(err);
      }
      if (!closing) start(thread);
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`a worker thread stopped (exit ${code})`)));
  };
  const threads: Thread[] = Array.from({ length: Math.max(1, size) }, () => {
    const thread = { busy: 0 } as Thread;
    start(thread);
    return thread;
  });

  return {
    call: (request) =>
      new Promise<Res>((resolve, reject) => {
        const thread = threads.reduce((a, b) => (b.busy < a.busy ? b : a));
        const id = nextId++;
        thread.busy++;
        pending.set(id, { resolve, reject, thread });
        thread.worker.postMessage({ id, request });
      }),
    async close() {
      closing = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
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
