/**
 * Once per `vitest run`: a PostgreSQL template database with every migration applied (on the
 * server in TEST_DATABASE_URL/DATABASE_URL, else an embedded PostgreSQL) and a reachable Redis.
 * Each test file clones the template into its own database (test/support/database.ts), so files
 * run in parallel without seeing each other's rows.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../src/db/migrate.js";
import { startEmbeddedPostgres } from "../src/db/embedded.js";
import { ensureRedis } from "../src/redis/embedded.js";
import { createLogger } from "../src/logging/logger.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDb: string;
    redisUrl: string;
  }
}

/** A test database older than this belongs to a run that was killed before its teardown. */
const STALE_AFTER_SECONDS = 6 * 60 * 60;

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  const logger = createLogger({ level: "warn" });
  const stops: Array<() => Promise<void>> = [];
  let adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: "data/test-pg",
      port: 54339,
      database: "postgres",
      logger,
      relocateIfUnreachable: true,
    });
    stops.push(() => embedded.stop());
    adminUrl = embedded.url;
  }
  // The creation time is part of the name ("z" + epoch seconds in base 36), so a run can tell
  // leftovers of killed runs from the live databases of runs going on at the same time.
  const templateDb = `cds_tpl_z${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Leftovers of runs killed before their teardown: names carry their creation time (seconds),
  // and only those older than six hours are dropped, never a run still going in parallel.
  const stale = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname ~ '^cds_(tpl|t)_[0-9]+_'",
  );
  const cutoff = Math.floor(Date.now() / 1000) - STALE_AFTER_SECONDS;
  for (const { datname } of stale.rows) {
    const created = Number(datname.split("_")[2]);
    if (created < cutoff)
      await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => {});
  }
  await admin.query(`create database "${templateDb}"`);
  await applyMigrations(withDatabase(adminUrl, templateDb));
  // The migration engine's pool may still hold connections to the template, and PostgreSQL only
  // clones a template nobody is connected to.
  await admin.query(
    "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
    [templateDb],
  );

  let redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
  if (!redisUrl) {
    const r = await ensureRedis({ dataDir: "data/test-redis", port: 63899, logger });
    stops.push(() => r.stop());
    redisUrl = r.url;
  }
  project.provide("pgAdminUrl", adminUrl);
  project.provide("templateDb", templateDb);
  project.provide("redisUrl", redisUrl);

  return async () => {
    const dbs = await admin.query<{ datname: string }>(
      "select datname from pg_database where datname like $1 or datname = $2",
      [`cds_t_${templateDb.slice(8)}_%`, templateDb],
    );
    for (const { datname } of dbs.rows)
      await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => {});
    await admin.end();
    for (const stop of stops.reverse()) await stop();
  };
}
