/**
 * Entry point: the only place that reads the environment. Parses the config (refusing to start
 * with a readable list of problems), starts the system for the chosen role and shuts it down
 * exactly once on SIGINT/SIGTERM.
 */
import { ConfigError, parseConfig } from "./config/schema.js";
import { createLogger } from "./logging/logger.js";
import { RedisUnavailableError } from "./redis/embedded.js";
import { startSystem } from "./system/start.js";

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  const startedAt = performance.now();
  let system;
  try {
    system = await startSystem(config, { logger });
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      process.stderr.write(`\n${err.message}\n\n`);
      process.exit(3);
    }
    logger.fatal({ err: (err as Error).message }, "start-up failed");
    process.exit(1);
  }
  logger.info({ role: config.role, url: system.url, ms: Math.round(performance.now() - startedAt) }, system.url ? `ready: web chat at ${system.url.replace("127.0.0.1", "localhost")}/ and admin at /admin` : "worker ready");

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    system.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  // If whatever started us (npm, a shell, a supervisor) dies without passing the signal on, we
  // are re-parented: shut down rather than leave an orphaned bot and embedded PostgreSQL behind.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown("parent exited");
  }, 1_000).unref();
}

void main();
