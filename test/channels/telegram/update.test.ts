import { describe, expect, it } from "vitest";
import { inboundMessageSchema } from "../../../src/channels/types.js";
import { telegramUpdateSchema, toInboundMessage, type TelegramUpdate } from "../../../src/channels/telegram/update.js";
import { callbackUpdate, photoUpdate, textUpdate } from "./updates.js";

const map = (u: unknown, reviewChatId?: string) => toInboundMessage(telegramUpdateSchema.parse(u) as TelegramUpdate, { reviewChatId });
const message = (u: unknown, reviewChatId?: string) => {
  const d = map(u, reviewChatId);
  if (d.kind !== "message") throw new Error(`ignored: ${d.reason}`);
  expect(inboundMessageSchema.safeParse(d.message).success).toBe(true);
  return d.message;
};

describe("a Telegram update becomes a channel-neutral InboundMessage", () => {
  it("maps a private text message, with the update id as the deduplication key", () => {
    const u = textUpdate(77, "xin chào");
    expect(message(u)).toMatchObject({ channel: "telegram", chatId: "77", userId: "77", messageId: String(u.update_id), text: "xin chào", displayName: "Lan", languageHint: "vi" });
  });

  it("strips the @botname suffix of a command but keeps its arguments", () => {
    expect(message(textUpdate(77, "/trangthai@CdsTuyenQuangBot DC-2026-000001")).text).toBe("/trangthai DC-2026-000001");
    expect(message(textUpdate(77, "/start@CdsTuyenQuangBot")).text).toBe("/start");
    expect(message(textUpdate(77, "email a@b.vn")).text).toBe("email a@b.vn");
  });

  it("maps a button press to a choice with what the sender needs to answer it and remove its keyboard", () => {
    const u = callbackUpdate(77, "nom.s3|2", 555);
    expect(message(u)).toMatchObject({ chatId: "77", choice: { token: "nom.s3", id: "2" }, platform: { callbackQueryId: u.callback_query.id, messageId: 555, removeKeyboard: true } });
  });

  it("leaves reviewer card keyboards to the review module", () => {
    expect(message(callbackUpdate(77, "rv|approve.DC-2026-000001")).platform).toMatchObject({ removeKeyboard: false });
  });

  it("takes the largest photo size as evidence", () => {
    expect(message(photoUpdate(77)).media).toEqual({ kind: "photo", fileId: "large", mime: "image/jpeg", size: 120_000 });
  });

  it("maps a document with its type, size and name", () => {
    const u = textUpdate(77, "");
    const { text: _drop, ...msg } = u.message;
    const doc = { ...u, message: { ...msg, document: { file_id: "d1", file_unique_id: "u", file_name: "bang-khen.pdf", mime_type: "application/pdf", file_size: 2048 } } };
    expect(message(doc).media).toEqual({ kind: "document", fileId: "d1", mime: "application/pdf", size: 2048, fileName: "bang-khen.pdf" });
  });

  it("marks stickers and voice notes as content the bot cannot read", () => {
    const base = textUpdate(77, "");
    const { text: _drop, ...msg } = base.message;
    expect(message({ ...base, message: { ...msg, sticker: { file_id: "s" } } }).unsupported).toBe("sticker");
    expect(message({ ...base, update_id: base.update_id + 1e6, message: { ...msg, voice: { file_id: "v", duration: 2 } } }).unsupported).toBe("voice");
  });

  it("ignores group chats, except button presses in the reviewers' chat", () => {
    const group = textUpdate(-100123, "hello");
    group.message.chat.type = "supergroup";
    expect(map(group)).toMatchObject({ kind: "ignore" });
    expect(map(callbackUpdate(-100123, "x|1", 9, "supergroup", 77))).toMatchObject({ kind: "ignore" });
    expect(message(callbackUpdate(-100123, "rv|claim.DC-2026-000001", 9, "supergroup", 77), "-100123")).toMatchObject({ chatId: "-100123", userId: "77", choice: { token: "rv" } });
  });

  it("acknowledges and ignores edited messages, membership changes and service messages", () => {
    expect(map({ update_id: 1, edited_message: { message_id: 1, date: 1, chat: { id: 1, type: "private" }, text: "x" } })).toMatchObject({ kind: "ignore" });
    expect(map({ update_id: 2, my_chat_member: { chat: { id: 1, type: "private" }, from: { id: 1, is_bot: false }, date: 1, old_chat_member: { status: "member" }, new_chat_member: { status: "kicked" } } })).toMatchObject({ kind: "ignore" });
    expect(map({ update_id: 3, message: { message_id: 1, date: 1, chat: { id: 1, type: "private" }, from: { id: 1, is_bot: false }, pinned_message: {} } })).toMatchObject({ kind: "ignore" });
  });

  it("rejects an envelope without an update id or with a malformed message", () => {
    expect(telegramUpdateSchema.safeParse({ message: {} }).success).toBe(false);
    expect(telegramUpdateSchema.safeParse({ update_id: 1, message: { text: 5 } }).success).toBe(false);
  });
});
