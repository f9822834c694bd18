import { Worker, type ResourceLimits } from "node:worker_threads";

/**
 * Starts a worker thread running a TypeScript module. The module is loaded through tsx in the new
 * thread, whichever way this process was started.
 */
export function startTsWorker(module: URL, options: { workerData?: Record<string, unknown>; resourceLimits?: ResourceLimits } = {}): Worker {
  return new Worker(new URL("./tsWorker.boot.mjs", import.meta.url), {
    workerData: { ...options.workerData, module: module.href },
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
  });
}
