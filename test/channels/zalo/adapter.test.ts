import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { Redis } from "ioredis";
import { createZaloAdapter } from "../../../src/channels/zalo/adapter.js";
import { ZaloClient, ZaloApiError } from "../../../src/channels/zalo/client.js";
import {
  PermanentSendError,
  RecipientUnreachableError,
  RetryAfterError,
  type ChannelAdapter,
} from "../../../src/channels/types.js";
import { loadLocales } from "../../../src/i18n/locales.js";
import { createLogger } from "../../../src/logging/logger.js";
import { FakeZalo, ZALO_ANSWERS } from "../../support/fake-zalo.js";

const i18n = loadLocales(fileURLToPath(new URL("../../../locales", import.meta.url)));
const choices = [
  { id: "ask", label: "Hỏi đáp" },
  { id: "nominate", label: "Đề cử" },
];

describe("sending a reply to Zalo", () => {
  let fake: FakeZalo;
  let redis: Redis;
  let adapter: ChannelAdapter;
  const langs = new Map<string, "vi" | "en">();
  beforeAll(async () => {
    fake = await new FakeZalo().start();
    redis = new Redis(inject("redisUrl"));
    adapter = createZaloAdapter({
      client: new ZaloClient({ token: "123:abc", apiRoot: fake.url, retries: 0 }),
      i18n,
      langOf: async (chatId) => langs.get(chatId) ?? "vi",
      redis,
      prefix: `t${randomBytes(4).toString("hex")}`,
      logger: createLogger({ level: "silent" }),
    });
  });
  afterAll(async () => {
    redis.disconnect();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it("renders choices as a numbered list with the lead-in in the person's language", async () => {
    await adapter.send(
      "c-vi",
      { text: "Quý anh/chị muốn làm gì ạ?", choices, choiceToken: "menu" },
      { key: "k1", index: 0 },
    );
    langs.set("c-en", "en");
    await adapter.send("c-en", { text: "What would you like to do?", choices }, { key: "k2", index: 0 });
    expect(fake.textsTo("c-vi")).toEqual([
      "Quý anh/chị muốn làm gì ạ?\n\nVui lòng trả lời bằng số:\n1. Hỏi đáp\n2. Đề cử",
    ]);
    expect(fake.textsTo("c-en")).toEqual([
      "What would you like to do?\n\nPlease reply with a number:\n1. Hỏi đáp\n2. Đề cử",
    ]);
  });

  it("sends a long reply as several messages of at most 2000 characters, and a retry resumes after the delivered parts", async () => {
    const text = Array.from({ length: 5 }, (_, i) => `Phần ${i + 1}. ${"x".repeat(900)}`).join("\n\n");
    // The first part is delivered, the second refused with a 500.
    fake.failNext("sendMessage", {
      status: 200,
      body: { ok: true, result: { message_id: "m-first", date: 1 } },
    });
    fake.failNext("sendMessage", ZALO_ANSWERS.serverError);
    await expect(adapter.send("c-long", { text }, { key: "k3", index: 0 })).rejects.toBeInstanceOf(
      ZaloApiError,
    );
    expect(fake.textsTo("c-long")).toHaveLength(1);
    // The worker's retry resumes with the second part.
    await adapter.send("c-long", { text }, { key: "k3", index: 0 });
    const delivered = fake.textsTo("c-long");
    expect(delivered).toHaveLength(3);
    expect(new Set(delivered).size).toBe(3);
    for (const part of delivered) expect(part.length).toBeLessThanOrEqual(2_000);
    expect(delivered.join("\n\n")).toBe(text);
  });

  it("turns Zalo's refusals into what the outbound worker understands", async () => {
    fake.failNext("sendMessage", ZALO_ANSWERS.tooManyRequests);
    await expect(adapter.send("c1", { text: "a" }, { key: "e1", index: 0 })).rejects.toBeInstanceOf(
      RetryAfterError,
    );
    fake.failNext("sendMessage", ZALO_ANSWERS.blocked);
    await expect(adapter.send("c1", { text: "a" }, { key: "e2", index: 0 })).rejects.toBeInstanceOf(
      RecipientUnreachableError,
    );
    fake.failNext("sendMessage", ZALO_ANSWERS.okFalseWith200);
    await expect(adapter.send("c1", { text: "a" }, { key: "e3", index: 0 })).rejects.toBeInstanceOf(
      PermanentSendError,
    );
    fake.failNext("sendMessage", ZALO_ANSWERS.serverError);
    const err = await adapter.send("c1", { text: "a" }, { key: "e4", index: 0 }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(PermanentSendError);
    expect(err).toBeInstanceOf(Error);
    // The adapter's client does not retry by itself: the worker does.
    expect(fake.callsOf("sendMessage")).toHaveLength(4);
  });

  it("sends a photo reply with sendPhoto", async () => {
    await adapter.send(
      "c-photo",
      { text: "", media: { url: "https://example.vn/a.jpg", caption: "Bằng khen" } },
      { key: "p1", index: 0 },
    );
    expect(fake.callsOf("sendPhoto").map((c) => c.body)).toEqual([
      { chat_id: "c-photo", photo: "https://example.vn/a.jpg", caption: "Bằng khen" },
    ]);
    expect(fake.callsOf("sendMessage")).toEqual([]);
  });
});
