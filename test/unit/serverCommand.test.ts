import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SERVER_NODE_ARGS } from "../../src/serverCommand.ts";
import { CLASSIFY_NODE_ARGS } from "../../src/cli/command.ts";

const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../package.json"), "utf8")) as { scripts: Record<string, string> };

describe("how the server is started", () => {
  it("npm start runs node with the arguments the fault tests and benchmarks use", () => {
    expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_ARGS.join(" ")}`);
  });
});

describe("how the CLI is started", () => {
  it("npm run classify runs node with the arguments the bulk benchmark uses", () => {
    expect(pkg.scripts.classify).toBe(`node ${CLASSIFY_NODE_ARGS.join(" ")}`);
  });
});
