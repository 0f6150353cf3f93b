import { describe, expect, it } from "vitest";
import { inboundMessageSchema } from "../../../src/channels/types.js";
import {
  telegramUpdateSchema,
  toInboundMessage,
  type TelegramUpdate,
} from "../../../src/channels/telegram/update.js";
import { callbackUpdate, photoUpdate, textUpdate } from "./updates.js";

const map = (u: unknown, reviewChatId?: string) =>
  toInboundMessage(telegramUpdateSchema.parse(u) as TelegramUpdate, { reviewChatId });
const message = (u: unknown, reviewChatId?: string) => {
  const d = map(u, reviewChatId);
  if (d.kind !== "message") throw new Error(`ignored: ${d.reason}`);
  expect(inboundMessageSchema.safeParse(d.message).success).toBe(true);
  return d.message;
};

describe("a Telegram update becomes a channel-neutral InboundMessage", () => {
  it("maps a private text message, with the update id as the deduplication key", () => {
    const u = textUpdate(77, "xin chào");
    expect(message(u)).toMatchObject({
      channel: "telegram",
      chatId: "77",
      userId: "77",
      messageId: String(u.update_id),
      text: "xin chào",
      displayName: "Lan",
      languageHint: "vi",
    });
  });

  it("strips the @botname suffix of a command but keeps its arguments", () => {
    expect(message(textUpdate(77, "/trangthai@CdsTuyenQuangBot DC-2026-000001")).text).toBe(
      "/trangthai DC-2026-000001",
    );
    expect(message(textUpdate(77, "/start@CdsTuyenQuangBot")).text).toBe("/start");
    expect(message(textUpdate(77, "email a@b.vn")).text).toBe("email a@b.vn");
  });

  it("maps a button press to a choice with what the sender needs to answer it and remove its keyboard", () => {
    const u = callbackUpdate(77, "nom.s3|2", 555);
    expect(message(u)).toMatchObject({
      chatId: "77",
      choice: { token: "nom.s3", id: "2" },
      platform: { callbackQueryId: u.callback_query.id, messageId: 555, removeKeyboard: true },
    });
  });

  it("leaves reviewer card keyboards to the review module", () => {
    expect(message(callbackUpdate(77, "rv|approve.DC-2026-000001")).platform).toMatchObject({
      removeKeyboard: false,
    });
  });

  it("takes the largest photo size as evidence", () => {
    expect(message(photoUpdate(77)).media).toEqual({
      kind: "photo",
      fileId: "large",
      mime: "image/jpeg",
      size: 120_000,
    });
  });

  it("maps a document with its type, size and name", () => {
    const u = textUpdate(77, "");
    const { text: _drop, ...msg } = u.message;
    const doc = {
      ...u,
      message: {
        ...msg,
        document: {
          file_id: "d1",
          file_unique_id: "u",
          file_name: "bang-khen.pdf",
          mime_type: "application/pdf",
          file_size: 2048,
        },
      },
    };
    expect(message(doc).media).toEqual({
      kind: "document",
      fileId: "d1",
      mime: "application/pdf",
      size: 2048,
      fileName: "bang-khen.pdf",
    });
  });

  it("marks stickers and voice notes as content the bot cannot read", () => {
    const base = textUpdate(77, "");
    const { text: _drop, ...msg } = base.message;
    expect(message({ ...base, message: { ...msg, sticker: { file_id: "s" } } }).unsupported).toBe("sticker");
    expect(
      message({
        ...base,
        update_id: base.update_id + 1e6,
        message: { ...msg, voice: { file_id: "v", duration: 2 } },
      }).unsupported,
    ).toBe("voice");
  });

  it("in groups reads only messages that address the bot, and every button press", () => {
    const bot = { id: 123, username: "cds_test_bot" };
    const inGroup = (text: string, extra: Record<string, unknown> = {}) => {
      const u = textUpdate(-100123, text, extra);
      u.message.chat.type = "supergroup";
      return u;
    };
    expect(toInboundMessage(telegramUpdateSchema.parse(inGroup("hello")), { bot })).toMatchObject({
      kind: "ignore",
      reason: "group_not_addressed",
    });
    expect(toInboundMessage(telegramUpdateSchema.parse(inGroup("/start@OtherBot")), { bot })).toMatchObject({
      kind: "ignore",
    });
    const mention = toInboundMessage(
      telegramUpdateSchema.parse(
        inGroup("@cds_test_bot chỉ tiêu cấp xã", { entities: [{ type: "mention", offset: 0, length: 13 }] }),
      ),
      { bot },
    );
    expect(mention).toMatchObject({
      kind: "message",
      message: { chatType: "group", text: "chỉ tiêu cấp xã", userId: "-100123" },
    });
    expect(
      toInboundMessage(telegramUpdateSchema.parse(inGroup("/hoi@cds_test_bot chỉ tiêu")), { bot }),
    ).toMatchObject({ kind: "message", message: { text: "/hoi chỉ tiêu" } });
    expect(
      toInboundMessage(
        telegramUpdateSchema.parse(
          inGroup("còn cấp huyện?", {
            reply_to_message: {
              message_id: 5,
              date: 1,
              chat: { id: -100123, type: "supergroup" },
              from: { id: 123, is_bot: true, first_name: "bot" },
            },
          }),
        ),
        { bot },
      ),
    ).toMatchObject({ kind: "message" });
    expect(message(callbackUpdate(-100123, "x|1", 9, "supergroup", 77))).toMatchObject({
      chatId: "-100123",
      userId: "77",
      chatType: "group",
      platform: { callbackQueryId: expect.any(String) },
    });
    expect(
      message(callbackUpdate(-100123, "rv|claim.DC-2026-000001", 9, "supergroup", 77), "-100123"),
    ).toMatchObject({ chatId: "-100123", userId: "77", choice: { token: "rv" } });
  });

  it("reads a caption as the text of its photo, and a GIF as media rather than a document", () => {
    const caption = {
      update_id: 11,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 1, type: "private" },
        from: { id: 1, is_bot: false },
        caption: "Giấy khen",
        photo: [{ file_id: "p", file_unique_id: "p", width: 9, height: 9 }],
      },
    };
    expect(message(caption)).toMatchObject({ text: "Giấy khen", media: { kind: "photo", fileId: "p" } });
    const gif = {
      update_id: 12,
      message: {
        message_id: 2,
        date: 1,
        chat: { id: 1, type: "private" },
        from: { id: 1, is_bot: false },
        animation: {
          file_id: "a",
          file_unique_id: "a",
          width: 1,
          height: 1,
          duration: 1,
          mime_type: "video/mp4",
        },
        document: { file_id: "a", file_unique_id: "a", mime_type: "video/mp4" },
      },
    };
    expect(message(gif)).toMatchObject({ media: { kind: "photo", fileId: "a", mime: "video/mp4" } });
  });

  it("marks edited messages, and ignores membership changes and service messages", () => {
    expect(
      map({
        update_id: 1,
        edited_message: {
          message_id: 1,
          date: 1,
          chat: { id: 1, type: "private" },
          from: { id: 1, is_bot: false },
          text: "x",
        },
      }),
    ).toMatchObject({ kind: "message", message: { edited: true, text: "x" } });
    expect(
      map({
        update_id: 2,
        my_chat_member: {
          chat: { id: 1, type: "private" },
          from: { id: 1, is_bot: false },
          date: 1,
          old_chat_member: { status: "member" },
          new_chat_member: { status: "kicked" },
        },
      }),
    ).toMatchObject({ kind: "ignore" });
    expect(
      map({
        update_id: 3,
        message: {
          message_id: 1,
          date: 1,
          chat: { id: 1, type: "private" },
          from: { id: 1, is_bot: false },
          pinned_message: {},
        },
      }),
    ).toMatchObject({ kind: "ignore" });
  });

  it("rejects an envelope without an update id or with a malformed message", () => {
    expect(telegramUpdateSchema.safeParse({ message: {} }).success).toBe(false);
    expect(telegramUpdateSchema.safeParse({ update_id: 1, message: { text: 5 } }).success).toBe(false);
  });
});
