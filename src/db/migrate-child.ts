/**
 * Applies pending migrations in a process of its own, then exits (see applyMigrationsIsolated):
 * the schema engine's WebAssembly memory cannot shrink once grown, and in the long-running
 * process it stayed allocated for the process's whole life after the first start-up.
 */
import { applyMigrations } from "./migrate.js";

applyMigrations(process.env.CDS_MIGRATE_URL ?? "").then(
  (applied) => {
    process.send?.({ applied }, () => process.exit(0));
  },
  (err: unknown) => {
    process.send?.({ error: err instanceof Error ? err.message : String(err) }, () => process.exit(1));
  },
);
