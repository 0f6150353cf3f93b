/**
 * The zero-configuration Redis: there is no embeddable Redis on npm, so with no REDIS_URL we use a
 * local server if one answers, else start `redis-server` from PATH with its data under ./data/redis.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type { Logger } from "pino";

export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

export interface EmbeddedRedis {
  url: string;
  /** The redis-server's process id when this process started it. */
  pid?: number;
  /** Stops the server only if this process started it. */
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_000,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export const REDIS_HELP = [
  "Redis is needed for the message queues and was not found.",
  "Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`),",
  "or run it in Docker with `docker compose up -d redis`, or point REDIS_URL at a Redis server",
  "(for example REDIS_URL=redis://127.0.0.1:6379), then start the bot again.",
].join(" ");

/**
 * `redis://127.0.0.1:6379` if it answers; otherwise a `redis-server` we start on `port` with AOF
 * persistence under `dataDir` (BullMQ needs `noeviction` to be durable).
 */
export async function ensureRedis(opts: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<EmbeddedRedis> {
  const local = "redis://127.0.0.1:6379";
  if (await answers(local)) return { url: local, stop: async () => {} };
  const own = `redis://127.0.0.1:${opts.port}`;
  if (await answers(own)) return { url: own, stop: async () => {} };
  if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).error)
    throw new RedisUnavailableError(REDIS_HELP);
  const dir = resolve(opts.dataDir);
  mkdirSync(dir, { recursive: true });
  opts.logger.info({ port: opts.port, dir }, "starting redis-server");
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(opts.port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--save",
      "",
      "--maxmemory-policy",
      "noeviction",
    ],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 50; i++) {
    if (await answers(own)) break;
    if (child.exitCode !== null)
      throw new RedisUnavailableError(`redis-server exited with code ${child.exitCode}. ${REDIS_HELP}`);
    await sleep(100);
  }
  let stopped = false;
  return {
    url: own,
    pid: child.pid,
    async stop() {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
    },
  };
}
