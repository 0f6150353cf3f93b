/**
 * `npm run db:migration -- <name> [--from <git revision>]`: writes the next migration — the SQL
 * from the schema at the git revision (default HEAD, i.e. what the existing migrations produce)
 * to the working prisma/schema.prisma — using the WebAssembly schema engine, which works offline.
 * Hand-written SQL (triggers, functions, partial indexes) goes in its own migration by hand.
 * Needs a PostgreSQL server in DATABASE_URL; it only connects to a scratch database it creates.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { defaultMigrationPaths, diffSchemas } from "../db/migrate.js";

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith("--") && args[args.indexOf(a) - 1] !== "--from");
const fromRev = args.includes("--from") ? args[args.indexOf("--from") + 1] : "HEAD";
const url = process.env.DATABASE_URL;
if (!name || !/^[a-z0-9_]+$/.test(name) || !url) {
  process.stderr.write(
    "usage: DATABASE_URL=postgresql://... npm run db:migration -- <snake_case_name> [--from <git revision>]\n",
  );
  process.exit(2);
}
const paths = defaultMigrationPaths();
let fromSchema: string | undefined;
try {
  fromSchema = execFileSync("git", ["show", `${fromRev}:prisma/schema.prisma`], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
} catch {
  fromSchema = undefined; // no committed schema yet: the first migration
}
const scratch = `cds_migration_${Date.now()}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`create database "${scratch}"`);
const scratchUrl = new URL(url);
scratchUrl.pathname = `/${scratch}`;
let sql: string;
try {
  sql = await diffSchemas(scratchUrl.toString(), fromSchema, paths);
} finally {
  await admin.query(`drop database if exists "${scratch}" with (force)`);
  await admin.end();
}
if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
  process.stdout.write(`schema and ${fromRev} agree: nothing to write\n`);
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = join(paths.migrationsDir, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "migration.sql"), sql);
const lock = join(paths.migrationsDir, "migration_lock.toml");
if (!existsSync(lock)) writeFileSync(lock, 'provider = "postgresql"\n');
process.stdout.write(`wrote ${dir}/migration.sql\n`);
