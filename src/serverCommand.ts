/**
 * How the server process is started: `npm start` runs `node` with exactly these arguments (a unit test
 * keeps package.json in step), and so do the fault tests and the benchmarks.
 *
 * `--v8-pool-size=1`: V8's background threads (garbage collection helpers, compilation) run at normal
 * priority for every thread of the process, the low-priority batch threads included. The default of
 * four, on a 2-core machine, keeps the thread answering requests waiting for a core while a batch
 * runs; one is enough for the collector's concurrent work. On a machine with more cores, start
 * `node` with a larger pool.
 */
export const SERVER_NODE_ARGS = ["--v8-pool-size=1", "--import", "tsx", "src/server.ts"] as const;
