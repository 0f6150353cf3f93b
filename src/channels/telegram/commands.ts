/**
 * The bot's command menu and the update kinds it subscribes to, shared by the webhook set-up
 * command and polling. Descriptions live in locales/{vi,en}/telegram.yaml.
 */
import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { Lang, Translator } from "../../i18n/locales.js";

/** Updates the bot needs: messages (and their edits, answered with a note during a flow), button presses, and being blocked/unblocked. */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"] as const;

/** In the order Telegram shows them in the "/" menu. */
export const COMMANDS = [
  "start",
  "menu",
  "hoi",
  "decu",
  "tudanhgia",
  "trangthai",
  "cauhoi",
  "xephang",
  "nhantin",
  "huynhantin",
  "huy",
  "ngonngu",
  "help",
] as const;

/** @example botCommands(i18n, "en") // [{ command: "start", description: "Start ..." }, ...] */
export function botCommands(i18n: Translator, lang: Lang): BotCommand[] {
  return COMMANDS.map((command) => ({ command, description: i18n.t(lang, `telegram.commands.${command}`) }));
}

/**
 * Publishes the command menu: Vietnamese as the default for everyone, English for users whose
 * Telegram is set to English.
 */
export async function publishCommands(api: Api, i18n: Translator): Promise<void> {
  await api.setMyCommands(botCommands(i18n, "vi"));
  await api.setMyCommands(botCommands(i18n, "en"), { language_code: "en" });
}
