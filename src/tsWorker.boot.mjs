// Loads a worker thread's TypeScript module (workerData.module, a file URL) under tsx.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
