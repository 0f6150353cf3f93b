import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { callbackUpdate, newChatId, postUpdate, SECRET, textUpdate } from "./updates.js";

type Keyboard = { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };

describe("Telegram end to end: webhook → queue → engine → outbound → fake Bot API", () => {
  let fake: FakeTelegram;
  let t: TestSystem;

  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("/start shows the main menu as inline buttons", async () => {
    const chat = newChatId();
    expect((await postUpdate(t.url, textUpdate(chat, "/start"))).status).toBe(200);
    await fake.waitFor("sendMessage", { chatId: chat });
    await sleep(500);
    const withButtons = fake
      .callsOf("sendMessage", chat)
      .filter((c) => (c.body.reply_markup as Keyboard | undefined)?.inline_keyboard?.length);
    expect(withButtons.length).toBeGreaterThan(0);
    for (const b of (withButtons[0]!.body.reply_markup as Keyboard).inline_keyboard.flat())
      expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
  });

  it("a question gets the answer from the plan", async () => {
    const chat = newChatId();
    await postUpdate(t.url, textUpdate(chat, "chỉ tiêu hồ sơ công việc cấp xã"));
    await fake.waitFor("sendMessage", { chatId: chat });
    await sleep(500);
    const texts = fake.callsOf("sendMessage", chat).map((c) => String(c.body.text));
    expect(texts.join("\n")).toContain("60%");
  });

  it("a button press is handled, answered, and its keyboard removed so it cannot be pressed twice", async () => {
    const chat = newChatId();
    const update = callbackUpdate(chat, "stale|1", 555);
    expect((await postUpdate(t.url, update)).status).toBe(200);
    const answered = await waitForCall(
      fake,
      "answerCallbackQuery",
      (b) => b.callback_query_id === update.callback_query.id,
    );
    expect(answered).toHaveLength(1);
    const [edit] = await fake.waitFor("editMessageReplyMarkup", { chatId: chat });
    expect(edit!.body).toMatchObject({ message_id: 555 });
    expect(edit!.body.reply_markup).toBeUndefined();
  });

  it("the same update delivered twice gets exactly one reply", async () => {
    const once = newChatId();
    const twice = newChatId();
    const single = textUpdate(once, "xin chào");
    const repeated = textUpdate(twice, "xin chào");
    expect((await postUpdate(t.url, single)).status).toBe(200);
    const [a, b] = await Promise.all([postUpdate(t.url, repeated), postUpdate(t.url, repeated)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await postUpdate(t.url, repeated)).status).toBe(200);
    await fake.waitFor("sendMessage", { chatId: once });
    await fake.waitFor("sendMessage", { chatId: twice });
    await sleep(1_000);
    expect(fake.callsOf("sendMessage", twice).length).toBe(fake.callsOf("sendMessage", once).length);
  });

  it("a wrong or missing secret is refused with 401 and nothing is sent", async () => {
    const chat = newChatId();
    expect((await postUpdate(t.url, textUpdate(chat, "xin chào"), "wrong-secret")).status).toBe(401);
    expect((await postUpdate(t.url, textUpdate(chat, "xin chào"), null)).status).toBe(401);
    expect((await postUpdate(t.url, textUpdate(chat, "xin chào"), `${SECRET}x`)).status).toBe(401);
    await sleep(800);
    expect(fake.callsOf("sendMessage", chat)).toHaveLength(0);
  });

  it("acknowledges unreadable authenticated bodies (200, so Telegram does not redeliver them forever) and refuses non-JSON (415) and oversized bodies (413)", async () => {
    expect((await postUpdate(t.url, "{not json")).status).toBe(200);
    expect((await postUpdate(t.url, { message: { text: "no update id" } })).status).toBe(200);
    expect((await postUpdate(t.url, "update_id=1", SECRET, "application/x-www-form-urlencoded")).status).toBe(
      415,
    );
    expect((await postUpdate(t.url, textUpdate(newChatId(), "x".repeat(300_000)))).status).toBe(413);
  });

  it("acknowledges edited messages and membership changes without replying", async () => {
    const chat = newChatId();
    const edited = {
      update_id: 7_000_000 + chat,
      edited_message: { message_id: 1, date: 1, chat: { id: chat, type: "private" }, text: "sửa" },
    };
    expect((await postUpdate(t.url, edited)).status).toBe(200);
    const kicked = {
      update_id: 7_100_000 + chat,
      my_chat_member: {
        chat: { id: chat, type: "private" },
        from: { id: chat, is_bot: false, first_name: "L" },
        date: 1,
        old_chat_member: { status: "member", user: { id: 1, is_bot: true, first_name: "b" } },
        new_chat_member: { status: "kicked", user: { id: 1, is_bot: true, first_name: "b" }, until_date: 0 },
      },
    };
    expect((await postUpdate(t.url, kicked)).status).toBe(200);
    await sleep(500);
    expect(fake.callsOf("sendMessage", chat)).toHaveLength(0);
  });

  it("answers the webhook in milliseconds even when Telegram is slow: sending happens later, in the workers", async () => {
    const chat = newChatId();
    fake.delayMs = 1_500;
    try {
      const started = performance.now();
      const res = await postUpdate(t.url, textUpdate(chat, "xin chào"));
      const elapsed = performance.now() - started;
      expect(res.status).toBe(200);
      expect(elapsed).toBeLessThan(500);
      await fake.waitFor("sendMessage", { chatId: chat, timeoutMs: 15_000 });
    } finally {
      fake.delayMs = 0;
    }
  });

  it("on a 429 the message is sent again after retry_after, exactly once", async () => {
    const chat = newChatId();
    fake.scriptFor("sendMessage", chat, FakeTelegram.tooManyRequests(1));
    await postUpdate(t.url, textUpdate(chat, "xin chào"));
    const [first, second] = await fake.waitFor("sendMessage", { chatId: chat, count: 2, timeoutMs: 15_000 });
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(second!.body.text).toBe(first!.body.text);
    await sleep(800);
    const texts = fake.callsOf("sendMessage", chat).map((c) => c.body.text);
    expect(texts.filter((x) => x === first!.body.text)).toHaveLength(2); // one refused, one delivered
  });

  it("a 5xx from Telegram is retried with backoff until the message is delivered", async () => {
    const chat = newChatId();
    fake.script(
      "sendMessage",
      FakeTelegram.error(500, "Internal Server Error"),
      FakeTelegram.error(502, "Bad Gateway"),
    );
    await postUpdate(t.url, textUpdate(chat, "xin chào"));
    const calls = await fake.waitFor("sendMessage", { chatId: chat, count: 3, timeoutMs: 15_000 });
    expect(calls[2]!.body.text).toBe(calls[0]!.body.text);
  });

  it("a user who blocked the bot (403) is marked unreachable and not retried", async () => {
    const chat = newChatId();
    await t.system.db.person.upsert({
      where: { channel_externalId: { channel: "telegram", externalId: String(chat) } },
      create: { channel: "telegram", externalId: String(chat), chatId: String(chat) },
      update: {},
    });
    fake.script("sendMessage", FakeTelegram.error(403, "Forbidden: bot was blocked by the user"));
    await postUpdate(t.url, textUpdate(chat, "xin chào"));
    await fake.waitFor("sendMessage", { chatId: chat });
    const deadline = Date.now() + 10_000;
    let person = await t.system.db.person.findFirst({ where: { channel: "telegram", chatId: String(chat) } });
    while (!person?.unreachableAt && Date.now() < deadline) {
      await sleep(100);
      person = await t.system.db.person.findFirst({ where: { channel: "telegram", chatId: String(chat) } });
    }
    expect(person?.unreachableAt).toBeInstanceOf(Date);
    await sleep(1_500);
    expect(fake.callsOf("sendMessage", chat)).toHaveLength(1);
  });
});

async function waitForCall(
  fake: FakeTelegram,
  method: string,
  match: (body: Record<string, unknown>) => boolean,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = fake.calls.filter((c) => c.method === method && match(c.body));
    if (got.length) {
      await sleep(300);
      return fake.calls.filter((c) => c.method === method && match(c.body));
    }
    if (Date.now() > deadline) throw new Error(`no ${method} call matched`);
    await sleep(25);
  }
}
