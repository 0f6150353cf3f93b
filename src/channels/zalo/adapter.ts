/**
 * The outbound side of Zalo: renders a Reply as numbered-list text in ≤ 2000-character messages,
 * shows "typing…", downloads evidence photos, and turns Zalo's errors into the channel-neutral
 * ones the outbound worker understands (which owns rate limits and retries).
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Lang, Translator } from "../../i18n/locales.js";
import {
  MediaRejectedError,
  PermanentSendError,
  RecipientUnreachableError,
  RetryAfterError,
  type ChannelAdapter,
  type Reply,
} from "../types.js";
import { isRetryableZaloError, ZaloApiError, type ZaloClient } from "./client.js";
import { ZALO_MEDIA_HOST_DEFAULTS, type MediaFetchPolicy } from "../media-fetch.js";
import { downloadZaloPhoto } from "./evidence.js";
import { renderZaloText, ZALO_TEXT_LIMIT } from "./rendering.js";
import { redisKeys } from "../../redis/keys.js";

/** Zalo publishes neither quotas nor a retry_after: a 429 waits this long before the same message is tried again. */
export const DEFAULT_ZALO_RETRY_AFTER_MS = 2_000;

export interface ZaloAdapterDeps {
  /** A client with few or no retries of its own: the outbound worker retries, and attempts must not multiply. */
  client: ZaloClient;
  i18n: Translator;
  /** The chat's interface language (for the numbered list's lead-in); "vi" when unknown. */
  langOf(chatId: string): Promise<Lang>;
  /** Remembers which parts of a split reply were delivered, so a retry resumes instead of repeating. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  retryAfterMs?: number;
  /** Where evidence links may lead (default: Zalo's media hosts over https; see media-fetch.ts). */
  mediaPolicy?: MediaFetchPolicy;
}

/** @example channels.set("zalo", { adapter: createZaloAdapter({ client, i18n, langOf, redis, prefix, logger }) }) */
export function createZaloAdapter(deps: ZaloAdapterDeps): ChannelAdapter {
  const retryAfterMs = deps.retryAfterMs ?? DEFAULT_ZALO_RETRY_AFTER_MS;

  /**
   * Maps a Zalo failure to what the outbound worker should do with it, following the docs' error
   * table: 403 is Zalo's "internal server error" and 408 a timeout, so both are retried like a 5xx;
   * only a description that says the person blocked the bot means they cannot be reached.
   */
  const translate = (err: unknown): unknown => {
    if (!(err instanceof ZaloApiError)) return err; // network / 5xx-like: retried by the worker
    if (err.errorCode === 429) return new RetryAfterError(retryAfterMs);
    if (/block/i.test(err.description)) return new RecipientUnreachableError(err.message);
    // A bad token is an operator's mistake that will be fixed: keep the messages for the retries.
    if (err.errorCode === 401 || isRetryableZaloError(err)) return err;
    if (err.errorCode >= 400 && err.errorCode < 500) return new PermanentSendError(err.message);
    return err;
  };

  const render = async (chatId: string, reply: Reply): Promise<string[]> => {
    if (!reply.choices?.length) return renderZaloText(reply, "");
    const lang = await deps.langOf(chatId).catch(() => "vi" as const);
    return renderZaloText(reply, deps.i18n.t(lang, "zalo.choose_by_number"));
  };

  return {
    name: "zalo",
    // No published numbers; Zalo answers 429 when over quota, and the worker backs off then.
    limits: { globalPerSecond: 30, perChatPerSecond: 1, perChatBurst: 3 },

    async send(chatId, reply, ctx) {
      const parts = await render(chatId, reply);
      const multi = parts.length + (reply.media ? 1 : 0) > 1;
      const partKey = (i: number) => redisKeys.sent(deps.prefix, "zalo", ctx.key, `${ctx.index}:p${i}`);
      let n = 0;
      const deliver = async (fn: () => Promise<unknown>) => {
        const i = n++;
        if (multi && (await deps.redis.exists(partKey(i)))) return;
        try {
          await fn();
        } catch (err) {
          throw translate(err);
        }
        if (multi) await deps.redis.set(partKey(i), "1", "EX", 86_400);
      };
      if (reply.media) {
        const caption = reply.media.caption?.slice(0, ZALO_TEXT_LIMIT);
        await deliver(() =>
          deps.client.sendPhoto({
            chat_id: chatId,
            photo: reply.media!.url,
            ...(caption ? { caption } : {}),
          }),
        );
      }
      for (const text of parts) await deliver(() => deps.client.sendMessage({ chat_id: chatId, text }));
    },

    async beforeSend(job) {
      await deps.client.sendChatAction({ chat_id: job.chatId, action: "typing" });
    },

    fetchMedia(ref, maxBytes) {
      if (!ref.url) return Promise.reject(new MediaRejectedError("unavailable"));
      return downloadZaloPhoto(ref.url, maxBytes, {
        policy: deps.mediaPolicy ?? { hosts: ZALO_MEDIA_HOST_DEFAULTS },
      });
    },
  };
}
