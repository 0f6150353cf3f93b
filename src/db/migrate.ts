/**
 * Applies and creates Prisma migrations without the native schema engine, which cannot be
 * downloaded offline: the WebAssembly build of the same engine, driven through the pg adapter,
 * records migrations in `_prisma_migrations` exactly as `prisma migrate deploy` does.
 */
import { fork } from "node:child_process";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";

const require = createRequire(import.meta.url);
const NO_FILTERS = { externalTables: [], externalEnums: [] };

export interface MigrationPaths {
  schemaPath: string;
  migrationsDir: string;
}

/** Where the repository keeps its schema and migrations. */
export function defaultMigrationPaths(root = process.cwd()): MigrationPaths {
  return {
    schemaPath: resolve(root, "prisma/schema.prisma"),
    migrationsDir: resolve(root, "prisma/migrations"),
  };
}

let wasmReady: Promise<void> | undefined;

/** The wasm module is instantiated once per process: it is 10+ MB and stateless between engines. */
function instantiateWasm(): Promise<void> {
  wasmReady ??= (async () => {
    // The package exports no package.json; its JS glue sits beside the .wasm file.
    const wasmPath = join(
      dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
      "schema_engine_bg.wasm",
    );
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    const exports = instance.exports as unknown as { __wbindgen_start?: () => void };
    (glue as unknown as { __wbg_set_wasm(w: unknown): void }).__wbg_set_wasm(instance.exports);
    exports.__wbindgen_start?.();
  })();
  return wasmReady;
}

async function withEngine<T>(
  connectionString: string,
  paths: MigrationPaths,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await instantiateWasm();
  const schema = readFileSync(paths.schemaPath, "utf8");
  // Our own pool, so it can be closed afterwards: the engine does not close its connections, and
  // an idle one cut later (embedded PostgreSQL stopping) would crash the process with an
  // unhandled 'error' event.
  const pool = new pg.Pool({ connectionString, max: 2 });
  pool.on("error", () => {});
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  // The engine reports progress through this callback; it carries SQL, not personal data.
  const engine = await glue.SchemaEngine.new(
    { datamodels: [[paths.schemaPath, schema]] },
    () => {},
    adapterFactory,
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    await pool.end().catch(() => {});
  }
}

function migrationList(paths: MigrationPaths): MigrationList {
  const dirs = existsSync(paths.migrationsDir)
    ? readdirSync(paths.migrationsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = join(paths.migrationsDir, "migration_lock.toml");
  return {
    baseDir: paths.migrationsDir,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: {
          tag: "ok" as const,
          value: readFileSync(join(paths.migrationsDir, name, "migration.sql"), "utf8"),
        },
      },
    })),
  };
}

/**
 * Names of migrations on disk not yet recorded as finished in `_prisma_migrations`. Checked with
 * plain SQL first because compiling the schema engine's WebAssembly takes seconds, and most
 * start-ups have nothing to apply.
 */
export async function pendingMigrations(
  connectionString: string,
  paths = defaultMigrationPaths(),
): Promise<string[]> {
  const onDisk = migrationList(paths).migrationDirectories.map((d) => d.path);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const table = await client.query("select to_regclass('public._prisma_migrations') as t");
    if (!table.rows[0]?.t) return onDisk;
    const done = await client.query<{ migration_name: string }>(
      "select migration_name from _prisma_migrations where finished_at is not null and rolled_back_at is null",
    );
    const applied = new Set(done.rows.map((r) => r.migration_name));
    return onDisk.filter((n) => !applied.has(n));
  } finally {
    await client.end();
  }
}

/**
 * Applies every migration in `prisma/migrations` not yet applied; a second run applies nothing.
 *
 * @example await applyMigrations(process.env.DATABASE_URL!)
 */
export async function applyMigrations(
  connectionString: string,
  paths = defaultMigrationPaths(),
): Promise<string[]> {
  if ((await pendingMigrations(connectionString, paths)).length === 0) return [];
  return withEngine(connectionString, paths, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: migrationList(paths), filters: NO_FILTERS });
    return out.appliedMigrationNames;
  });
}

/**
 * The SQL from one schema to another — the body of the next migration (empty when they agree).
 * `fromSchema` is the schema the existing migrations produce (the committed prisma/schema.prisma);
 * comparing two datamodels needs no database introspection, which the WebAssembly engine cannot
 * do on PostgreSQL (it fails on the catalogue's "char" columns). Without it, the diff starts from
 * an empty database (the first migration).
 */
export async function diffSchemas(
  connectionString: string,
  fromSchema: string | undefined,
  paths = defaultMigrationPaths(),
): Promise<string> {
  return withEngine(connectionString, paths, async (engine) => {
    const schema = readFileSync(paths.schemaPath, "utf8");
    const result = await engine.diff({
      from:
        fromSchema === undefined
          ? { tag: "empty" }
          : { tag: "schemaDatamodel", files: [{ path: paths.schemaPath, content: fromSchema }] },
      to: { tag: "schemaDatamodel", files: [{ path: paths.schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return result.stdout ?? "";
  });
}

/**
 * Like applyMigrations, but the schema engine runs in a short-lived child process when this code
 * runs compiled (dist/): its WebAssembly instance kept ~35 MB of the main process's idle RSS after
 * a first start-up that migrated (151 → 115 MB measured). Under tsx or vitest (src/*.ts) it runs in this process.
 */
export async function applyMigrationsIsolated(connectionString: string): Promise<string[]> {
  if ((await pendingMigrations(connectionString)).length === 0) return [];
  if (!import.meta.url.endsWith(".js")) return applyMigrations(connectionString);
  const child = fork(fileURLToPath(new URL("./migrate-child.js", import.meta.url)), [], {
    env: { ...process.env, CDS_MIGRATE_URL: connectionString },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise<string[]>((resolvePromise, reject) => {
    let answer: { applied?: string[]; error?: string } | undefined;
    child.on("message", (m) => {
      answer = m as typeof answer;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (answer?.applied && code === 0) resolvePromise(answer.applied);
      else reject(new Error(answer?.error ?? `the migration process exited with code ${code}`));
    });
  });
}
