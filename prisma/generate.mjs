/**
 * `prisma generate`, offline. Every prisma CLI command first tries to download the native schema
 * engine; generation never runs it, so pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable
 * keeps the command from reaching the network. Plain JavaScript: it runs as `postinstall`, before
 * any TypeScript tooling is usable, and in production installs (where it has nothing to do).
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
let prismaCli;
try {
  prismaCli = join(dirname(require.resolve("prisma/package.json")), "build", "index.js");
} catch {
  // `npm ci --omit=dev`: the prisma CLI is a dev dependency; a production install runs the
  // compiled dist/, whose client was generated (and compiled) when dist/ was built.
  process.stderr.write("prisma CLI not installed (production install): skipping prisma generate\n");
  process.exit(0);
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const result = spawnSync(process.execPath, [prismaCli, "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
