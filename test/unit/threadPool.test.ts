import { describe, expect, it } from "vitest";
import { createThreadPool } from "../../src/threadPool.ts";

const WORKER = new URL("../support/echoWorker.ts", import.meta.url);

describe("thread pool", () => {
  it("answers requests in any number, each with its own answer, and passes errors back", async () => {
    const pool = createThreadPool<number | "throw", number>(WORKER, 2);
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.call(i)));
      expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
      await expect(pool.call("throw")).rejects.toThrow("no number");
      expect(await pool.call(21)).toBe(42);
    } finally {
      await pool.close();
    }
  });

  it("replaces a thread that dies, failing only what it held, so later requests are answered", async () => {
    const pool = createThreadPool<number | "crash", number>(WORKER, 1);
    try {
      const crash = pool.call("crash");
      const held = pool.call(5);
      await expect(crash).rejects.toThrow(/stopped/);
      await expect(held).rejects.toThrow(/stopped/);
      expect(await pool.call(7)).toBe(14);
    } finally {
      await pool.close();
    }
  });
});
