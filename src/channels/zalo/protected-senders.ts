/**
 * Zalo's protected users (children, people with disabilities, ...): the platform sends
 * `message.unsupported.received` instead of their words, every time. They are told once, kindly,
 * that the assistant cannot read them and where else to turn; later events from them are
 * acknowledged without a reply, so the bot never loops "please type" at someone who cannot.
 */
import type { Redis } from "ioredis";
import type { Middleware } from "../../conversation/pipeline.js";
import type { Lang, Translator } from "../../i18n/locales.js";
import { redisKeys } from "../../redis/keys.js";

/** How long "already told" is remembered: a person who stays protected is not told again within it. */
const TOLD_TTL_SECONDS = 90 * 24 * 60 * 60;

export interface ProtectedSenderDeps {
  redis: Redis;
  prefix: string;
  i18n: Translator;
  /** The person's language, when they wrote before (a protected account never could). */
  langOf?(userId: string): Promise<Lang | undefined>;
}

/** @example middlewares.push(createProtectedSenderNotice({ redis, prefix, i18n })) */
export function createProtectedSenderNotice(deps: ProtectedSenderDeps): Middleware {
  return async (msg, next) => {
    if (msg.unsupported !== "protected") return next();
    const key = redisKeys.zaloProtectedTold(deps.prefix, msg.chatId, msg.userId);
    // SET NX: of two events processed at once, exactly one is answered.
    if ((await deps.redis.set(key, "1", "EX", TOLD_TTL_SECONDS, "NX")) !== "OK") return [];
    const lang = (await deps.langOf?.(msg.userId).catch(() => undefined)) ?? "vi";
    return [{ text: deps.i18n.t(lang, "core.protected_sender") }];
  };
}
