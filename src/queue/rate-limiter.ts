/**
 * Token buckets in Redis, shared by every worker process: Telegram allows ~30 messages/s per bot
 * and about one per second per chat, whichever process sends them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";

// KEYS[1] bucket; ARGV: rate per second, burst, now ms. Returns ms to wait (0 = token taken).
const TAKE = `
local rate = tonumber(ARGV[1]); local burst = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
if tokens >= 1 then
  redis.call('HSET', KEYS[1], 't', tokens - 1, 'ts', now)
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
  return 0
end
redis.call('HSET', KEYS[1], 't', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return math.ceil((1 - tokens) * 1000 / rate)
`;

export class RateLimiter {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  /** Waits until a token of `bucket` is available, then takes it. */
  async take(bucket: string, perSecond: number, burst: number): Promise<void> {
    for (;;) {
      const wait = Number(await this.redis.eval(TAKE, 1, `${this.prefix}:rl:${bucket}`, perSecond, burst, Date.now()));
      if (wait <= 0) return;
      await sleep(wait);
    }
  }
}
