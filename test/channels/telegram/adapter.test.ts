import { randomBytes } from "node:crypto";
import { Api } from "grammy";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createTelegramAdapter } from "../../../src/channels/telegram/adapter.js";
import { createTelegramCards } from "../../../src/channels/telegram/cards.js";
import {
  MediaRejectedError,
  PermanentSendError,
  RecipientUnreachableError,
  RetryAfterError,
  type ChannelAdapter,
} from "../../../src/channels/types.js";
import { createLogger } from "../../../src/logging/logger.js";
import { FakeTelegram } from "../../support/fake-telegram.js";

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2_000, 7)]);
const PDF = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(500, 1)]);

describe("the Telegram sender, against a fake Bot API over HTTP", () => {
  let fake: FakeTelegram;
  let redis: Redis;
  let adapter: ChannelAdapter;
  let chat = 9_000_000 + Math.floor(Math.random() * 100_000);
  const ctx = () => ({ key: randomBytes(6).toString("hex"), index: 0 });

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    redis = new Redis(inject("redisUrl"));
    const api = new Api(fake.token, { apiRoot: fake.url });
    adapter = createTelegramAdapter({
      api,
      token: fake.token,
      apiRoot: fake.url,
      redis,
      prefix: `t${randomBytes(4).toString("hex")}`,
      logger: createLogger({ level: "silent" }),
    });
  });
  afterAll(async () => {
    redis?.disconnect();
    await fake?.stop();
  });

  it("sends text in HTML parse mode with every user-supplied character escaped", async () => {
    const id = chat++;
    await adapter.send(String(id), { text: "Đề cử <Nguyễn Văn A & Co>" }, ctx());
    const [call] = fake.callsOf("sendMessage", id);
    expect(call!.body).toMatchObject({ text: "Đề cử &lt;Nguyễn Văn A &amp; Co&gt;", parse_mode: "HTML" });
  });

  it("draws choices as an inline keyboard whose callback_data is token|id", async () => {
    const id = chat++;
    await adapter.send(
      String(id),
      {
        text: "Chọn cấp",
        choiceToken: "lv1",
        choices: [
          { id: "tinh", label: "Tỉnh" },
          { id: "xa", label: "Xã" },
        ],
      },
      ctx(),
    );
    const body = fake.callsOf("sendMessage", id)[0]!.body as {
      reply_markup: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
    };
    expect(body.reply_markup.inline_keyboard.flat()).toEqual([
      { text: "Tỉnh", callback_data: "lv1|tinh" },
      { text: "Xã", callback_data: "lv1|xa" },
    ]);
  });

  it("splits a long reply, puts the keyboard on the last part only, and never repeats a delivered part when retried", async () => {
    const id = chat++;
    const text = Array.from({ length: 10 }, (_, i) => `Mục ${i}: ${"nội dung ".repeat(70)}`).join("\n\n");
    const reply = { text, choiceToken: "m", choices: [{ id: "1", label: "Tiếp" }] };
    const c = ctx();
    fake.script(
      "sendMessage",
      { status: 200, body: { ok: true, result: { message_id: 1, date: 0, chat: { id, type: "private" } } } },
      FakeTelegram.tooManyRequests(1),
    );
    await expect(adapter.send(String(id), reply, c)).rejects.toBeInstanceOf(RetryAfterError);
    await adapter.send(String(id), reply, c); // the outbound worker's retry
    const calls = fake.callsOf("sendMessage", id);
    expect(calls).toHaveLength(3); // part 1, part 2 refused (429), part 2 again
    const texts = calls.map((x) => String(x.body.text));
    expect(texts[0]!.startsWith("Mục 0")).toBe(true);
    expect(texts[1]).toBe(texts[2]);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(4096);
    expect(calls[0]!.body.reply_markup).toBeUndefined();
    expect(calls[2]!.body.reply_markup).toBeDefined();
  });

  it("turns Bot API errors into the channel-neutral errors the outbound worker acts on", async () => {
    const id = String(chat++);
    fake.script("sendMessage", FakeTelegram.tooManyRequests(3));
    await expect(adapter.send(id, { text: "x" }, ctx())).rejects.toMatchObject({
      name: "RetryAfterError",
      retryAfterMs: 3000,
    });
    fake.script("sendMessage", FakeTelegram.error(403, "Forbidden: bot was blocked by the user"));
    await expect(adapter.send(id, { text: "x" }, ctx())).rejects.toBeInstanceOf(RecipientUnreachableError);
    fake.script("sendMessage", FakeTelegram.error(400, "Bad Request: chat not found"));
    await expect(adapter.send(id, { text: "x" }, ctx())).rejects.toBeInstanceOf(RecipientUnreachableError);
    fake.script("sendMessage", FakeTelegram.error(400, "Bad Request: can't parse entities"));
    await expect(adapter.send(id, { text: "x" }, ctx())).rejects.toBeInstanceOf(PermanentSendError);
    fake.script("sendMessage", FakeTelegram.error(502, "Bad Gateway"));
    const err = await adapter.send(id, { text: "x" }, ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentSendError);
    expect(err).not.toBeInstanceOf(RecipientUnreachableError);
  });

  it("answers the button press and removes the answered keyboard, except on reviewer cards", async () => {
    const id = chat++;
    await adapter.beforeSend!({
      channel: "telegram",
      chatId: String(id),
      key: "k1",
      replies: [],
      platform: { callbackQueryId: "cq-1", messageId: 77, removeKeyboard: true },
    });
    expect(
      fake.calls.filter((c) => c.method === "answerCallbackQuery" && c.body.callback_query_id === "cq-1"),
    ).toHaveLength(1);
    expect(fake.callsOf("editMessageReplyMarkup", id)[0]!.body).toMatchObject({ message_id: 77 });
    expect(fake.callsOf("editMessageReplyMarkup", id)[0]!.body.reply_markup).toBeUndefined();

    await adapter.beforeSend!({
      channel: "telegram",
      chatId: String(id),
      key: "k2",
      replies: [],
      platform: { callbackQueryId: "cq-2", messageId: 78, removeKeyboard: false },
    });
    expect(
      fake.calls.filter((c) => c.method === "answerCallbackQuery" && c.body.callback_query_id === "cq-2"),
    ).toHaveLength(1);
    expect(fake.callsOf("editMessageReplyMarkup", id)).toHaveLength(1);
  });

  describe("evidence files", () => {
    it("downloads a photo through getFile and the configured API root", async () => {
      fake.addFile("ph1", JPEG, "photos/file_1.jpg");
      const got = await adapter.fetchMedia!(
        { kind: "photo", fileId: "ph1", mime: "image/jpeg", size: JPEG.length },
        10_000,
      );
      expect(got.mime).toBe("image/jpeg");
      expect(got.bytes.equals(JPEG)).toBe(true);
    });

    it("accepts a PDF and keeps its name", async () => {
      fake.addFile("pdf1", PDF, "documents/file_2.pdf");
      const got = await adapter.fetchMedia!(
        { kind: "document", fileId: "pdf1", mime: "application/pdf", fileName: "bang-khen.pdf" },
        10_000,
      );
      expect(got).toMatchObject({ mime: "application/pdf", fileName: "bang-khen.pdf" });
    });

    it("refuses a file above the limit before downloading it, and while downloading when its size was not declared", async () => {
      fake.addFile("big1", JPEG, "photos/big.jpg");
      const before = fake.callsOf("getFile").length;
      await expect(
        adapter.fetchMedia!({ kind: "photo", fileId: "big1", size: JPEG.length }, 1_000),
      ).rejects.toMatchObject({ reason: "too_large" });
      expect(fake.callsOf("getFile")).toHaveLength(before);
      await expect(adapter.fetchMedia!({ kind: "photo", fileId: "big1" }, 1_000)).rejects.toMatchObject({
        reason: "too_large",
      });
    });

    it("refuses a file whose content is not an image or document we accept, whatever it claims to be", async () => {
      fake.addFile("exe1", Buffer.from("MZ\x90\x00not really a pdf"), "documents/x.pdf");
      await expect(
        adapter.fetchMedia!({ kind: "document", fileId: "exe1", mime: "application/pdf" }, 10_000),
      ).rejects.toMatchObject({ reason: "bad_type" });
      await expect(
        adapter.fetchMedia!({ kind: "document", fileId: "exe1", mime: "application/x-msdownload" }, 10_000),
      ).rejects.toBeInstanceOf(MediaRejectedError);
    });

    it("reports an unknown file as unavailable", async () => {
      await expect(adapter.fetchMedia!({ kind: "photo", fileId: "nope" }, 10_000)).rejects.toMatchObject({
        reason: "unavailable",
      });
    });
  });

  it("sends and edits reviewer cards, returning the message id and tolerating a repeated edit", async () => {
    const cards = createTelegramCards({ token: fake.token, apiRoot: fake.url });
    const messageId = await cards.sendCard("-100500", "<b>DC-2026-000001</b>", [
      [{ label: "Duyệt", data: "rv|approve.DC-2026-000001" }],
    ]);
    expect(typeof messageId).toBe("number");
    expect(fake.callsOf("sendMessage", "-100500")[0]!.body).toMatchObject({
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "Duyệt", callback_data: "rv|approve.DC-2026-000001" }]] },
    });
    fake.script("editMessageText", FakeTelegram.error(400, "Bad Request: message is not modified"));
    await expect(cards.editCard("-100500", messageId, "<b>x</b>", [])).resolves.toBeUndefined();
    fake.script(
      "editMessageText",
      FakeTelegram.error(403, "Forbidden: bot was kicked from the supergroup chat"),
    );
    await expect(cards.editCard("-100500", messageId, "<b>x</b>", [])).rejects.toBeInstanceOf(
      RecipientUnreachableError,
    );
  });
});
