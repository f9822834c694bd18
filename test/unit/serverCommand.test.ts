import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SERVER_NODE_ARGS } from "../../src/serverCommand.ts";

describe("how the server is started", () => {
  it("npm start runs node with the arguments the fault tests and benchmarks use", () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_ARGS.join(" ")}`);
  });
});
