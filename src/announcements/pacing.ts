/**
 * Broadcast pacing on the same Redis token buckets as conversation replies (src/queue/rate-limiter.ts,
 * same keys and state), at a lower priority: a broadcast only takes a token while the bot-wide
 * bucket keeps `reserve` tokens for replies. A person chatting during a broadcast therefore finds a
 * token at once, and the broadcast still uses every token the conversation leaves.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { announcementKeys } from "./keys.js";
import { luaScript, runScript } from "../redis/scripts.js";

// KEYS[1] the bot-wide bucket. ARGV: now ms, rate/s, burst, reserve, wanted. Takes up to `wanted`
// tokens while leaving `reserve` in the bucket; returns { taken, ms to wait when none }.
const TAKE_MANY = `
local now = tonumber(ARGV[1])
local rate, burst, reserve, wanted = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = math.min(burst, (tonumber(b[1]) or burst) + (now - (tonumber(b[2]) or now)) * rate / 1000)
local taken = math.max(0, math.min(wanted, math.floor(tokens - reserve)))
local wait = 0
if taken == 0 then wait = math.ceil((1 + reserve - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 't', tokens - taken, 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return { taken, wait }
`;
const TAKE_MANY_SCRIPT = luaScript(TAKE_MANY);

export interface ChannelLimits {
  globalPerSecond: number;
  perChatPerSecond: number;
  perChatBurst: number;
}

/** Tokens of the bot-wide bucket a broadcast leaves to conversation replies: 5 %, at least 2. */
export const reserveFor = (limits: ChannelLimits) =>
  Math.min(Math.max(2, Math.ceil(limits.globalPerSecond * 0.05)), Math.max(0, limits.globalPerSecond - 1));

/**
 * Hands out a channel's broadcast tokens to the sends of one process. Tokens are fetched for all
 * waiting sends in one round trip: a hundred sends each taking their own token one after the other
 * would be bound by Redis's round trip (≈ 130/s on a busy machine), not by the platform.
 *
 * A broadcast does not use the per-chat buckets: it sends one message per chat, within Telegram's
 * per-chat allowance; a chat that also gets conversation replies in that second may see a 429,
 * which the dispatcher waits out.
 */
export class TokenDispenser {
  private readonly waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private refilling = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly limits: ChannelLimits,
    private readonly maxBatch = 100,
  ) {}

  /** Resolves when this send may go. */
  take(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      void this.refill();
    });
  }

  private async refill(): Promise<void> {
    if (this.refilling) return;
    this.refilling = true;
    try {
      while (this.waiters.length) {
        const wanted = Math.min(this.waiters.length, this.maxBatch);
        const [taken, wait] = (await runScript(
          this.redis,
          TAKE_MANY_SCRIPT,
          [this.key],
          [
            Date.now(),
            this.limits.globalPerSecond,
            this.limits.globalPerSecond,
            reserveFor(this.limits),
            wanted,
          ],
        )) as [number, number];
        for (let i = 0; i < taken; i++) this.waiters.shift()!.resolve();
        if (!taken) await sleep(Math.max(1, Number(wait)));
      }
    } catch (err) {
      for (const w of this.waiters.splice(0)) w.reject(err);
    } finally {
      this.refilling = false;
    }
  }
}

/** @example const d = broadcastDispenser(redis, prefix, "telegram", adapter.limits); await d.take() */
export const broadcastDispenser = (redis: Redis, prefix: string, channel: string, limits: ChannelLimits) =>
  new TokenDispenser(redis, announcementKeys.channelBucket(prefix, channel), limits);
