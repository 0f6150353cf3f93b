/**
 * Migrations of the compiled service run in a child process of their own (src/db/migrate-child.ts):
 * the schema engine's WebAssembly memory must not stay in the long-running process. Driven through
 * dist/ as `npm start` runs it, against an empty database.
 */
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

describe("applyMigrationsIsolated (compiled)", { timeout: 120_000 }, () => {
  const name = `cds_mig_${randomBytes(4).toString("hex")}`;
  let url: string;
  let mod: { applyMigrationsIsolated(url: string): Promise<string[]> };
  const admin = () => new pg.Client({ connectionString: inject("pgAdminUrl") });
  beforeAll(async () => {
    const tools = new URL("../../tools/build.mjs", import.meta.url).href;
    const { ensureBuilt } = (await import(tools)) as { ensureBuilt(): void };
    ensureBuilt();
    mod = await import(new URL("../../dist/db/migrate.js", import.meta.url).href);
    const a = admin();
    await a.connect();
    await a.query(`create database "${name}"`);
    await a.end();
    const u = new URL(inject("pgAdminUrl"));
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    const a = admin();
    await a.connect();
    await a.query(`drop database if exists "${name}" with (force)`).catch(() => {});
    await a.end();
  });

  it("applies every migration from a child process, then finds nothing to apply", async () => {
    const onDisk = readdirSync("prisma/migrations", { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const applied = await mod.applyMigrationsIsolated(url);
    expect([...applied].sort()).toEqual(onDisk);
    // The schema engine was never instantiated here: its module-level glue has no wasm set.
    const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg" as string)) as Record<
      string,
      unknown
    >;
    expect(() => (glue.SchemaEngine as { new: () => unknown }).new()).toThrow();
    expect(await mod.applyMigrationsIsolated(url)).toEqual([]);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query(`select count(*)::int as n from "Person"`);
    await c.end();
    expect(rows[0].n).toBe(0);
  });

  it("reports the child's own error when a migration cannot run", async () => {
    const u = new URL(url);
    u.pathname = "/cds_database_that_does_not_exist";
    await expect(mod.applyMigrationsIsolated(u.toString())).rejects.toThrow(/does not exist/);
  });
});
