/**
 * `npm run db:migration -- <name>`: writes the next migration (the SQL from the existing
 * migrations to prisma/schema.prisma) using the WebAssembly schema engine, which works offline.
 * Needs a PostgreSQL server in DATABASE_URL; the diff runs in a scratch database it creates and drops.
 */
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { defaultMigrationPaths, diffSchemaAgainstMigrations } from "../db/migrate.js";

const name = process.argv[2];
const url = process.env.DATABASE_URL;
if (!name || !/^[a-z0-9_]+$/.test(name) || !url) {
  process.stderr.write("usage: DATABASE_URL=postgresql://... npm run db:migration -- <snake_case_name>\n");
  process.exit(2);
}
const paths = defaultMigrationPaths();
// Diffing from the migrations replays them in a shadow database: make a scratch one so the
// server's own databases are never touched.
const shadow = `cds_shadow_${Date.now()}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`create database "${shadow}"`);
const shadowUrl = new URL(url);
shadowUrl.pathname = `/${shadow}`;
let sql: string;
try {
  sql = await diffSchemaAgainstMigrations(shadowUrl.toString(), paths);
} finally {
  await admin.query(`drop database if exists "${shadow}" with (force)`);
  await admin.end();
}
if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
  process.stdout.write("schema and migrations agree: nothing to write\n");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = join(paths.migrationsDir, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "migration.sql"), sql);
const lock = join(paths.migrationsDir, "migration_lock.toml");
if (!existsSync(lock)) writeFileSync(lock, 'provider = "postgresql"\n');
process.stdout.write(`wrote ${dir}/migration.sql\n`);
