/**
 * Broadcast pacing on the same Redis token buckets as conversation replies (src/queue/rate-limiter.ts,
 * same keys and state), at a lower priority: a broadcast only takes a token while the bot-wide
 * bucket keeps `reserve` tokens for replies. A person chatting during a broadcast therefore finds a
 * token at once, and the broadcast still uses every token the conversation leaves.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { announcementKeys } from "./keys.js";

// KEYS[1] bot-wide bucket, KEYS[2] the chat's bucket. ARGV: now, rate1, burst1, reserve1, rate2, burst2.
// All or nothing, like TAKE_ALL; returns the ms to wait (0 = taken).
const TAKE_BELOW = `
local now = tonumber(ARGV[1])
local spec = { { tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]) }, { tonumber(ARGV[5]), tonumber(ARGV[6]), 0 } }
local wait = 0
local state = {}
for i, key in ipairs(KEYS) do
  local rate, burst, reserve = spec[i][1], spec[i][2], spec[i][3]
  local b = redis.call('HMGET', key, 't', 'ts')
  local tokens = math.min(burst, (tonumber(b[1]) or burst) + (now - (tonumber(b[2]) or now)) * rate / 1000)
  if tokens < 1 + reserve then wait = math.max(wait, math.ceil((1 + reserve - tokens) * 1000 / rate)) end
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
const TAKE_BELOW_SCRIPT = { body: TAKE_BELOW, sha: createHash("sha1").update(TAKE_BELOW).digest("hex") };

export interface ChannelLimits {
  globalPerSecond: number;
  perChatPerSecond: number;
  perChatBurst: number;
}

/** Tokens of the bot-wide bucket a broadcast leaves to conversation replies: 5 %, at least 2. */
export const reserveFor = (limits: ChannelLimits) => Math.min(Math.max(2, Math.ceil(limits.globalPerSecond * 0.05)), Math.max(0, limits.globalPerSecond - 1));

/** Runs a Lua script by its SHA (40 bytes on the wire), loading it when Redis forgot it (after a restart). */
export async function runScript(redis: Redis, script: { body: string; sha: string }, keys: string[], args: Array<string | number>): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error).message).includes("NOSCRIPT")) throw err;
    return redis.eval(script.body, keys.length, ...keys, ...args);
  }
}

/** @example const s = luaScript("return 1"); await runScript(redis, s, [], []) */
export const luaScript = (body: string) => ({ body, sha: createHash("sha1").update(body).digest("hex") });

/** Waits for a broadcast token of `channel` for one chat. */
export async function takeBroadcastToken(redis: Redis, prefix: string, channel: string, chatId: string, limits: ChannelLimits): Promise<void> {
  const keys = [announcementKeys.channelBucket(prefix, channel), announcementKeys.chatBucket(prefix, channel, chatId)];
  const burst = limits.globalPerSecond;
  for (;;) {
    const args = [Date.now(), limits.globalPerSecond, burst, reserveFor(limits), limits.perChatPerSecond, limits.perChatBurst];
    const wait = Number(await runScript(redis, TAKE_BELOW_SCRIPT, keys, args));
    if (wait <= 0) return;
    await sleep(Math.max(1, wait));
  }
}
