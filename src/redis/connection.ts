/**
 * Redis connections. Producers on the webhook path must fail fast (so the webhook can answer 503
 * and the platform retries); workers must wait through outages (BullMQ requires
 * maxRetriesPerRequest: null for its blocking connections).
 */
import { Redis, type RedisOptions } from "ioredis";

export type { Redis };

/** Longest pause between reconnect attempts. */
const MAX_RETRY_MS = 2_000;
/** Every client of the process reconnects on the same schedule: 200 ms, 400 ms, … then every 2 s. */
const retryStrategy = (attempt: number) => Math.min(attempt * 200, MAX_RETRY_MS);

/**
 * For code that must not hang when Redis is down: webhooks, readiness, dedupe. Resolves once
 * connected, because with the offline queue off a command sent before that would fail.
 */
export async function createFailFastRedis(url: string, extra: RedisOptions = {}): Promise<Redis> {
  // Auto-pipelining: the dedupe reads and marks of concurrent webhook requests share socket writes.
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    connectTimeout: 2_000,
    retryStrategy,
    ...extra,
  });
  r.on("error", () => {}); // reported through failing commands and /readyz, not as crashes
  await r.connect();
  return r;
}

/**
 * For the workers' own commands (sessions, throttle, rate limits, markers): waits and reconnects.
 * Auto-pipelining sends the commands that many concurrent jobs issue in one event-loop turn as one
 * socket write — writes are the dearest part of a Redis call on a busy host. (Never used for
 * BullMQ's connections: BullMQ users have reported lost job data with it.)
 */
export function createWorkerRedis(url: string, extra: RedisOptions = {}): Redis {
  const r = new Redis(url, {
    maxRetriesPerRequest: null,
    enableAutoPipelining: true,
    retryStrategy,
    ...extra,
  });
  r.on("error", () => {});
  return r;
}

/**
 * The two BullMQ connections of a process, each shared by all its queues or all its workers.
 * Producers (webhooks adding jobs) fail fast so the platform gets a 503 and retries. Workers must
 * use the offline queue: with it off, a command issued while the socket is down is rejected
 * synchronously with an error BullMQ does not treat as a connection error, and a worker that was
 * between jobs when Redis went away retries moveToActive in a pure microtask loop — 100 % CPU,
 * timers starved, so ioredis's reconnect timer never runs and the process never recovers
 * (reproduced with bullmq 6.7; test/queue/worker-outage).
 * Shared, because every BullMQ connection loads its ~130 Lua scripts as commands and holds its own
 * buffers: one client per partition queue cost a worker process about 50 connections. Each worker
 * still gets its own blocking connection (BullMQ duplicates the shared one for that).
 */
export interface BullConnections {
  producer: Redis;
  worker: Redis;
  /**
   * Resolves once every BullMQ client of this process has had time to reconnect after Redis came
   * back (bounded by `maxMs`). Closing a worker whose blocking client is still between ioredis
   * reconnect attempts waits forever for an 'end' that never comes (the pattern of bullmq issue
   * #4585); the blocking clients are BullMQ's own duplicates of `worker`, with its retry strategy,
   * so they are back at most one retry period after it.
   */
  settled(maxMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function bullConnections(url: string): BullConnections {
  const producer = new Redis(url, {
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    retryStrategy,
  });
  const worker = withLightBlockingDuplicates(
    new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy }),
  );
  producer.on("error", () => {});
  worker.on("error", () => {});
  let readyAt = 0;
  let reconnected = false;
  worker.on("ready", () => {
    if (readyAt) reconnected = true;
    readyAt = Date.now();
  });
  return {
    producer,
    worker,
    async settled(maxMs = 3_000) {
      const deadline = Date.now() + maxMs;
      for (;;) {
        // Only after a reconnect: at first start-up every client connects at once.
        const settledAt =
          worker.status === "ready" ? (reconnected ? readyAt + MAX_RETRY_MS + 500 : 0) : Infinity;
        const now = Date.now();
        if (now >= settledAt || now >= deadline) return;
        await new Promise((r) => setTimeout(r, Math.min(100, deadline - now)));
      }
    },
    async close() {
      producer.disconnect();
      worker.disconnect();
    },
  };
}

/**
 * A BullMQ Worker duplicates the shared connection for its blocking fetch (BZPOPMIN on the
 * queue's marker key; bullmq's createBlockingConnection, which names the duplicate) and loads its
 * ~130 Lua scripts onto that duplicate too, although it never runs one there. That was ~85 KB of
 * heap per partition (measured: 122 → 38 KB per Queue + Worker pair), ~3.5 MB of a worker process
 * with the default 40 partitions. The named duplicates therefore skip defining the scripts;
 * unnamed duplicates (none today) keep them, in case a future BullMQ runs commands on one.
 */
export function withLightBlockingDuplicates(client: Redis): Redis {
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override?: Partial<RedisOptions>) => {
    const copy = duplicate(override);
    if (override?.connectionName) copy.defineCommand = () => {};
    return copy;
  };
  return client;
}

/** Refuses, at start-up, to run a BullMQ worker on a connection that would spin during an outage. */
export function assertWorkerConnection(connection: unknown): void {
  const c = (connection instanceof Redis ? connection.options : connection) as
    | Partial<RedisOptions>
    | undefined;
  if (
    c &&
    typeof c === "object" &&
    (c.enableOfflineQueue === false ||
      (c.maxRetriesPerRequest !== undefined && c.maxRetriesPerRequest !== null))
  ) {
    throw new Error(
      "a BullMQ worker needs a connection with the offline queue on and maxRetriesPerRequest: null (see bullConnections)",
    );
  }
}
