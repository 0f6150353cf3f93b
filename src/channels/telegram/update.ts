/**
 * The Telegram update as it arrives on the webhook (or from getUpdates), validated with zod, and
 * its translation into the channel-neutral InboundMessage. Only the fields we read are checked;
 * anything else Telegram adds later passes through untouched.
 */
import { z } from "zod";
import { REVIEW_CHOICE_TOKEN, type InboundMessage, type MediaRef } from "../types.js";
import { decodeCallbackData } from "./callback-data.js";
import type { BotIdentity } from "./identity.js";

const userSchema = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().max(256).optional(),
  language_code: z.string().max(35).optional(),
});

const chatSchema = z.looseObject({
  id: z.number().int(),
  type: z.string().max(32),
});

const photoSizeSchema = z.looseObject({
  file_id: z.string().max(512),
  file_unique_id: z.string().max(512).optional(),
  file_size: z.number().int().nonnegative().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
});

const fileSchema = z.looseObject({
  file_id: z.string().max(512),
  file_name: z.string().max(1024).optional(),
  mime_type: z.string().max(255).optional(),
  file_size: z.number().int().nonnegative().optional(),
});

const entitySchema = z.looseObject({
  type: z.string().max(64),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
  user: z.looseObject({ id: z.number().int() }).optional(),
});

const messageSchema = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat: chatSchema,
  from: userSchema.optional(),
  text: z.string().max(20_000).optional(),
  /** The text of a photo, document or animation message. */
  caption: z.string().max(20_000).optional(),
  entities: z.array(entitySchema).max(200).optional(),
  caption_entities: z.array(entitySchema).max(200).optional(),
  photo: z.array(photoSizeSchema).max(20).optional(),
  document: fileSchema.optional(),
  /** A GIF (Telegram sends `document` alongside it, for old clients). */
  animation: fileSchema.optional(),
  /** Replying to one of our messages addresses the bot in a group. */
  reply_to_message: z.looseObject({ from: userSchema.optional() }).optional(),
});

const callbackQuerySchema = z.looseObject({
  id: z.string().max(128),
  from: userSchema,
  data: z.string().max(256).optional(),
  message: z.looseObject({ message_id: z.number().int(), chat: chatSchema }).optional(),
});

const chatMemberUpdateSchema = z.looseObject({
  chat: chatSchema,
  from: userSchema,
  new_chat_member: z.looseObject({ status: z.string().max(32) }),
});

/** The envelope every update shares: an id and at most one payload kind. */
export const telegramUpdateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: messageSchema.optional(),
  edited_message: messageSchema.optional(),
  callback_query: callbackQuerySchema.optional(),
  my_chat_member: chatMemberUpdateSchema.optional(),
});
export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;
type TelegramMessage = z.infer<typeof messageSchema>;

export interface UpdateMappingOptions {
  /** The reviewers' group (its button presses are reviewers' actions). */
  reviewChatId?: string;
  /** The bot itself: a group message is processed only when it addresses the bot (see `addressedText`). */
  bot?: BotIdentity;
}

/** What to do with one update: process it as a message, or acknowledge it and move on. */
export type UpdateDecision =
  | { kind: "message"; message: InboundMessage }
  | { kind: "ignore"; reason: string };

/** Message kinds the bot cannot read; they get a friendly "please type" from the engine. */
const UNSUPPORTED_CONTENT: Record<string, NonNullable<InboundMessage["unsupported"]>> = {
  sticker: "sticker",
  voice: "voice",
  video_note: "voice",
  audio: "voice",
  video: "other",
  location: "other",
  venue: "other",
  contact: "other",
  poll: "other",
  dice: "other",
  game: "other",
  story: "other",
};

/** Whether the update comes from a group (the caller then needs the bot's identity). */
export function isGroupUpdate(update: TelegramUpdate): boolean {
  const chat = update.message?.chat ?? update.edited_message?.chat ?? update.callback_query?.message?.chat;
  return chat !== undefined && chat.type !== "private";
}

/**
 * Translates an update. In private chats every message counts; in groups a message counts when
 * it addresses the bot (a command for it, a reply to it, a mention), and every button press is
 * processed (so it is answered). An edit becomes a message marked `edited` (the engine answers
 * it with a note when a flow is waiting). Service messages and other update kinds are
 * acknowledged and ignored, so Telegram does not redeliver them.
 *
 * The update id is the message id: it is what deduplicates Telegram's redeliveries.
 *
 * @example const d = toInboundMessage(update, { reviewChatId }); if (d.kind === "message") await inbound.accept(d.message)
 */
export function toInboundMessage(update: TelegramUpdate, opts: UpdateMappingOptions = {}): UpdateDecision {
  const messageId = String(update.update_id);
  if (update.callback_query) {
    const q = update.callback_query;
    if (q.from.is_bot) return { kind: "ignore", reason: "from_bot" };
    const chat = q.message?.chat;
    // Without the message (too old for Telegram to include), answer in the user's private chat.
    const chatId = chat ? String(chat.id) : String(q.from.id);
    const choice = decodeCallbackData(q.data ?? "");
    // In a group a keyboard is everyone's: one member's press (perhaps stale for them) must not remove it for the others.
    const platform: NonNullable<InboundMessage["platform"]> = {
      callbackQueryId: q.id,
      removeKeyboard:
        choice.token !== REVIEW_CHOICE_TOKEN && q.message !== undefined && chat?.type === "private",
    };
    if (q.message) platform.messageId = q.message.message_id;
    return {
      kind: "message",
      message: {
        channel: "telegram",
        chatId,
        userId: String(q.from.id),
        messageId,
        at: Date.now(),
        ...person(q.from),
        choice,
        platform,
        ...(chat && chat.type !== "private" ? { chatType: "group" as const } : {}),
      },
    };
  }
  if (update.message) return fromMessage(update.message, messageId, opts);
  if (update.edited_message) return fromMessage(update.edited_message, messageId, opts, true);
  if (update.my_chat_member)
    return { kind: "ignore", reason: `my_chat_member:${update.my_chat_member.new_chat_member.status}` };
  return { kind: "ignore", reason: "unhandled_update" };
}

