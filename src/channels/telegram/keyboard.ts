/**
 * Choices rendered as an inline keyboard. Short labels sit two to a row (fewer taps to scroll on a
 * phone), long ones one to a row so Telegram does not cut them off.
 */
import type { InlineKeyboardButton } from "grammy/types";
import type { Choice } from "../types.js";
import { encodeCallbackData } from "./callback-data.js";

/** Labels up to this many characters fit two to a row on a phone screen. */
const SHORT_LABEL = 14;

/**
 * @throws CallbackDataError when a choice does not fit in callback_data
 * @example inlineKeyboard("q7", [{ id: "yes", label: "Có" }, { id: "no", label: "Không" }])
 */
export function inlineKeyboard(token: string, choices: Choice[]): InlineKeyboardButton[][] {
  const buttons = choices.map((c) => ({ text: c.label.slice(0, 64), callback_data: encodeCallbackData(token, c.id) }));
  const perRow = choices.every((c) => c.label.length <= SHORT_LABEL) ? 2 : 1;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return rows;
}

/**
 * The same choices as a numbered list, for when buttons cannot be drawn: every choice also accepts
 * its number typed as text.
 */
export function numberedList(choices: Choice[]): string {
  return choices.map((c, i) => `${i + 1}. ${c.label}`).join("\n");
}
