import { defineConfig } from "vitest/config";

/**
 * Fault tests: each spawns the real server as a child process (kill -9, SIGTERM, bad start-up).
 * One file at a time, so two servers never fight for the machine's two cores.
 */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    environment: "node",
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
