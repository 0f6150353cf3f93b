import { defineConfig } from "vitest/config";

// Fault tests that take longer than 30 s each (issue 9): `npm run test:faults`, also run by .ci/run.
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
