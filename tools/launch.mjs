/**
 * Runs a compiled entry point: `node tools/launch.mjs main.js --role web` builds dist/ if it is
 * missing or stale (so `npm install && npm start` works on a fresh clone) and then runs
 * dist/main.js in this same process, with argv as if it had been started directly.
 * Every npm script that starts the service or a CLI goes through here.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DIST, ensureBuilt } from "./build.mjs";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: node tools/launch.mjs <file in dist/, e.g. main.js> [args…]\n");
  process.exit(2);
}
try {
  ensureBuilt();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
const target = join(DIST, entry);
if (!existsSync(target)) {
  process.stderr.write(`dist/${entry} does not exist\n`);
  process.exit(2);
}
// Source maps are off by default: Node parses and keeps the map of every module it loads (~10 MB in the
// HTTP process, a third of the margin under the 150 MB idle target). For stack traces that point at the
// TypeScript sources, start with NODE_OPTIONS=--enable-source-maps (tsc writes the maps beside dist/).
// The entry sees the argv it would see if started as `node dist/<entry> args…` (CLIs check argv[1]).
process.argv = [process.argv[0], target, ...args];
await import(pathToFileURL(target).href);
