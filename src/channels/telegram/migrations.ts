/**
 * Groups upgraded to supergroups. Telegram then refuses sends to the old id with a 400 carrying
 * `migrate_to_chat_id`; the new id is remembered here (for every process, in Redis, with no
 * expiry: the old id never comes back) so later messages and reviewer cards go straight to it.
 */
import type { Redis } from "ioredis";
import { redisKeys } from "../../redis/keys.js";

export interface ChatMigrations {
  /** The chat id to use now for `chatId` (itself when it never migrated). */
  resolve(chatId: string): Promise<string>;
  record(from: string, to: string): Promise<void>;
}

/** @example const migrations = createChatMigrations(redis, prefix); await api.sendMessage(await migrations.resolve(chatId), text) */
export function createChatMigrations(redis: Redis, prefix: string): ChatMigrations {
  const key = (chatId: string) => redisKeys.telegramMigrated(prefix, chatId);
  return {
    async resolve(chatId) {
      // Only groups migrate; private chats (positive ids) cost no round trip.
      if (!chatId.startsWith("-")) return chatId;
      let current = chatId;
      for (let hops = 0; hops < 3; hops++) {
        const next = await redis.get(key(current));
        if (!next) break;
        current = next;
      }
      return current;
    },
    async record(from, to) {
      await redis.set(key(from), to);
    },
  };
}
