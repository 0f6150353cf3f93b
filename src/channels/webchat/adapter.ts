/**
 * The local web chat: a real channel behind the same queues and engine, so demos and browser
 * tests use the full path. Replies are appended to a per-chat list in Redis that the page polls;
 * any web process can serve any chat.
 */
import type { Redis } from "ioredis";
import type { ChannelAdapter, Reply } from "../types.js";
import { redisKeys } from "../../redis/keys.js";

export interface WebchatMessage {
  seq: number;
  text: string;
  choices?: { id: string; label: string }[];
  choiceToken?: string;
}

/** Messages kept per transcript: the page shows them as they come, so a short tail is enough (and bounds Redis). */
const KEEP = 50;
const TTL_SECONDS = 24 * 60 * 60;

export function webchatKeys(prefix: string, chatId: string) {
  return { list: redisKeys.webchatOut(prefix, chatId), seq: redisKeys.webchatSeq(prefix, chatId) };
}

/** The outbound side: "sending" is appending to the chat's list. */
export function createWebchatAdapter(redis: Redis, prefix: string): ChannelAdapter {
  return {
    name: "webchat",
    limits: { globalPerSecond: 10_000, perChatPerSecond: 1_000, perChatBurst: 1_000 },
    async send(chatId: string, reply: Reply) {
      const keys = webchatKeys(prefix, chatId);
      const seq = await redis.incr(keys.seq);
      const msg: WebchatMessage = { seq, text: reply.text, choices: reply.choices, choiceToken: reply.choiceToken };
      await redis.multi().rpush(keys.list, JSON.stringify(msg)).ltrim(keys.list, -KEEP, -1).expire(keys.list, TTL_SECONDS).expire(keys.seq, TTL_SECONDS).exec();
    },
  };
}

/** Messages after `since` (the page remembers the last seq it showed). */
export async function readWebchat(redis: Redis, prefix: string, chatId: string, since: number): Promise<WebchatMessage[]> {
  const raw = await redis.lrange(webchatKeys(prefix, chatId).list, 0, -1);
  return raw.map((r) => JSON.parse(r) as WebchatMessage).filter((m) => m.seq > since);
}
