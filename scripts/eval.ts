/**
 * Scores the classifier on a labelled set with ../shared/eval/score.py, through the real HTTP API.
 * Starts the app in-process on a free port with a throw-away database, unless EVAL_URL points
 * at a server that is already running.
 *
 *   npm run eval                         # dev set, in-process server
 *   npm run eval -- path/to/cases.jsonl  # another labelled set
 *   EVAL_URL=http://127.0.0.1:3000 npm run eval
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { loadListData } from "../src/data/loadListData.ts";
import { openClassificationStore } from "../src/store/classificationStore.ts";
import { buildAppDeps } from "../src/web/appDeps.ts";
import { createApp } from "../src/web/createApp.ts";
import { createLogger } from "../src/web/requestLog.ts";

const shared = path.resolve(import.meta.dirname, "../../shared/eval");
const cases = process.argv[2] ?? path.join(shared, "dev.jsonl");
const scorer = path.join(shared, "score.py");
for (const f of [cases, scorer]) {
  if (!fs.existsSync(f)) {
    console.error(`Cannot find ${f}: the eval needs ../shared/eval next to the repository.`);
    process.exit(2);
  }
}

async function main(): Promise<number> {
  let url = process.env.EVAL_URL;
  let stop = async () => {};
  if (!url) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clc-eval-"));
    const listData = loadListData();
    const store = openClassificationStore(path.join(dir, "eval.db"));
    // Warnings and errors only: request lines would bury the scorer's report.
    const { deps } = buildAppDeps({ listData, store, batchDir: path.join(dir, "batches"), logger: createLogger({ level: "warn" }) });
    const app = createApp(deps);
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stop = async () => {
      await new Promise((resolve) => server.close(resolve));
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  // score.py blocks on HTTP, so it runs in a child while this process serves.
  const child = spawn("python3", [scorer, cases, url, "--show-misses"], { stdio: "inherit" });
  const code: number = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  await stop();
  return code;
}

main().then((code) => process.exit(code));
