import type { PoolTask } from "../../src/threads/classifyPool.ts";

/**
 * A pool thread for tests: answers a single classification with its description ("throw" fails it alone), a chunk of rows
 * by failing ("throw" in a row), by taking its time ("slow") or by dying ("crash"); a single "history" is answered with every text it was given, in order, as a thread out of memory would.
 */
const handled: string[] = [];

export default function handle(task: PoolTask) {
  handled.push(...(task.kind === "singles" ? task.inputs : task.rows).map((r) => r.description ?? ""));
  if (task.kind === "singles")
    return task.inputs.map((input) =>
      input.description === "throw" ? { failed: "no verdict for this text" } : { json: JSON.stringify(input.description === "history" ? handled : (input.description ?? null)) },
    );
  if (task.rows.some((r) => r.description === "crash")) process.exit(1);
  if (task.rows.some((r) => r.description === "slow")) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  if (task.rows.some((r) => r.description === "throw")) throw new Error("no verdict for this row");
  return task.rows.map((r) => ({ importVerdict: "not_listed", importEntry: null, exportVerdict: "not_listed", exportEntry: null, missing: [], reasons: [r.description ?? ""], questions: [] }));
}
