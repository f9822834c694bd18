// A pool thread's entry: loads the handler (workerData.module, a file URL) and hands its default export
// to the pool. A TypeScript handler is loaded under tsx, whichever way this process was started; the
// built JavaScript (dist/, see scripts/build.mjs) needs no loader.
import { workerData } from "piscina";

if (/\.[cm]?tsx?$/.test(new URL(workerData.module).pathname)) (await import("tsx/esm/api")).register();
const handler = await import(workerData.module);
export default handler.default;
