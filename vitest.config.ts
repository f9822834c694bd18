import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    testTimeout: 20_000,
    projects: [
      { extends: true, test: { name: "unit and http", include: ["test/unit/**/*.test.ts", "test/http/**/*.test.ts"] } },
      // The bulk suite again, with batches on a thread of their own as the server runs them.
      { extends: true, test: { name: "bulk on the classification threads", include: ["test/http/bulk.test.ts"], env: { CLC_TEST_THREADS: "2" } } },
    ],
  },
});
