import { serveRequests } from "../../src/threadPool.ts";

/** A pool worker for tests: doubles numbers, reports a thrown error, and dies on "crash". */
serveRequests((request: number | "throw" | "crash") => {
  if (request === "throw") throw new Error("no number");
  // The thread itself stops without answering, as when it runs out of memory.
  if (request === "crash") process.exit(1);
  return request * 2;
});
