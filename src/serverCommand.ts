/**
 * How the server process is started: `npm start` runs `node` with exactly these arguments (a unit test
 * keeps package.json in step), and so do the fault tests and the benchmarks.
 *
 * `--v8-pool-size=1`: V8's background threads (garbage collection helpers, compilation) run at normal
 * priority for every thread of the process, the low-priority batch threads included. The default of
 * four, on a 2-core machine, keeps the thread answering requests waiting for a core while a batch
 * runs; one is enough for the collector's concurrent work. On a machine with more cores, start
 * `node` with a larger pool.
 *
 * `--max-old-space-size=192`: the main thread's heap is bounded, as the CLI's is. Unbounded, V8 lets it
 * grow with a large batch's garbage (server peak 455–474 MB on a 1M-row upload, against 384 MB bounded;
 * the bounded run was 13% slower in that one pair of runs). The pool threads have limits of their own.
 */
export const SERVER_NODE_ARGS = ["--v8-pool-size=1", "--max-old-space-size=192", "--import", "tsx", "src/server.ts"] as const;
