/**
 * The inbound inbox: what a webhook's acknowledgement waits for, and the mover that turns it into
 * BullMQ jobs behind the acknowledgement.
 *
 * Why: adding a BullMQ job (its Lua script, a Job object, msgpack and tracing wrappers, one socket
 * write of its own) plus the dedupe read before it were the largest part of the HTTP process's CPU
 * per webhook (`--cpu-prof` of `npm start` at saturation: ~20 % of the web process, and the
 * garbage they leave). The acknowledgement now costs one small script on the fail-fast connection,
 * whose auto-pipelining shares socket writes between concurrent requests: if the update was not
 * seen, it is appended to one Redis list and marked seen, atomically. A worker process then moves
 * the list into the partitions in batches.
 *
 * Guarantees, and what keeps each:
 * - Nothing acknowledged is lost: the update is in Redis (the inbox list) before the answer, as
 *   before. The mover moves items inbox → "taken" (one LMOVE each, atomic) and removes an item
 *   from "taken" only after its job is stored; a mover that dies in between leaves them in
 *   "taken", and the next one adds them again.
 * - Duplicates are never processed twice: the seen mark is written in the same script as the
 *   append; an item added twice (a mover died after adding, before removing) meets BullMQ's
 *   job-id check while the job exists, and the worker's processed marker once it is gone.
 * - Per-chat order: the inbox is FIFO, "taken" only ever receives the inbox's head at its tail
 *   (so it holds older items than the inbox, in order), and each pass adds a prefix of "taken"
 *   in order — per partition with BullMQ's addBulk, which pipelines the adds in order on one
 *   connection. An item is removed only after it was added, so whatever a pass adds, everything
 *   older of the same chat is already a job. This holds even when two movers overlap (a lock
 *   that lapsed under a stall): the lock only keeps the work from being done twice.
 *
 * The cost is one more hop before a job exists: the mover wakes on a blocking LMOVE, so at low
 * rates it adds a few Redis round trips (well under a millisecond on one host) to a reply.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { Redis } from "ioredis";

/** Appends ARGV[1] to the inbox unless KEYS[1] (the seen mark) exists, and sets the mark; 1 queued, 0 duplicate. */
const ACCEPT_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], '1', 'EX', tonumber(ARGV[2]))
return 1`;

/**
 * Removes the items of the last pass from "taken" (KEYS[2]; by value: they are unique, and another
 * mover may have removed some already), tops "taken" up from the inbox (KEYS[1]) to ARGV[1] items
 * and returns its first ARGV[1] items.
 */
const CYCLE_LUA = `
for i = 2, #ARGV do redis.call('LREM', KEYS[2], 1, ARGV[i]) end
local n = tonumber(ARGV[1])
if n == 0 then return {} end
local have = redis.call('LLEN', KEYS[2])
while have < n do
  if not redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT') then break end
  have = have + 1
end
return redis.call('LRANGE', KEYS[2], 0, n - 1)`;

/** Extends the lock KEYS[1] by ARGV[2] ms if this mover (ARGV[1]) holds it, or takes it if it is free. */
const LOCK_LUA = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] or not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0`;

const UNLOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * A script run by its SHA (EVALSHA), loaded with EVAL the first time Redis answers NOSCRIPT (after a
 * restart too). Not `defineCommand`: a custom command defined on a client whose auto-pipeline already
 * holds commands of the same event-loop turn is missing from that pipeline, which then fails with
 * "pipeline[functionName] is not a function" and an uncaught "results[i] is not iterable" that takes
 * the process down (ioredis #1931, fixed upstream only in 2026). EVALSHA and EVAL are built-in
 * commands every pipeline has.
 */
class Script {
  private readonly sha: string;
  constructor(private readonly lua: string) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith("NOSCRIPT")) throw err;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

const accept = new Script(ACCEPT_LUA);
const cycle = new Script(CYCLE_LUA);
const lock = new Script(LOCK_LUA);
const unlock = new Script(UNLOCK_LUA);

export interface InboxKeys {
  inbox: string;
  taken: string;
  lock: string;
}

/** One round trip: queued (appended and marked seen) or duplicate (the mark was there). */
export async function appendToInbox(
  redis: Redis,
  keys: InboxKeys,
  seenKey: string,
  item: string,
  ttlSeconds: number,
): Promise<boolean> {
  return (await accept.run(redis, [seenKey, keys.inbox], [item, ttlSeconds])) === 1;
}

/** Items not yet jobs (for queue depth). */
export async function inboxLength(redis: Redis, keys: InboxKeys): Promise<number> {
  const [a, b] = await Promise.all([redis.llen(keys.inbox), redis.llen(keys.taken)]);
  return a + b;
}

export interface InboxMoverOptions {
  keys: InboxKeys;
  /** Commands of the mover (scripts, lock); waits through outages. */
  redis: Redis;
  /** Its own connection for the blocking wait (a BLMOVE holds the connection it runs on). */
  blocking: Redis;
  /** Stores the items, in order, as jobs; throwing leaves them in "taken" for the next pass. */
  store: (items: string[]) => Promise<void>;
  logger: Logger;
  /** Items per pass (default 200). */
  batch?: number;
  /**
   * Whether to pause after each pass (default never): while the HTTP process is saturated the
   * workers run a handful of jobs at once (PartitionedQueue.limitConcurrency), and storing the
   * flood as jobs at full pace would take the CPU the acknowledgements were given back, for jobs
   * that could not run yet anyway.
   */
  pauseMs?: () => number;
  /** Lock lifetime; renewed every pass, so a dead mover's work is taken over within it (default 3 s). */
  lockMs?: number;
}

/**
 * Starts the mover; returns its stop function. Every process running inbound workers starts one;
 * a Redis lock lets one of them move at a time (the others retry it every second).
 */
export function startInboxMover(opts: InboxMoverOptions): () => Promise<void> {
  const { keys, blocking, logger, redis } = opts;
  const cycleOf = async (batch: number, done: string[]) =>
    (await cycle.run(redis, [keys.inbox, keys.taken], [batch, ...done])) as string[];
  const batch = opts.batch ?? 200;
  const lockMs = opts.lockMs ?? 3_000;
  const token = randomBytes(8).toString("hex");
  let stopped = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const run = async () => {
    let done: string[] = [];
    while (!stopped) {
      try {
        if ((await lock.run(redis, [keys.lock], [token, lockMs])) !== 1) {
          await sleep(1_000);
          continue;
        }
        const items = await cycleOf(batch, done);
        done = [];
        if (items.length === 0) {
          // Nothing to move: wait (at most a second, to renew the lock) for the next item, which
          // the wait itself moves into "taken".
          await blocking.blmove(keys.inbox, keys.taken, "LEFT", "RIGHT", 1);
          continue;
        }
        await opts.store(items);
        done = items;
        const pause = opts.pauseMs?.() ?? 0;
        if (pause > 0) await sleep(pause);
      } catch (err) {
        if (stopped) break;
        logger.warn({ err: (err as Error).message }, "inbound inbox mover: pass failed, retrying");
        await sleep(500);
      }
    }
    // Items stored in the last pass leave "taken" now rather than being stored again by the next mover.
    if (done.length) await cycleOf(0, done).catch(() => {});
    await unlock.run(redis, [keys.lock], [token]).catch(() => {});
  };
  const running = run();
  return async () => {
    stopped = true;
    wake?.();
    // A blocking wait in progress ends with its connection (an item it moved stays in "taken").
    blocking.disconnect();
    await running;
  };
}
