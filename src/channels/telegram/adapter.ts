/**
 * The Telegram sender used by the outbound worker: a Reply becomes one or more HTML messages (long
 * text split at 4096 characters, the keyboard on the last part), a button press is answered and
 * its keyboard removed, and Bot API errors become the channel-neutral send errors.
 * Reply.text is always treated as plain text and escaped: nothing above the channel layer writes
 * Telegram HTML, so no user-supplied string can ever reach the HTML parser unescaped.
 */
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { ChannelAdapter, OutboundJob, Reply } from "../types.js";
import { CallbackDataError } from "./callback-data.js";
import { ChatMigratedError, isNotModified, toSendError } from "./errors.js";
import type { BotIdentitySource } from "./identity.js";
import { telegramChatLimit } from "./limits.js";
import type { ChatMigrations } from "./migrations.js";
import { escapeHtml } from "./html.js";
import { inlineKeyboard, numberedList, textWithChoices } from "./keyboard.js";
import { fetchTelegramMedia } from "./media.js";
import { splitMessage } from "./message-parts.js";
import { redisKeys } from "../../redis/keys.js";

export interface TelegramAdapterDeps {
  api: Api;
  token: string;
  apiRoot: string;
  /** Remembers which parts of a split Reply were delivered, so a retry never repeats one. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Bot-wide messages per second (TELEGRAM_MAX_PER_SECOND; Telegram's cap is about 30). */
  maxPerSecond?: number;
  /** Groups that became supergroups (followed on `migrate_to_chat_id`). */
  migrations?: ChatMigrations;
  /** The bot's username, for "continue privately" deep-link buttons. */
  identity?: BotIdentitySource;
}

/** How long a delivered part is remembered: as long as the outbound worker remembers whole replies. */
const PART_MARKER_TTL_SECONDS = 24 * 60 * 60;

/**
 * Telegram's documented limits: about 30 messages per second per bot, about one per second in a
 * private chat and 20 a minute in a group (see limits.ts); a short burst is tolerated.
 *
 * @example channels.set("telegram", { adapter: createTelegramAdapter({ api, token, apiRoot, redis, prefix, logger }) })
 */
export function createTelegramAdapter(deps: TelegramAdapterDeps): ChannelAdapter {
  const { api, redis, prefix, logger } = deps;
  const log = logger.child({ channel: "telegram" });

  return {
    name: "telegram",
    limits: { globalPerSecond: deps.maxPerSecond ?? 30, perChatPerSecond: 1, perChatBurst: 3 },
    chatLimit: telegramChatLimit,

    async send(originalChatId, reply, ctx) {
      const chatId = (await deps.migrations?.resolve(originalChatId)) ?? originalChatId;
      try {
        await sendTo(chatId, reply, ctx);
      } catch (err) {
        if (!(err instanceof ChatMigratedError) || !deps.migrations) throw err;
        log.info({ chatId, newChatId: err.newChatId }, "group became a supergroup; following it");
        await deps.migrations.record(chatId, err.newChatId);
        await sendTo(err.newChatId, reply, ctx);
      }
    },
    needsBeforeSend: (job) =>
      typeof job.platform?.callbackQueryId === "string" ||
      (job.platform?.removeKeyboard === true && typeof job.platform?.messageId === "number"),

    async beforeSend(job: OutboundJob) {
      const callbackQueryId = job.platform?.callbackQueryId;
      if (typeof callbackQueryId === "string") {
        // Always answered, or the user's button keeps spinning; a query answered late is harmless.
        await api
          .answerCallbackQuery(callbackQueryId)
          .catch((err: unknown) =>
            log.debug({ err: String(toSendError(err).message) }, "answerCallbackQuery failed"),
          );
      }
      const messageId = job.platform?.messageId;
      if (job.platform?.removeKeyboard === true && typeof messageId === "number") {
        // The question is answered: its buttons go, so they cannot be pressed a second time.
        await api.editMessageReplyMarkup(job.chatId, messageId).catch((err: unknown) => {
          if (!isNotModified(err))
            log.debug(
              { chatId: job.chatId, messageId, err: toSendError(err).message },
              "removing an answered keyboard failed",
            );
        });
      }
    },

    fetchMedia: (ref, maxBytes) =>
      fetchTelegramMedia(api, { token: deps.token, apiRoot: deps.apiRoot }, ref, maxBytes),
  };

  /** One Reply to one chat: its parts, the keyboard on the last, or a "continue privately" button. */
  async function sendTo(chatId: string, reply: Reply, ctx: { key: string; index: number }): Promise<void> {
    const { parts, keyboard } = render(reply, log);
    const privateButton = reply.openPrivate ? await deepLinkButton(reply.openPrivate) : undefined;
    if (reply.media) {
      await deliverOnce(`${ctx.key}:${ctx.index}:media`, () =>
        api.sendPhoto(chatId, reply.media!.url, {
          caption: reply.media!.caption ? escapeHtml(reply.media!.caption.slice(0, 1024)) : undefined,
          parse_mode: "HTML",
        }),
      );
    }
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const sendPart = () =>
        api.sendMessage(chatId, escapeHtml(parts[i]!), {
          parse_mode: "HTML",
          link_preview_options: { is_disabled: true },
          reply_markup:
            last && (keyboard ?? privateButton)
              ? { inline_keyboard: (keyboard ?? privateButton)! }
              : undefined,
        });
      // A single-part reply is made idempotent by the outbound worker's own marker.
      if (parts.length === 1 && !reply.media) await call(sendPart);
      else await deliverOnce(`${ctx.key}:${ctx.index}:${i}`, sendPart);
    }
  }

  async function deepLinkButton(open: NonNullable<Reply["openPrivate"]>) {
    const me = await deps.identity?.get();
    if (!me?.username) return undefined;
    return [
      [
        {
          text: open.label.slice(0, 64),
          url: `https://t.me/${me.username}?start=${encodeURIComponent(open.start.slice(0, 64))}`,
        },
      ],
    ];
  }

  /** Sends a part unless an earlier attempt of the same job already delivered it. */
  async function deliverOnce(part: string, sendIt: () => Promise<unknown>): Promise<void> {
    const marker = redisKeys.sent(prefix, "telegram", "part", part);
    if (await redis.exists(marker)) return;
    await call(sendIt);
    await redis.set(marker, "1", "EX", PART_MARKER_TTL_SECONDS);
  }
}

async function call(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    throw toSendError(err);
  }
}

/**
 * The text parts and the keyboard of a Reply. A choice that cannot be a button (a flow bug) is
 * logged and shown as a numbered list instead, which the engine accepts as typed numbers.
 */
function render(
  reply: Reply,
  log: Logger,
): { parts: string[]; keyboard?: ReturnType<typeof inlineKeyboard> } {
  let text = reply.text;
  let keyboard: ReturnType<typeof inlineKeyboard> | undefined;
  if (reply.choices?.length) {
    try {
      keyboard = inlineKeyboard(reply.choiceToken ?? "", reply.choices);
      text = textWithChoices(text, reply.choices);
    } catch (err) {
      if (!(err instanceof CallbackDataError)) throw err;
      log.error(
        { token: reply.choiceToken, err: err.message },
        "choices do not fit Telegram buttons; sent as a numbered list",
      );
      text = `${text}\n\n${numberedList(reply.choices)}`;
    }
  }
  // Telegram refuses an empty message; a keyboard still needs some text to hang on.
  if (!text.trim()) text = keyboard ? "👇" : "";
  return { parts: text ? splitMessage(text) : [], keyboard };
}
