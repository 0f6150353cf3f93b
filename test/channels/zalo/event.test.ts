import { describe, expect, it } from "vitest";
import { zaloEventToInbound } from "../../../src/channels/zalo/event.js";

const message = {
  message_id: "2d758cb5e222177a4e35",
  date: 1750316131602,
  chat: { id: "6ede9afa66b88fe6d6a9", chat_type: "PRIVATE" },
  from: { id: "6ede9afa66b88fe6d6a9", display_name: "Ted", is_bot: false },
  text: "Xin chào",
};

describe("reading a Zalo event into a channel-neutral message", () => {
  it("reads a flat text event", () => {
    expect(zaloEventToInbound({ event_name: "message.text.received", message })).toEqual({
      kind: "message",
      message: {
        channel: "zalo",
        chatId: "6ede9afa66b88fe6d6a9",
        userId: "6ede9afa66b88fe6d6a9",
        messageId: "2d758cb5e222177a4e35",
        at: 1750316131602,
        displayName: "Ted",
        text: "Xin chào",
      },
    });
  });

  it("reads the wrapped body exactly like the flat one", () => {
    expect(
      zaloEventToInbound({ ok: true, result: { event_name: "message.text.received", message } }),
    ).toEqual(zaloEventToInbound({ event_name: "message.text.received", message }));
  });

  it("reads an image as a photo to download, with its caption as text (photo_url or photo)", () => {
    const { text: _t, ...rest } = message;
    expect(
      zaloEventToInbound({
        event_name: "message.image.received",
        message: { ...rest, photo_url: "https://cdn.zalo/x.jpg", caption: "Bằng khen" },
      }),
    ).toMatchObject({
      kind: "message",
      message: { media: { kind: "photo", url: "https://cdn.zalo/x.jpg" }, text: "Bằng khen" },
    });
    const viaPhoto = zaloEventToInbound({
      event_name: "message.image.received",
      message: { ...rest, photo: "https://cdn.zalo/y.jpg" },
    });
    expect(viaPhoto).toMatchObject({
      kind: "message",
      message: { media: { url: "https://cdn.zalo/y.jpg" } },
    });
    expect(viaPhoto.kind === "message" ? viaPhoto.message.text : "not a message").toBeUndefined();
  });

  it("marks stickers, voice and unsupported content so the user is asked to type", () => {
    const { text: _t, ...rest } = message;
    expect(
      zaloEventToInbound({ event_name: "message.sticker.received", message: { ...rest, sticker: "abc" } }),
    ).toMatchObject({ kind: "message", message: { unsupported: "sticker" } });
    expect(
      zaloEventToInbound({
        event_name: "message.voice.received",
        message: { ...rest, voice_url: "https://cdn/v.aac" },
      }),
    ).toMatchObject({ kind: "message", message: { unsupported: "voice" } });
    expect(zaloEventToInbound({ event_name: "message.unsupported.received", message: rest })).toMatchObject({
      kind: "message",
      message: { unsupported: "protected" },
    });
  });

  it("ignores empty probes, unknown events and messages from bots", () => {
    expect(zaloEventToInbound({})).toEqual({ kind: "ignored", reason: "empty" });
    expect(zaloEventToInbound(undefined)).toEqual({ kind: "ignored", reason: "empty" });
    expect(zaloEventToInbound({ event_name: "user.followed.oa", follower: { id: "x" } })).toEqual({
      kind: "ignored",
      reason: "unknown_event",
      keys: "event_name,follower{id}",
    });
    expect(
      zaloEventToInbound({
        event_name: "message.text.received",
        message: { ...message, from: { ...message.from, is_bot: true } },
      }),
    ).toEqual({ kind: "ignored", reason: "from_bot" });
  });

  it("reads every photo shape public parsers report, and a GROUP chat", () => {
    const { text: _t, ...rest } = message;
    const url = "https://s120-ava-talk.zadn.vn/a.jpg";
    for (const photo of [
      { photo: url },
      { photo: { url } },
      {
        photo: [
          { url: `${url}?s`, width: 9, height: 9 },
          { url, width: 900, height: 900 },
        ],
      },
      { attachments: [{ type: "image", payload: { url } }] },
      { photo_url: url, message_type: "CHAT_PHOTO" },
    ]) {
      expect(
        zaloEventToInbound({ event_name: "message.image.received", message: { ...rest, ...photo } }),
        JSON.stringify(photo),
      ).toMatchObject({ kind: "message", message: { media: { kind: "photo", url } } });
    }
    expect(
      zaloEventToInbound({
        event_name: "message.text.received",
        message: { ...message, chat: { id: "g1", chat_type: "GROUP" } },
      }),
    ).toMatchObject({
      kind: "message",
      message: { chatId: "g1", chatType: "group", userId: message.from.id },
    });
  });

  it("reads a getUpdates result without event_name from its content, and first_name as the display name", () => {
    const { from: _f, ...rest } = message;
    expect(
      zaloEventToInbound({ message: { ...rest, from: { id: "u1", first_name: "Nguyen Van A" } } }),
    ).toMatchObject({
      kind: "message",
      message: { text: "Xin chào", userId: "u1", displayName: "Nguyen Van A" },
    });
  });

  it("rejects a known event that lacks what it needs; a text event without its text is answered as unreadable", () => {
    expect(
      zaloEventToInbound({ event_name: "message.text.received", message: { ...message, chat: undefined } }),
    ).toMatchObject({ kind: "invalid" });
    const { message_id: _m, ...noId } = message;
    expect(zaloEventToInbound({ event_name: "message.text.received", message: noId })).toMatchObject({
      kind: "invalid",
    });
    expect(
      zaloEventToInbound({ event_name: "message.text.received", message: { ...message, text: undefined } }),
    ).toMatchObject({
      kind: "message",
      message: { unsupported: "other" },
      keys: expect.stringContaining("text missing"),
    });
  });
});
