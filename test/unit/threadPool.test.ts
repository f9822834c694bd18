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

describe("a thread that keeps failing", () => {
  it("is restarted after a wait that doubles, not in a loop, and requests fail at once meanwhile", async () => {
    const delays: number[] = [];
    const pool = createThreadPool<number, number>(new URL("../support/failingWorker.ts", import.meta.url), 1, { onRestart: (ms) => delays.push(ms) });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      // Immediately, then 100, 200, 400 ms…: a handful of restarts in a second and a half, not hundreds.
      expect(delays.length).toBeGreaterThanOrEqual(3);
      expect(delays.length).toBeLessThanOrEqual(8);
      expect(delays.slice(0, 3)).toEqual([0, 100, 200]);
      await expect(pool.call(1)).rejects.toThrow(/restarting|stopped/);
    } finally {
      await pool.close();
    }
  });
});
