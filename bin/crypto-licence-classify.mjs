#!/usr/bin/env -S node --max-old-space-size=192
// Command-line bulk classifier: `crypto-licence-classify in.csv -o out.csv`. Runs the CLI as the JavaScript
// scripts/build.mjs makes from src/ (built again first if src/ changed), so neither this thread nor the
// classification threads load a TypeScript loader; from the TypeScript sources under tsx when it cannot be built.
import { built } from "../scripts/build.mjs";

const cli = await built("cli/classifyCsv.js");
if (cli) await import(cli);
else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/classifyCsv.ts");
}
