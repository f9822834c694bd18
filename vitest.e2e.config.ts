import { defineConfig } from "vitest/config";

/** Browser journeys in headless Chromium (Debian's), kept apart from `npm test`. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
