import { defineConfig } from "vitest/config";

// The knowledge tests need no services: no global setup, so they run without PostgreSQL or Redis.
export default defineConfig({
  test: {
    include: ["test/knowledge/**/*.test.ts"],
    maxWorkers: 2,
  },
});
