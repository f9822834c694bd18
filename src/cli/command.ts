/**
 * How `npm run classify` starts the CLI: `node` with exactly these arguments (a unit test keeps
 * package.json in step), and so does the bulk benchmark. The launcher runs the CLI as JavaScript built
 * from src/ (scripts/build.mjs, again whenever src/ changed), so neither the main thread nor the
 * classification threads load a TypeScript loader: about 1 s less start-up and 75–90 MB less memory
 * before the first row.
 *
 * `--max-old-space-size=192`: the main thread's heap is bounded; it holds a few chunks of rows.
 */
export const CLASSIFY_NODE_ARGS = ["--max-old-space-size=192", "bin/crypto-licence-classify.mjs"] as const;
