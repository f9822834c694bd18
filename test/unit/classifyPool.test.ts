import { describe, expect, it } from "vitest";
import { createClassifyPool } from "../../src/threads/classifyPool.ts";
import { loadListData } from "../../src/data/loadListData.ts";
import { createClassifier } from "../../src/core/classify.ts";
import { toResultJson } from "../../src/core/resultJson.ts";
import { classifyOnThisThread } from "../../src/bulk/rowVerdict.ts";

const ECHO = new URL("../support/echoWorker.ts", import.meta.url);
const listData = loadListData();
const row = (description: string) => ({ description, asOf: "2026-11-30" });

describe("the classification pool", () => {
  it("answers single classifications and bulk chunks as this thread would, with the list data it was given", async () => {
    const pool = createClassifyPool({ threads: 2, listData });
    const here = createClassifier(listData);
    try {
      const input = { description: "服务器密码机，SM4加解密速率 8Gbps，SM2签名速率 6万次/秒", asOf: "2026-11-30" };
      const one = await pool.classify(input);
      expect(JSON.parse(one.json)).toEqual(JSON.parse(toResultJson(here.classify(input)).json));
      const rows = [row("IPsec VPN gateway, AES-256, 20 Gbps"), row("USB cable 2 m"), row("HSM appliance")];
      expect(await pool.classifyMany("zh")(rows)).toEqual(await classifyOnThisThread(here, "zh")(rows));
    } finally {
      await pool.close();
    }
  });

  it("answers singles asked in the same turn each with its own result, across the threads", async () => {
    const pool = createClassifyPool({ threads: 2, listData });
    const here = createClassifier(listData);
    try {
      const inputs = ["IPsec VPN gateway, AES-256, 20 Gbps", "USB cable 2 m", "服务器密码机，SM2签名速率 6万次/秒", "HSM appliance", "加密电话机", "家用无线路由器"].map(row);
      const answers = await Promise.all(inputs.map((input) => pool.classify(input)));
      expect(answers.map((a) => JSON.parse(a.json))).toEqual(inputs.map((input) => JSON.parse(toResultJson(here.classify(input)).json)));
    } finally {
      await pool.close();
    }
  });

  it("fails only the single the thread could not answer, not the others sent with it", async () => {
    const pool = createClassifyPool({ threads: 1, listData, module: ECHO });
    try {
      const [a, bad, b] = await Promise.allSettled([pool.classify(row("a")), pool.classify(row("throw")), pool.classify(row("b"))]);
      expect(a.status === "fulfilled" && JSON.parse(a.value.json)).toBe("a");
      expect(bad.status === "rejected" && (bad.reason as Error).message).toBe("no verdict for this text");
      expect(b.status === "fulfilled" && JSON.parse(b.value.json)).toBe("b");
    } finally {
      await pool.close();
    }
  });

  it("takes a single classification before the bulk chunks already queued", async () => {
    const pool = createClassifyPool({ threads: 1, listData, module: ECHO });
    try {
      // Warm: the thread is up and idle.
      await pool.classify({ description: "warm", asOf: "2026-11-30" });
      // The first chunk keeps the thread busy for a while, five more wait behind it.
      const chunks = Array.from({ length: 6 }, (_, i) => pool.classifyMany("en")([row(i === 0 ? "slow" : `chunk ${i}`)]));
      const single = pool.classify({ description: "single", asOf: "2026-11-30" });
      await Promise.all([...chunks, single]);
      // The first chunk was already on the thread; the single one came next, before the five queued.
      const handled = JSON.parse((await pool.classify(row("history"))).json) as string[];
      expect(handled.slice(0, 3)).toEqual(["warm", "slow", "single"]);
      expect(handled).toHaveLength(9);
    } finally {
      await pool.close();
    }
  });

  it("passes a thread's error back to the caller of that chunk, and answers the next", async () => {
    const pool = createClassifyPool({ threads: 1, listData, module: ECHO });
    try {
      await expect(pool.classifyMany("en")([row("a"), row("throw")])).rejects.toThrow("no verdict for this row");
      expect((await pool.classifyMany("en")([row("b")]))[0]).toMatchObject({ reasons: ["b"] });
    } finally {
      await pool.close();
    }
  });

  it("replaces a thread that dies, failing what it held, so later requests are answered", async () => {
    const pool = createClassifyPool({ threads: 1, listData, module: ECHO });
    try {
      await expect(pool.classifyMany("en")([row("crash")])).rejects.toThrow(/exited|terminat/i);
      expect(JSON.parse((await pool.classify({ description: "after", asOf: "2026-11-30" })).json)).toBe("after");
    } finally {
      await pool.close();
    }
  });

  it("restarts threads that keep dying after a wait that doubles, not in a loop, and fails calls at once meanwhile", async () => {
    const delays: number[] = [];
    const pool = createClassifyPool({ threads: 1, listData, module: ECHO, onRestart: (ms) => delays.push(ms) });
    try {
      for (let i = 0; i < 4; i++) {
        await pool.classifyMany("en")([row("crash")]).catch(() => {});
        await new Promise((r) => setTimeout(r, (delays.at(-1) ?? 0) + 50));
      }
      expect(delays.slice(0, 3)).toEqual([100, 200, 400]);
      const waiting = pool.classify({ description: "x", asOf: "2026-11-30" });
      // Right after a restart the pool may be up again; either it answers, or it says why at once.
      await waiting.then(
        (r) => expect(JSON.parse(r.json)).toBe("x"),
        (err: Error) => expect(err.message).toMatch(/restarting/),
      );
    } finally {
      await pool.close();
    }
  });
});
