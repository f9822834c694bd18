#!/usr/bin/env -S node --max-old-space-size=192
// Command-line bulk classifier: `crypto-licence-classify in.csv -o out.csv`. Runs the TypeScript CLI under tsx.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/classifyCsv.ts");
