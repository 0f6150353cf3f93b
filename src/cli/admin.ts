/**
 * `npm run admin -- <command>`: manage the people who review submissions.
 *
 *   reviewer add --channel telegram --id <chat id> --name "<name>" [--role reviewer|admin]
 *   reviewer list
 *   reviewer remove --name "<name>"
 *   login-link --name "<name>"      prints a one-time sign-in URL for the web panel (15 minutes)
 *
 * Uses DATABASE_URL, or the embedded PostgreSQL of `npm start` (connecting to it when the server
 * is running, starting it otherwise).
 */
import pg from "pg";
import { parseArgs } from "node:util";
import { ConfigError, parseConfig, type Config } from "../config/schema.js";
import { CHANNELS, type ChannelName } from "../channels/types.js";
import { createDb } from "../db/client.js";
import { startEmbeddedPostgres } from "../db/embedded.js";
import { applyMigrations } from "../db/migrate.js";
import { createLogger } from "../logging/logger.js";
import { createLoginLink, panelBaseUrl } from "../review/login-links.js";
import type { AuditActor } from "../review/audit.js";

const CLI_ACTOR: AuditActor = { label: "cli" };
import { addReviewer, listReviewers, removeReviewer, ReviewerError } from "../review/reviewers.js";

const USAGE = `usage:
  npm run admin -- reviewer add --channel telegram --id <chat id> --name "<name>" [--role reviewer|admin]
  npm run admin -- reviewer add --name "<name>" [--role reviewer|admin]      (web panel only)
  npm run admin -- reviewer list
  npm run admin -- reviewer remove --name "<name>"
  npm run admin -- login-link --name "<name>"
`;

class UsageError extends Error {
  override name = "UsageError";
}

/** The server's embedded database if it answers; otherwise start it for the duration of the command. */
async function databaseUrl(config: Config): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const url = `postgresql://postgres:postgres@127.0.0.1:${config.embeddedPgPort}/cds`;
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await probe.connect();
    await probe.end();
    return { url };
  } catch {
    await probe.end().catch(() => {});
    const embedded = await startEmbeddedPostgres({
      dataDir: `${config.dataDir}/pg`,
      port: config.embeddedPgPort,
      database: "cds",
      logger: createLogger({ level: "warn" }),
    });
    return { url: embedded.url, stop: () => embedded.stop() };
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      channel: { type: "string" },
      id: { type: "string" },
      name: { type: "string" },
      role: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals.join(" ");
  if (values.help || !["reviewer add", "reviewer list", "reviewer remove", "login-link"].includes(command)) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.role && values.role !== "reviewer" && values.role !== "admin")
    throw new UsageError("--role must be reviewer or admin");
  if (values.channel && !(CHANNELS as readonly string[]).includes(values.channel))
    throw new UsageError(`--channel must be one of ${CHANNELS.join(", ")}`);
  if (command !== "reviewer list" && !values.name) throw new UsageError("--name is required");

  const config = parseConfig(process.env);
  const database = await databaseUrl(config);
  await applyMigrations(database.url);
  const db = createDb(database.url, { max: 2 });
  try {
    if (command === "reviewer add") {
      const r = await addReviewer(
        db,
        {
          name: values.name!,
          role: values.role as "reviewer" | "admin" | undefined,
          channel: values.channel as ChannelName | undefined,
          externalId: values.id,
        },
        CLI_ACTOR,
      );
      process.stdout.write(
        `added ${r.name} (${r.role}${r.channel ? `, ${r.channel} ${r.externalId}` : ""})\n`,
      );
    } else if (command === "reviewer list") {
      const rows = await listReviewers(db);
      if (!rows.length) process.stdout.write("no reviewers yet\n");
      for (const r of rows)
        process.stdout.write(
          `${r.active ? "active  " : "removed "} ${r.role.padEnd(8)} ${(r.channel ? `${r.channel}:${r.externalId}` : "-").padEnd(24)} ${r.name}\n`,
        );
    } else if (command === "reviewer remove") {
      const r = await removeReviewer(db, values.name!, CLI_ACTOR);
      process.stdout.write(`removed ${r.name}: sessions ended, unused sign-in links revoked\n`);
    } else {
      const r = await db.reviewer.findFirst({ where: { name: values.name!.trim(), active: true } });
      if (!r) throw new ReviewerError(`no active reviewer named "${values.name}"`, "not_found");
      // The server's operator, on the server: audited as "cli".
      const link = await createLoginLink(db, r.id, panelBaseUrl(config), CLI_ACTOR);
      process.stdout.write(`${link.url}\n(single use, valid until ${link.expiresAt.toISOString()})\n`);
    }
    return 0;
  } finally {
    await db.$disconnect();
    await database.stop?.();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof ReviewerError || err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n\n${err instanceof ConfigError ? "" : USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
