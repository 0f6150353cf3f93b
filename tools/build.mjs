/**
 * The production build: `tsc -p tsconfig.build.json` compiles src/ into dist/ (same layout), then
 * the files the code serves or reads beside itself (the web chat's page and assets) are copied
 * over. Plain JavaScript so it runs where TypeScript tooling is absent (a production install).
 *
 *   node tools/build.mjs            build now
 *   import { ensureBuilt } from "./build.mjs"   build only when dist/ is missing or stale
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SRC = join(ROOT, "src");
export const DIST = join(ROOT, "dist");
/** Written last by a successful build; its content is the newest input's mtime it was built from. */
const STAMP = join(DIST, ".build-stamp");
/** Inputs beside src/ that change what tsc emits. */
const CONFIGS = ["tsconfig.json", "tsconfig.build.json", "package.json"].map((f) => join(ROOT, f));

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** Newest modification time (ms) over src/ and the build's configuration files. */
function newestInput() {
  let newest = 0;
  for (const f of [...walk(SRC), ...CONFIGS.filter(existsSync)])
    newest = Math.max(newest, statSync(f).mtimeMs);
  return newest;
}

/**
 * Why dist/ must be rebuilt, or undefined when it is up to date. A tree without src/ (the Docker
 * image ships dist/ only) is always up to date.
 */
export function staleReason() {
  if (!existsSync(SRC))
    return existsSync(join(DIST, "main.js")) ? undefined : "neither src/ nor dist/ exists";
  if (!existsSync(STAMP)) return "dist/ has not been built";
  const builtFrom = Number(readFileSync(STAMP, "utf8"));
  return newestInput() > builtFrom ? "src/ changed since the last build" : undefined;
}

/** Compiles src/ into a clean dist/; throws with tsc's output when compilation fails. */
export function build({ quiet = false } = {}) {
  const inputsAt = newestInput();
  const require = createRequire(import.meta.url);
  let tsc;
  try {
    // typescript exports no "bin" entry: find the package, then its bin/tsc.
    tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
  } catch {
    throw new Error(
      "dist/ needs building but TypeScript is not installed: run `npm install` (with dev dependencies) first.",
    );
  }
  // A clean build: a source file deleted since the last build must not live on in dist/.
  rmSync(DIST, { recursive: true, force: true });
  const t0 = Date.now();
  const result = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json")], {
    cwd: ROOT,
    stdio: quiet ? "pipe" : "inherit",
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(
      `tsc failed (exit ${result.status})${quiet ? `:\n${result.stdout}${result.stderr}` : ""}`,
    );
  for (const file of walk(SRC)) {
    if (/\.(ts|mts|cts)$/.test(file)) continue;
    const target = join(DIST, relative(SRC, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  writeFileSync(STAMP, String(inputsAt));
  if (!quiet) process.stderr.write(`built dist/ in ${Date.now() - t0} ms\n`);
}

/** Builds when dist/ is missing or older than src/; a fresh dist/ costs one walk of src/ (a few ms). */
export function ensureBuilt() {
  const reason = staleReason();
  if (!reason) return;
  process.stderr.write(`building dist/ (${reason})…\n`);
  build();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    build();
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
