import type { PoolTask } from "../../src/threads/classifyPool.ts";

/**
 * A pool thread for tests: answers a single classification with its description, a chunk of rows
 * by failing ("throw" in a row) or by dying ("crash"), as a thread out of memory would.
 */
export default function handle(task: PoolTask) {
  if (task.kind === "one") return { json: JSON.stringify(task.input.description ?? null) };
  if (task.rows.some((r) => r.description === "crash")) process.exit(1);
  if (task.rows.some((r) => r.description === "throw")) throw new Error("no verdict for this row");
  return task.rows.map((r) => ({ importVerdict: "not_listed", importEntry: null, exportVerdict: "not_listed", exportEntry: null, missing: [], reasons: [r.description ?? ""], questions: [] }));
}
