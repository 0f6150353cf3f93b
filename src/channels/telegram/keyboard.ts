/**
 * Choices rendered as an inline keyboard. Short labels sit two to a row (fewer taps to scroll on a
 * phone), longer ones one to a row. A label longer than a phone shows on one button ("Cấp xã: Hồ sơ
 * công việc xử lý trên môi trường mạng (60%)") would be cut by Telegram mid-word, often losing the
 * figure at its end: then the full labels go into the message as a numbered list and the buttons
 * carry only the numbers.
 */
import type { InlineKeyboardButton } from "grammy/types";
import type { Choice } from "../types.js";
import { encodeCallbackData } from "./callback-data.js";

/** Labels up to this many characters fit two to a row on a phone screen. */
const SHORT_LABEL = 14;
/** Labels up to this many characters fit whole on a full-width button on a phone screen. */
export const BUTTON_LABEL_LIMIT = 30;
/** Number-only buttons per row. */
const NUMBERS_PER_ROW = 5;

/**
 * @throws CallbackDataError when a choice does not fit in callback_data
 * @example inlineKeyboard("q7", [{ id: "yes", label: "Có" }, { id: "no", label: "Không" }])
 */
export function inlineKeyboard(token: string, choices: Choice[]): InlineKeyboardButton[][] {
  const numbered = !labelsFit(choices);
  const buttons = choices.map((c, i) => ({
    text: numbered ? String(i + 1) : c.label,
    callback_data: encodeCallbackData(token, c.id),
  }));
  const perRow = numbered ? NUMBERS_PER_ROW : choices.every((c) => c.label.length <= SHORT_LABEL) ? 2 : 1;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return rows;
}

/** Whether every label shows whole on a button. */
export function labelsFit(choices: Choice[]): boolean {
  return choices.every((c) => [...c.label].length <= BUTTON_LABEL_LIMIT);
}

/**
 * The message text to send with the keyboard: unchanged when the buttons show their labels whole,
 * otherwise followed by the numbered list the number buttons refer to, unless the text already
 * numbers the choices itself, line by line ("1. …", "2. …": the knowledge base's lists and "did
 * you mean" answers do).
 */
export function textWithChoices(text: string, choices: Choice[]): string {
  if (labelsFit(choices) || alreadyNumbered(text, choices.length)) return text;
  return `${text}\n\n${numberedList(choices)}`;
}

/** Whether the text has lines "1. …" to "n. …", in order. */
function alreadyNumbered(text: string, n: number): boolean {
  const lines = text.split("\n");
  let next = 1;
  for (const line of lines) if (next <= n && line.startsWith(`${next}. `)) next++;
  return next > n;
}

/**
 * The same choices as a numbered list, for when buttons cannot be drawn: every choice also accepts
 * its number typed as text.
 */
export function numberedList(choices: Choice[]): string {
  return choices.map((c, i) => `${i + 1}. ${c.label}`).join("\n");
}
