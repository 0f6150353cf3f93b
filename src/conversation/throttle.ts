/**
 * Flood protection: one chat sending more than `limit` messages in `windowSeconds` gets one polite
 * "please slow down" and the excess is dropped, so one user cannot starve the queue for others.
 */
import type { Redis } from "ioredis";
import type { Translator, Lang } from "../i18n/locales.js";
import type { Middleware } from "./pipeline.js";
import { redisKeys } from "../redis/keys.js";

export function createThrottle(deps: {
  redis: Redis;
  prefix: string;
  i18n: Translator;
  limit?: number;
  windowSeconds?: number;
  langOf?: (channel: string, chatId: string) => Promise<Lang>;
}): Middleware {
  // 20 messages in 10 s is more than anyone taps through a flow; beyond that it is a flood.
  const limit = deps.limit ?? 20;
  const windowSeconds = deps.windowSeconds ?? 10;
  return async (msg, next) => {
    const key = redisKeys.flood(
      deps.prefix,
      msg.channel,
      msg.chatId,
      Math.floor(msg.at / 1000 / windowSeconds),
    );
    const [[, count]] = (await deps.redis
      .multi()
      .incr(key)
      .expire(key, windowSeconds * 2)
      .exec()) as [[null, number]];
    if (count <= limit) return next();
    if (count === limit + 1) {
      const lang = deps.langOf
        ? await deps.langOf(msg.channel, msg.chatId).catch(() => "vi" as const)
        : msg.languageHint === "en"
          ? "en"
          : "vi";
      return [{ text: deps.i18n.t(lang, "core.slow_down", { seconds: windowSeconds }) }];
    }
    return [];
  };
}
