// A pool thread's entry: loads the TypeScript handler (workerData.module, a file URL) under tsx,
// whichever way this process was started, and hands its default export to the pool.
import { workerData } from "piscina";
import { register } from "tsx/esm/api";

register();
const handler = await import(workerData.module);
export default handler.default;
