/**
 * Token buckets in Redis, shared by every worker process: Telegram allows ~30 messages/s per bot
 * and about one per second per chat, whichever process sends them.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { redisKeys } from "../redis/keys.js";

// KEYS: the buckets; ARGV: now ms, then rate per second and burst of each bucket.
// All or nothing: a token is taken from every bucket, or from none (no token is burnt in the
// bot-wide bucket while the chat's bucket makes us wait). Returns ms to wait (0 = tokens taken).
const TAKE_ALL = `
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
`;
const TAKE_ALL_SHA = createHash("sha1").update(TAKE_ALL).digest("hex");

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
    const keys = buckets.map((b) => redisKeys.rateBucket(this.prefix, b.bucket));
    for (;;) {
      const args = [Date.now(), ...buckets.flatMap((b) => [b.perSecond, b.burst])];
      let wait: number;
      try {
        // EVALSHA sends 40 bytes instead of the script; Redis forgets scripts on restart (NOSCRIPT).
        wait = Number(await this.redis.evalsha(TAKE_ALL_SHA, keys.length, ...keys, ...args));
      } catch (err) {
        if (!String((err as Error).message).includes("NOSCRIPT")) throw err;
        wait = Number(await this.redis.eval(TAKE_ALL, keys.length, ...keys, ...args));
      }
      if (wait <= 0) return;
      await sleep(wait);
    }
  }
}
