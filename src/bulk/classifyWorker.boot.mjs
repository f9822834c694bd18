// Starts the TypeScript worker under tsx, whichever way the parent process was started.
import { register } from "tsx/esm/api";

register();
await import("./classifyWorker.ts");
