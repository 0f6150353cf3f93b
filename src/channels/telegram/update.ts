/**
 * The Telegram update as it arrives on the webhook (or from getUpdates), validated with zod, and
 * its translation into the channel-neutral InboundMessage. Only the fields we read are checked;
 * anything else Telegram adds later passes through untouched.
 */
import { z } from "zod";
import { REVIEW_CHOICE_TOKEN, type InboundMessage, type MediaRef } from "../types.js";
import { decodeCallbackData } from "./callback-data.js";

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

const messageSchema = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat: chatSchema,
  from: userSchema.optional(),
  text: z.string().max(20_000).optional(),
  photo: z.array(photoSizeSchema).max(20).optional(),
  document: z
    .looseObject({
      file_id: z.string().max(512),
      file_name: z.string().max(1024).optional(),
      mime_type: z.string().max(255).optional(),
      file_size: z.number().int().nonnegative().optional(),
    })
    .optional(),
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
  edited_message: z.looseObject({}).optional(),
  callback_query: callbackQuerySchema.optional(),
  my_chat_member: chatMemberUpdateSchema.optional(),
});
export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;
type TelegramMessage = z.infer<typeof messageSchema>;

export interface UpdateMappingOptions {
  /** The reviewers' group: button presses there are processed although it is not a private chat. */
  reviewChatId?: string;
}

/** What to do with one update: process it as a message, or acknowledge it and move on. */
export type UpdateDecision = { kind: "message"; message: InboundMessage } | { kind: "ignore"; reason: string };

/** Message kinds the bot cannot read; they get a friendly "please type" from the engine. */
const UNSUPPORTED_CONTENT: Record<string, NonNullable<InboundMessage["unsupported"]>> = {
  sticker: "sticker",
  voice: "voice",
  video_note: "voice",
  audio: "voice",
  video: "other",
  animation: "other",
  location: "other",
  venue: "other",
  contact: "other",
  poll: "other",
  dice: "other",
  game: "other",
  story: "other",
};

/**
 * Translates an update. Conversations happen only in private chats; in groups only button presses
 * in the reviewers' chat count. Edited messages, service messages and other update kinds are
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
    const inReviewChat = opts.reviewChatId !== undefined && chatId === opts.reviewChatId;
    if (chat && chat.type !== "private" && !inReviewChat) return { kind: "ignore", reason: "group_chat" };
    const choice = decodeCallbackData(q.data ?? "");
    const platform: NonNullable<InboundMessage["platform"]> = { callbackQueryId: q.id, removeKeyboard: choice.token !== REVIEW_CHOICE_TOKEN && q.message !== undefined };
    if (q.message) platform.messageId = q.message.message_id;
    return {
      kind: "message",
      message: { channel: "telegram", chatId, userId: String(q.from.id), messageId, at: Date.now(), ...person(q.from), choice, platform },
    };
  }
  if (update.message) return fromMessage(update.message, messageId);
  if (update.edited_message) return { kind: "ignore", reason: "edited_message" };
  if (update.my_chat_member) return { kind: "ignore", reason: `my_chat_member:${update.my_chat_member.new_chat_member.status}` };
  return { kind: "ignore", reason: "unhandled_update" };
}

function fromMessage(m: TelegramMessage, messageId: string): UpdateDecision {
  if (m.chat.type !== "private") return { kind: "ignore", reason: "group_chat" };
  if (!m.from || m.from.is_bot) return { kind: "ignore", reason: "from_bot" };
  const base: InboundMessage = { channel: "telegram", chatId: String(m.chat.id), userId: String(m.from.id), messageId, at: m.date * 1000, ...person(m.from) };
  if (m.text !== undefined) return { kind: "message", message: { ...base, text: normaliseCommand(m.text) } };
  const media = mediaOf(m);
  if (media) return { kind: "message", message: { ...base, media } };
  const unsupported = Object.keys(UNSUPPORTED_CONTENT).find((k) => k in m);
  if (unsupported) return { kind: "message", message: { ...base, unsupported: UNSUPPORTED_CONTENT[unsupported] } };
  return { kind: "ignore", reason: "service_message" };
}

/** The largest photo size (Telegram lists them smallest first), or the document as sent. */
function mediaOf(m: TelegramMessage): MediaRef | undefined {
  if (m.photo?.length) {
    const area = (p: z.infer<typeof photoSizeSchema>) => (p.width ?? 0) * (p.height ?? 0) || (p.file_size ?? 0);
    const largest = m.photo.reduce((a, b) => (area(b) >= area(a) ? b : a));
    // Telegram re-encodes every photo as JPEG.
    return { kind: "photo", fileId: largest.file_id, mime: "image/jpeg", size: largest.file_size };
  }
  if (m.document) {
    return { kind: "document", fileId: m.document.file_id, mime: m.document.mime_type?.slice(0, 200), size: m.document.file_size, fileName: m.document.file_name?.slice(0, 255) };
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
