/**
 * Redis connections. Producers on the webhook path must fail fast (so the webhook can answer 503
 * and the platform retries); workers must wait through outages (BullMQ requires
 * maxRetriesPerRequest: null for its blocking connections).
 */
import { Redis, type RedisOptions } from "ioredis";

export type { Redis };

/**
 * For code that must not hang when Redis is down: webhooks, readiness, dedupe. Resolves once
 * connected, because with the offline queue off a command sent before that would fail.
 */
export async function createFailFastRedis(url: string, extra: RedisOptions = {}): Promise<Redis> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, retryStrategy: (n) => Math.min(n * 200, 2_000), ...extra });
  r.on("error", () => {}); // reported through failing commands and /readyz, not as crashes
  await r.connect();
  return r;
}

/** For BullMQ workers and background loops: waits and reconnects. */
export function createWorkerRedis(url: string, extra: RedisOptions = {}): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2_000), ...extra });
  r.on("error", () => {});
  return r;
}
