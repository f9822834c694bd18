#!/usr/bin/env node
// Command-line bulk classifier: `crypto-licence-classify in.csv -o out.csv`. Runs the TypeScript CLI under tsx.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/classifyCsv.ts");
