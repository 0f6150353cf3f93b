import { defineConfig } from "vitest/config";

// Integration tests share one PostgreSQL database and one Redis prefix per run (see
// test/global-setup.ts); files run in parallel forks, each test file isolates its own rows/keys.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/faults/**"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
