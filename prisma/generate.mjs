/**
 * `prisma generate`, offline. Every prisma CLI command first tries to download the native schema
 * engine; generation never runs it, so pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable
 * keeps the command from reaching the network. Plain JavaScript: it runs as `postinstall`, before
 * any TypeScript tooling is usable, and in production installs (where it has nothing to do).
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
if (result.status !== 0) process.exit(result.status ?? 1);

// The generated client loads its WebAssembly query compiler by importing a module whose only export
// is the compiler as a 4.6 MB base64 string: the module cache keeps that string, and its source text,
// alive for the life of the process (~9 MB of heap in every process). Reading the same file as text
// and decoding it lets both be collected. If a Prisma upgrade changes the generated line, the client
// is left as generated and this says so.
const classFile = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "src",
  "generated",
  "prisma",
  "internal",
  "class.ts",
);
const generated = readFileSync(classFile, "utf8");
const importLine =
  /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/query_compiler_[a-z_]+bg\.postgresql\.wasm-base64)\.mjs"\)/;
const found = generated.match(importLine);
if (found) {
  writeFileSync(
    classFile,
    generated.replace(
      importLine,
      `const { readFile } = await import("node:fs/promises")
    const { createRequire } = await import("node:module")
    // Patched by prisma/generate.mjs: read as text so no module keeps the 4.6 MB string alive.
    const text = await readFile(createRequire(import.meta.url).resolve("${found[1]}.mjs"), "utf8")
    const wasm = text.slice(text.indexOf('"') + 1, text.lastIndexOf('"'))`,
    ),
  );
} else if (!generated.includes("Patched by prisma/generate.mjs")) {
  process.stderr.write("prisma/generate.mjs: the query compiler import was not found; left as generated\n");
}
