/**
 * `npm run db:migration -- <name>`: writes the next migration (the SQL from the existing
 * migrations to prisma/schema.prisma) using the WebAssembly schema engine, which works offline.
 * Needs a scratch PostgreSQL in DATABASE_URL (nothing is changed in it).
 */
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { defaultMigrationPaths, diffSchemaAgainstMigrations } from "../db/migrate.js";

const name = process.argv[2];
const url = process.env.DATABASE_URL;
if (!name || !/^[a-z0-9_]+$/.test(name) || !url) {
  process.stderr.write("usage: DATABASE_URL=postgresql://... npm run db:migration -- <snake_case_name>\n");
  process.exit(2);
}
const paths = defaultMigrationPaths();
const sql = await diffSchemaAgainstMigrations(url, paths);
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
