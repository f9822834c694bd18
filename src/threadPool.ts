import { parentPort, type ResourceLimits } from "node:worker_threads";
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
  const threads = Array.from({ length: Math.max(1, size) }, () => {
    const worker = startTsWorker(module, options);
    worker.unref();
    return { worker, busy: 0 };
  });
  const pending = new Map<number, { resolve: (v: Res) => void; reject: (e: Error) => void; thread: (typeof threads)[number] }>();
  let nextId = 1;

  for (const thread of threads) {
    thread.worker.on("message", (m: Reply<Res>) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      p.thread.busy--;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.response as Res);
    });
    thread.worker.on("error", (err) => {
      for (const [id, p] of pending) {
        if (p.thread !== thread) continue;
        pending.delete(id);
        p.reject(err);
      }
    });
  }

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
