import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CLASSIFY_NODE_ARGS } from "../../src/cli/command.ts";
import { catalogueCsv } from "../support/catalogue.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

describe("npm run classify", () => {
  it("runs built JavaScript on a classification thread and writes what the TypeScript sources write on the main thread", { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clc-cli-"));
    const input = path.join(dir, "in.csv");
    fs.writeFileSync(input, catalogueCsv(300));
    const options = ["--as-of", "2026-11-29", "--workers"];
    const [built, source] = await Promise.all([
      run(process.execPath, [...CLASSIFY_NODE_ARGS, input, "-o", path.join(dir, "built.csv"), ...options, "1"], { cwd: ROOT }),
      run(process.execPath, ["--import", "tsx", "src/cli/classifyCsv.ts", input, "-o", path.join(dir, "source.csv"), ...options, "0"], { cwd: ROOT }),
    ]);
    expect(built.stderr).toContain("Done: 300 rows");
    expect(source.stderr).toContain("Done: 300 rows");
    expect(fs.readFileSync(path.join(ROOT, "dist/threads/classifyWorker.js"), "utf8")).toContain("createRowClassifier");
    expect(fs.readFileSync(path.join(dir, "built.csv"))).toEqual(fs.readFileSync(path.join(dir, "source.csv")));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
