/**
 * Token buckets in Redis, shared by every worker process: Telegram allows ~30 messages/s per bot
 * and about one per second per chat, whichever process sends them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { redisKeys } from "../redis/keys.js";
import { luaScript, runScript } from "../redis/scripts.js";

// KEYS: the buckets; ARGV: now ms, then rate per second and burst of each bucket.
// All or nothing: a token is taken from every bucket, or from none (no token is burnt in the
// bot-wide bucket while the chat's bucket makes us wait). Returns ms to wait (0 = tokens taken).
const TAKE_ALL = luaScript(`
local now = tonumber(ARGV[1])
local wait = 0
local state = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[i * 2]); local burst = tonumber(ARGV[i * 2 + 1])
  local b = redis.call('HMGET', key, 't', 'ts')
  local tokens = math.min(burst, (tonumber(b[1]) or burst) + (now - (tonumber(b[2]) or now)) * rate / 1000)
  if tokens < 1 then wait = math.max(wait, math.ceil((1 - tokens) * 1000 / rate)) end
  state[i] = { tokens, math.ceil(burst * 1000 / rate) + 1000 }
end
for i, key in ipairs(KEYS) do
  local tokens = state[i][1]
  if wait == 0 then tokens = tokens - 1 end
  redis.call('HSET', key, 't', tokens, 'ts', now)
  redis.call('PEXPIRE', key, state[i][2])
end
return wait
`);

// KEYS[1] a bucket; ARGV: now ms, rate per second, burst, ms until its next token. Empties the
// bucket so that its next token comes `wait` ms from now (the platform said "retry after").
const HOLD = luaScript(`
local now, rate, burst, wait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 't', 1 - wait * rate / 1000, 'ts', now)
redis.call('PEXPIRE', KEYS[1], wait + math.ceil(burst * 1000 / rate) + 1000)
return 1
`);

export interface Bucket {
  bucket: string;
  perSecond: number;
  burst: number;
}

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Waits until every bucket has a token, then takes one from each — one Redis round trip per try. */
  async take(...buckets: Bucket[]): Promise<void> {
    for (;;) {
      const wait = await this.tryTake(...buckets);
      if (wait <= 0) return;
      await sleep(wait);
    }
  }

  /** Holds a bucket for `waitMs`: whoever takes from it next waits that long (a platform's retry_after). */
  async hold(bucket: Bucket, waitMs: number): Promise<void> {
    const key = redisKeys.rateBucket(this.prefix, bucket.bucket);
    await runScript(this.redis, HOLD, [key], [Date.now(), bucket.perSecond, bucket.burst, Math.ceil(waitMs)]);
  }

  /** Takes one token from every bucket if each has one and returns 0; otherwise takes none and returns the ms to wait. */
  async tryTake(...buckets: Bucket[]): Promise<number> {
    const keys = buckets.map((b) => redisKeys.rateBucket(this.prefix, b.bucket));
    const args = [Date.now(), ...buckets.flatMap((b) => [b.perSecond, b.burst])];
    return Number(await runScript(this.redis, TAKE_ALL, keys, args));
  }
}
