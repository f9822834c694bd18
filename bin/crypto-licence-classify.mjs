#!/usr/bin/env -S node --max-old-space-size=192
// Command-line bulk classifier: `crypto-licence-classify in.csv -o out.csv`. Runs the CLI as the JavaScript
// scripts/build.mjs makes from src/ (built again first if src/ changed), so neither this thread nor the
// classification threads load a TypeScript loader; from the TypeScript sources under tsx when it cannot be built.
import v8 from "node:v8";
import { built } from "../scripts/build.mjs";

// Smaller inlining budgets for V8's optimising compiler, for every thread of the run (set before any of
// the engine is compiled). Early rows meet new object shapes, and the engine's largest functions are
// dropped and optimised again several times, each time with all they inlined: a quarter of the default
// budget makes those compiles cheaper (100k rows: 9% less CPU) and the optimised code no slower (1M
// rows: the same CPU). An unknown flag in a later Node is ignored here, where on the command line it
// would stop the run.
v8.setFlagsFromString("--max-inlined-bytecode-size-cumulative=230");

const cli = await built("cli/classifyCsv.js");
if (cli) await import(cli);
else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/classifyCsv.ts");
}
