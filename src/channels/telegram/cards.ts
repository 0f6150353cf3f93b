/**
 * Reviewer cards in the reviewers' Telegram chat: the review module sends a card with action
 * buttons and edits it when its state changes. Errors are the same typed send errors as for
 * citizens' messages; repeating an edit that changes nothing is not an error.
 */
import { Api } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import { encodeCallbackData } from "./callback-data.js";
import { isNotModified, toSendError } from "./errors.js";

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

/**
 * @example const cards = createTelegramCards({ token, apiRoot }); const id = await cards.sendCard(chat, html, [[{ label: "Duyệt", data: "rv|approve.DC-2026-000001" }]])
 */
export function createTelegramCards(opts: { token: string; apiRoot: string } | { api: Api }): TelegramCards {
  const api = "api" in opts ? opts.api : new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: 30 });
  return {
    async sendCard(chatId, html, buttons) {
      try {
        const msg = await api.sendMessage(chatId, html, { parse_mode: "HTML", link_preview_options: { is_disabled: true }, reply_markup: keyboard(buttons) });
        return msg.message_id;
      } catch (err) {
        throw toSendError(err);
      }
    },
    async editCard(chatId, messageId, html, buttons) {
      try {
        await api.editMessageText(chatId, messageId, html, { parse_mode: "HTML", link_preview_options: { is_disabled: true }, reply_markup: keyboard(buttons) });
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
