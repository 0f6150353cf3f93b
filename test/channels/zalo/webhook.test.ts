import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { FakeZalo, ZALO_ANSWERS, zaloTextEvent } from "../../support/fake-zalo.js";
import { startTcpProxy, throughProxy } from "../../support/tcp-proxy.js";
import { loadLocales } from "../../../src/i18n/locales.js";

const i18n = loadLocales(fileURLToPath(new URL("../../../locales", import.meta.url)));
/** The greeting a first "xin chào" gets: the welcome, then the main menu as a numbered list. */
const greeting = [
  i18n.t("vi", "conversation.welcome"),
  i18n.t("vi", "conversation.menu.title"),
  i18n.t("vi", "zalo.choose_by_number"),
];

const SECRET = "zalo-secret-1";

function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = { "x-bot-api-secret-token": SECRET },
) {
  return fetch(`${url}/webhooks/zalo`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const newChat = () => `chat${randomBytes(6).toString("hex")}`;
const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

describe("the Zalo webhook", () => {
  let fake: FakeZalo;
  let t: TestSystem;
  beforeAll(async () => {
    fake = await new FakeZalo().start();
    t = await startTestSystem({
      ZALO_BOT_TOKEN: "123:abc",
      ZALO_WEBHOOK_SECRET: SECRET,
      ZALO_API_ROOT: fake.url,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  it("answers a text event through the queues, showing typing first", async () => {
    const chat = newChat();
    const res = await post(t.url, zaloTextEvent({ chatId: chat, text: "xin chào" }));
    expect(res.status).toBe(200);
    const texts = await fake.nextTexts(chat, 0);
    for (const line of greeting) expect(texts.join("\n")).toContain(line);
    expect(texts.join("\n")).toMatch(/^1\. .+$/m);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(2_000);
    const typing = fake.callsOf("sendChatAction").find((c) => c.body.chat_id === chat);
    expect(typing?.body).toEqual({ chat_id: chat, action: "typing" });
    const firstText = fake.callsOf("sendMessage").find((c) => c.body.chat_id === chat)!;
    expect(typing!.at).toBeLessThanOrEqual(firstText.at);
    expect(firstText.token).toBe("123:abc");
  });

  it("accepts the wrapped body {ok, result} exactly like the flat one", async () => {
    const flatChat = newChat();
    const wrappedChat = newChat();
    expect((await post(t.url, zaloTextEvent({ chatId: flatChat, text: "thống kê" }))).status).toBe(200);
    expect(
      (await post(t.url, { ok: true, result: zaloTextEvent({ chatId: wrappedChat, text: "thống kê" }) }))
        .status,
    ).toBe(200);
    const flat = await fake.nextTexts(flatChat, 0);
    const wrapped = await fake.nextTexts(wrappedChat, 0);
    expect(wrapped).toEqual(flat);
  });

  it("answers a duplicate delivery (same message_id) once", async () => {
    const chat = newChat();
    const event = zaloTextEvent({
      chatId: chat,
      text: "xin chào",
      messageId: `dup-${randomBytes(4).toString("hex")}`,
    });
    const first = await post(t.url, event);
    expect(await first.json()).toMatchObject({ ok: true, status: "queued" });
    const once = await fake.nextTexts(chat, 0);
    const again = await post(t.url, event);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: true, status: "duplicate" });
    await settle();
    expect(fake.textsTo(chat)).toEqual(once);
  });

  it("rejects a wrong or missing secret with 401 and does nothing else", async () => {
    const chat = newChat();
    expect(
      (
        await post(t.url, zaloTextEvent({ chatId: chat, text: "xin chào" }), {
          "x-bot-api-secret-token": "zalo-secret-2",
        })
      ).status,
    ).toBe(401);
    expect((await post(t.url, zaloTextEvent({ chatId: chat, text: "xin chào" }), {})).status).toBe(401);
    expect(
      (
        await post(t.url, zaloTextEvent({ chatId: chat, text: "xin chào" }), {
          "x-bot-api-secret-token": `${SECRET}x`,
        })
      ).status,
    ).toBe(401);
    await settle();
    expect(fake.calls.filter((c) => c.body.chat_id === chat)).toEqual([]);
  });

  it("acknowledges an empty probe, an unknown event and a bot's message with 200 and sends nothing", async () => {
    const chat = newChat();
    expect((await post(t.url, {})).status).toBe(200);
    expect((await post(t.url, undefined)).status).toBe(200);
    expect(
      (await post(t.url, { event_name: "user.reacted.message", message: { chat: { id: chat } } })).status,
    ).toBe(200);
    const fromBot = zaloTextEvent({ chatId: chat, text: "ping" });
    fromBot.message.from.is_bot = true;
    expect((await post(t.url, fromBot)).status).toBe(200);
    await settle();
    expect(fake.calls.filter((c) => c.body.chat_id === chat)).toEqual([]);
  });

  it("acknowledges malformed JSON and a known event without its fields with 200 (never 400 to an authenticated caller)", async () => {
    const bad = await fetch(`${t.url}/webhooks/zalo`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-bot-api-secret-token": SECRET },
      body: "{not json",
    });
    expect(bad.status).toBe(200);
    expect(
      (await post(t.url, { event_name: "message.text.received", message: { message_id: "x" } })).status,
    ).toBe(200);
  });

  it("delivers one message when Zalo first answers 429 and then succeeds", async () => {
    const chat = newChat();
    fake.failNext("sendMessage", ZALO_ANSWERS.tooManyRequests);
    await post(t.url, zaloTextEvent({ chatId: chat, text: "xin chào" }));
    const texts = await fake.nextTexts(chat, 0, 1, 600, 15_000);
    const attempts = fake.callsOf("sendMessage").filter((c) => c.body.chat_id === chat);
    expect(attempts[0]!.ok).toBe(false);
    // The refused message was sent again, once: every text is delivered exactly once.
    expect(new Set(texts).size).toBe(texts.length);
    expect(attempts.filter((c) => c.ok).map((c) => c.body.text)).toEqual(texts);
    expect(attempts[0]!.body.text).toBe(texts[0]);
  });

  it("answers a sticker with a short request to type, not silence", async () => {
    const chat = newChat();
    const sticker = zaloTextEvent({ chatId: chat, text: "" }) as {
      event_name: string;
      message: Record<string, unknown>;
    };
    sticker.event_name = "message.sticker.received";
    delete sticker.message.text;
    sticker.message.sticker = "0e078a2fb66a5f34067b";
    expect((await post(t.url, sticker)).status).toBe(200);
    const texts = await fake.nextTexts(chat, 0);
    expect(texts.join("\n")).toContain(i18n.t("vi", "core.unsupported"));
  });

  it("acknowledges within a few milliseconds, without waiting for Zalo's slow API", async () => {
    fake.delayMs = 300;
    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const res = await post(t.url, zaloTextEvent({ chatId: newChat(), text: "xin chào" }));
      timings.push(performance.now() - started);
      expect(res.status).toBe(200);
    }
    timings.sort((a, b) => a - b);
    expect(timings[Math.floor(timings.length / 2)]).toBeLessThan(200);
  });
});

describe("the Zalo webhook while Redis is unreachable", () => {
  it("answers 503 so Zalo delivers again, and enqueues nothing", async () => {
    const fake = await new FakeZalo().start();
    const redis = new URL(inject("redisUrl"));
    const proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    const t = await startTestSystem({
      ZALO_BOT_TOKEN: "123:abc",
      ZALO_WEBHOOK_SECRET: SECRET,
      ZALO_API_ROOT: fake.url,
      REDIS_URL: throughProxy(inject("redisUrl"), proxy),
    });
    try {
      proxy.down();
      await settle(200);
      const chat = newChat();
      const res = await post(t.url, zaloTextEvent({ chatId: chat, text: "xin chào" }));
      expect(res.status).toBe(503);
      proxy.up();
      await settle(800);
      expect(fake.calls.filter((c) => c.body.chat_id === chat)).toEqual([]);
    } finally {
      proxy.up();
      await t.stop();
      await proxy.close();
      await fake.stop();
    }
  });
});
