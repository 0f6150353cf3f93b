/**
 * Telegram's sending limits (Bot FAQ): about 30 messages a second per bot, about one a second in
 * a private chat, and no more than about 20 a minute in a group. The outbound worker and the
 * reviewer cards take their tokens from the same Redis buckets, so together they stay within them.
 */

/** The per-chat bucket of a chat: groups (negative ids) allow about 20 messages a minute. */
export function telegramChatLimit(chatId: string): { perSecond: number; burst: number } {
  return chatId.startsWith("-") ? { perSecond: 20 / 60, burst: 3 } : { perSecond: 1, burst: 3 };
}

/** Bucket names shared with the outbound worker (see OutboundQueues.deliver). */
export const telegramBuckets = {
  all: "telegram:all",
  chat: (chatId: string) => `telegram:chat:${chatId}`,
};
