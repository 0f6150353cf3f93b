/**
 * The outbound side of the Zalo OA: renders a Reply as consultation messages (text, template
 * buttons, media templates), checks Zalo's reply window before a late message, and turns Zalo's
 * error table into the channel-neutral errors the outbound worker understands (it owns rate
 * limits and retries).
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
import type { OaClient, OaMessage } from "./client.js";
import { OaApiError } from "./errors.js";
import { ANONYMOUS_CHAT_PREFIX } from "./event.js";
import { fetchOaEvidence, type MediaDownloader } from "./evidence.js";
import { renderOaReply, OA_TEXT_LIMIT } from "./rendering.js";
import type { OaWindows } from "./windows.js";
import { redisKeys } from "../../redis/keys.js";

/** After -32 (call quota reached), wait this long before trying the same message again. */
export const OA_BACKOFF_MS = 30_000;

/** The user's 7-day window is closed: Zalo will not take a consultation message. */
export class OutsideWindowError extends RecipientUnreachableError {
  override name = "OutsideWindowError";
}

export interface OaAdapterDeps {
  client: Pick<OaClient, "sendCs" | "sendAnonymous" | "uploadImage">;
  windows: Pick<OaWindows, "check">;
  download: MediaDownloader;
  i18n: Translator;
  langOf(chatId: string): Promise<Lang>;
  /** Remembers which parts of a split reply were delivered, so a retry resumes instead of repeating. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Largest image re-uploaded for a media template (Zalo: jpg/png ≤ 1 MB). */
  maxImageBytes?: number;
}

/** @example channels.set("zalo_oa", { adapter: createOaAdapter({ client, windows, download, i18n, langOf, redis, prefix, logger }) }) */
export function createOaAdapter(deps: OaAdapterDeps): ChannelAdapter {
  const log = deps.logger.child({ channel: "zalo_oa" });

  /** Maps a Zalo failure to what the outbound worker should do with it. */
  const translate = (err: unknown): unknown => {
    if (!(err instanceof OaApiError)) return err; // network / 5xx / re-auth: retried by the worker
    switch (err.handling) {
      case "backoff":
        return new RetryAfterError(OA_BACKOFF_MS);
      case "unreachable":
        return new OutsideWindowError(err.message);
      case "night":
        // Only promotion-type messages are refused at night, and this channel sends consultation
        // messages only: a -234 means Zalo classed a reply differently. Logged for the operator.
        log.warn({ code: err.code }, "Zalo OA refused a message at night; not retried");
        return new PermanentSendError(err.message);
      case "permanent":
        return new PermanentSendError(err.message);
      default:
        return err; // retry, refresh (already retried once by the client), reauth: keep for the retries
    }
  };

  const words = async (chatId: string) => {
    const lang = await deps.langOf(chatId).catch(() => "vi" as const);
    return {
      chooseByNumber: deps.i18n.t(lang, "zalo.choose_by_number"),
      moreByNumber: deps.i18n.t(lang, "zalo_oa.more_by_number"),
    };
  };

  return {
    name: "zalo_oa",
    // Zalo allows an app 4,000 calls a minute (≈ 66/s) across everything; stay well below it.
    limits: { globalPerSecond: 40, perChatPerSecond: 1, perChatBurst: 3 },

    async send(chatId, reply, ctx) {
      const anonymous = chatId.startsWith(ANONYMOUS_CHAT_PREFIX);
      const messages = renderOaReply(reply, await words(chatId), { buttons: !anonymous });
      const partKey = (i: number) => redisKeys.sent(deps.prefix, "zalo_oa", ctx.key, `${ctx.index}:p${i}`);
      const multi = messages.length + (reply.media ? 1 : 0) > 1;
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

      if (anonymous) {
        const [anonymousId, conversationId] = chatId.slice(ANONYMOUS_CHAT_PREFIX.length).split(":");
        for (const m of messages)
          await deliver(() => deps.client.sendAnonymous(anonymousId!, conversationId!, m.text ?? ""));
        return;
      }

      // A reply to a fresh message is inside the free window; anything later is checked first,
      // so a closed window marks the user unreachable instead of failing send after send.
      if (ctx.index === 0 && (await deps.windows.check(chatId)) === "closed") {
        throw new OutsideWindowError("the user has not interacted with the OA for 7 days");
      }
      if (reply.media) await deliver(() => sendImage(chatId, reply.media!));
      for (const m of messages) await deliver(() => deps.client.sendCs(chatId, m));
    },

    fetchMedia(ref, maxBytes) {
      return fetchOaEvidence(deps.download, ref, maxBytes);
    },
  };

  /** Images go out as a `media` template after upload; the caption follows as text. */
  async function sendImage(userId: string, media: NonNullable<Reply["media"]>): Promise<void> {
    const maxBytes = deps.maxImageBytes ?? 1024 * 1024;
    let attachmentId: string | undefined;
    try {
      const file = await fetchOaEvidence(deps.download, { kind: "photo", url: media.url }, maxBytes);
      if (file.mime === "image/jpeg" || file.mime === "image/png")
        attachmentId = await deps.client.uploadImage(file.bytes, file.mime, file.fileName);
    } catch (err) {
      if (!(err instanceof MediaRejectedError)) throw err;
    }
    const message: OaMessage = attachmentId
      ? {
          attachment: {
            type: "template",
            payload: {
              template_type: "media",
              elements: [{ media_type: "image", attachment_id: attachmentId }],
            },
          },
        }
      : // Not uploadable (too large, another type): Zalo may still fetch it by URL.
        {
          attachment: {
            type: "template",
            payload: { template_type: "media", elements: [{ media_type: "image", url: media.url }] },
          },
        };
    await deps.client.sendCs(userId, message);
    if (media.caption?.trim())
      await deps.client.sendCs(userId, { text: media.caption.trim().slice(0, OA_TEXT_LIMIT) });
  }
}