function fromMessage(
  m: TelegramMessage,
  messageId: string,
  opts: UpdateMappingOptions,
  edited = false,
): UpdateDecision {
  if (!m.from || m.from.is_bot) return { kind: "ignore", reason: "from_bot" };
  const group = m.chat.type !== "private";
  // A caption is the text of a photo, document or GIF message.
  let text = m.text ?? m.caption;
  if (group) {
    const addressed = addressedText(m, text, opts.bot);
    if (addressed === undefined) return { kind: "ignore", reason: "group_not_addressed" };
    text = addressed;
  }
  const base: InboundMessage = {
    channel: "telegram",
    chatId: String(m.chat.id),
    userId: String(m.from.id),
    messageId,
    at: m.date * 1000,
    ...person(m.from),
    ...(group ? { chatType: "group" as const } : {}),
  };
  if (edited)
    return text !== undefined
      ? { kind: "message", message: { ...base, text: normaliseCommand(text), edited: true } }
      : { kind: "ignore", reason: "edited_media" };
  const media = mediaOf(m);
  if (media) return { kind: "message", message: { ...base, media, ...(text?.trim() ? { text } : {}) } };
  if (text !== undefined) return { kind: "message", message: { ...base, text: normaliseCommand(text) } };
  const unsupported = Object.keys(UNSUPPORTED_CONTENT).find((k) => k in m);
  if (unsupported)
    return { kind: "message", message: { ...base, unsupported: UNSUPPORTED_CONTENT[unsupported] } };
  return { kind: "ignore", reason: "service_message" };
}

/** The largest photo size (Telegram lists them smallest first), or the document as sent. */
function mediaOf(m: TelegramMessage): MediaRef | undefined {
  if (m.photo?.length) {
    const area = (p: z.infer<typeof photoSizeSchema>) =>
      (p.width ?? 0) * (p.height ?? 0) || (p.file_size ?? 0);
    const largest = m.photo.reduce((a, b) => (area(b) >= area(a) ? b : a));
    // Telegram re-encodes every photo as JPEG.
    return { kind: "photo", fileId: largest.file_id, mime: "image/jpeg", size: largest.file_size };
  }
  if (m.animation) {
    // A GIF is an image (Telegram usually re-encodes it as MP4; the bytes decide whether it is accepted).
    return {
      kind: "photo",
      fileId: m.animation.file_id,
      mime: m.animation.mime_type?.slice(0, 200),
      size: m.animation.file_size,
      fileName: m.animation.file_name?.slice(0, 255),
    };
  }
  if (m.document) {
    return {
      kind: "document",
      fileId: m.document.file_id,
      mime: m.document.mime_type?.slice(0, 200),
      size: m.document.file_size,
      fileName: m.document.file_name?.slice(0, 255),
    };
  }
  return undefined;
}

function person(from: z.infer<typeof userSchema>): Pick<InboundMessage, "displayName" | "languageHint"> {
  return { displayName: from.first_name, languageHint: from.language_code?.slice(0, 16) };
}

/**
 * "/trangthai@CdsBot DC-2026-000001" → "/trangthai DC-2026-000001": in a chat with several bots
 * Telegram appends the bot's username; the engine only knows the bare command.
 */
export function normaliseCommand(text: string): string {
  return text.replace(/^(\/[A-Za-z0-9_]+)@[A-Za-z0-9_]+(?=\s|$)/, "$1");
}

/**
 * The text of a group message that addresses the bot (the mention of the bot removed), or
 * undefined when it is not for us: a command (unless it names another bot, "/start@OtherBot"), a
 * reply to one of our messages, or a mention of @ourbot (also a text_mention of our id). Without
 * the username (Telegram unreachable) mentions cannot be recognised; commands and replies still are.
 */
function addressedText(
  m: TelegramMessage,
  text: string | undefined,
  bot: BotIdentity | undefined,
): string | undefined {
  const entities = (m.text !== undefined ? m.entities : m.caption_entities) ?? [];
  const body = text ?? "";
  const command = /^\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?/.exec(body);
  if (command) {
    const target = command[1];
    if (target && (!bot?.username || target.toLowerCase() !== bot.username.toLowerCase())) return undefined;
    return body;
  }
  if (bot && m.reply_to_message?.from?.id === bot.id) return text ?? "";
  for (const e of entities) {
    const piece = body.slice(e.offset, e.offset + e.length);
    const ours =
      (e.type === "mention" && bot?.username && piece.toLowerCase() === `@${bot.username.toLowerCase()}`) ||
      (e.type === "text_mention" && bot && e.user?.id === bot.id);
    if (ours)
      return `${body.slice(0, e.offset)}${body.slice(e.offset + e.length)}`.replace(/\s{2,}/g, " ").trim();
  }
  return undefined;
}
