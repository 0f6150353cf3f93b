/**
 * Reviewer cards in the reviewers' Telegram chat: the review module sends a card with action
 * buttons and edits it when its state changes. Errors are the same typed send errors as for
 * citizens' messages; repeating an edit that changes nothing is not an error.
 */
import { Api } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import { encodeCallbackData } from "./callback-data.js";
import type { RateLimiter } from "../../queue/rate-limiter.js";
import { ChatMigratedError, isNotModified, toSendError } from "./errors.js";
import { telegramBuckets, telegramChatLimit } from "./limits.js";
import type { ChatMigrations } from "./migrations.js";

/** One button of a card: `data` is the full callback_data (e.g. "rv|approve.DC-2026-000001"), at most 64 bytes. */
export interface CardButton {
  label: string;
  data: string;
}

export interface TelegramCards {
  /** Sends a card (`html` must already be escaped HTML) and returns its message_id, for later edits. */
  sendCard(chatId: string, html: string, buttons: CardButton[][]): Promise<number>;
  /** Replaces a card's text and buttons (an empty `buttons` removes them). */
  editCard(chatId: string, messageId: number, html: string, buttons: CardButton[][]): Promise<void>;
}

/** What keeps cards within Telegram's limits and follows upgraded groups (both optional, for tests of the rendering alone). */
export interface CardPacing {
  /** The outbound worker's Redis token buckets: cards and replies share one budget per chat and per bot. */
  limiter?: RateLimiter;
  /** Bot-wide messages per second (TELEGRAM_MAX_PER_SECOND). */
  maxPerSecond?: number;
  migrations?: ChatMigrations;
}

/**
 * @example const cards = createTelegramCards({ token, apiRoot, limiter, migrations }); const id = await cards.sendCard(chat, html, [[{ label: "Duyệt", data: "rv|approve.DC-2026-000001" }]])
 */
export function createTelegramCards(
  opts: ({ token: string; apiRoot: string } | { api: Api }) & CardPacing,
): TelegramCards {
  const api = "api" in opts ? opts.api : new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: 30 });
  const perBot = opts.maxPerSecond ?? 30;
  /** Waits for a token of the bot's and the chat's buckets (a group allows ~20 messages a minute). */
  const pace = async (chatId: string) => {
    const chat = telegramChatLimit(chatId);
    await opts.limiter?.take(
      { bucket: telegramBuckets.all, perSecond: perBot, burst: perBot },
      { bucket: telegramBuckets.chat(chatId), perSecond: chat.perSecond, burst: chat.burst },
    );
  };
  /** Runs a call against the chat's current id; a group upgraded meanwhile is followed once and remembered. */
  const toCurrentChat = async <T>(chatId: string, call: (chatId: string) => Promise<T>): Promise<T> => {
    const current = (await opts.migrations?.resolve(chatId)) ?? chatId;
    try {
      return await call(current);
    } catch (err) {
      const e = toSendError(err);
      if (!(e instanceof ChatMigratedError) || !opts.migrations) throw err;
      await opts.migrations.record(current, e.newChatId);
      return call(e.newChatId);
    }
  };
  return {
    async sendCard(chatId, html, buttons) {
      try {
        return await toCurrentChat(chatId, async (target) => {
          await pace(target);
          const msg = await api.sendMessage(target, html, {
            parse_mode: "HTML",
            link_preview_options: { is_disabled: true },
            reply_markup: keyboard(buttons),
          });
          return msg.message_id;
        });
      } catch (err) {
        throw toSendError(err);
      }
    },
    async editCard(chatId, messageId, html, buttons) {
      try {
        await toCurrentChat(chatId, async (target) => {
          await pace(target);
          await api.editMessageText(target, messageId, html, {
            parse_mode: "HTML",
            link_preview_options: { is_disabled: true },
            reply_markup: keyboard(buttons),
          });
        });
      } catch (err) {
        if (isNotModified(err)) return;
        throw toSendError(err);
      }
    },
  };
}

function keyboard(buttons: CardButton[][]): { inline_keyboard: InlineKeyboardButton[][] } | undefined {
  if (!buttons.length) return undefined;
  return {
    inline_keyboard: buttons.map((row) =>
      row.map((b) => {
        const bar = b.data.indexOf("|");
        // Validates the 64-byte limit the same way as conversation buttons.
        encodeCallbackData(bar < 0 ? "" : b.data.slice(0, bar), bar < 0 ? b.data : b.data.slice(bar + 1));
        return { text: b.label.slice(0, 64), callback_data: b.data };
      }),
    ),
  };
}
