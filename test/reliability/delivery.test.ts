/**
 * Delivery guarantees under the failures Telegram's own documentation warns about: the same
 * update delivered many times to several web processes, and a Bot API answering 429 and 500 in
 * bursts. Every reply arrives once, in order per chat, within the rate limits.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
import { eventually } from "../review/fixtures.js";
import { startTestCluster, startTestSystem, type TestCluster, type TestSystem } from "../support/system.js";
import { newChatId, postUpdate, SECRET, textUpdate } from "../channels/telegram/updates.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the same update delivered 5 times concurrently to two web processes", () => {
  let fake: FakeTelegram;
  let cluster: TestCluster;
  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    cluster = await startTestCluster(["web", "web", "worker"], {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await fake?.stop();
  });

  it("gets one reply", async () => {
    const chat = newChatId();
    const update = textUpdate(chat, "chỉ tiêu hồ sơ công việc cấp xã");
    const statuses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        postUpdate(cluster.systems[i % 2]!.url, update).then((r) => r.status),
      ),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const [first] = await fake.waitFor("sendMessage", { chatId: chat });
    expect(String(first!.body.text)).toContain("60%");
    await sleep(2_000);
    expect(fake.callsOf("sendMessage", chat)).toHaveLength(1);
  });
});

describe("a Bot API answering 429 and 500 in bursts", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  let redis: Redis;
  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
    });
    redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.stop();
    await fake?.stop();
  });

  it("delivers every message once, in order per chat, within the rate limits", async () => {
    fake.script(
      "sendMessage",
      FakeTelegram.tooManyRequests(1),
      FakeTelegram.error(500, "Internal Server Error"),
      FakeTelegram.error(502, "Bad Gateway"),
      FakeTelegram.tooManyRequests(1),
      FakeTelegram.error(500, "Internal Server Error"),
    );
    const chats = [newChatId(), newChatId(), newChatId()];
    // Each chat walks the first steps of a nomination: the prompts carry "Bước n/…", so order is visible.
    await Promise.all(
      chats.map(async (chat) => {
        for (const text of ["đề cử", "đồng ý", "8", "Nguyễn Văn An"]) {
          expect((await postUpdate(t.url, textUpdate(chat, text))).status).toBe(200);
        }
      }),
    );
    for (const chat of chats) {
      await fake.waitFor("sendMessage", { chatId: chat, count: 4, timeoutMs: 30_000 });
    }
    await sleep(2_000);
    const accepted = fake.calls.filter((c) => c.method === "sendMessage");
    for (const chat of chats) {
      // The fake records failed attempts too; keep the accepted ones (a retry repeats the same text).
      const texts = fake.callsOf("sendMessage", chat).map((c) => String(c.body.text));
      const steps = texts
        .map((s) => Number(s.match(/Bước (\d+)\//)?.[1] ?? NaN))
        .filter((n) => !Number.isNaN(n));
      expect(steps.length).toBeGreaterThanOrEqual(2);
      // Non-decreasing: a later step is never shown before an earlier one.
      for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeGreaterThanOrEqual(steps[i - 1]!);
      // Each distinct text was accepted once: retries repeat only the attempts that failed (5 scripted failures in all).
      const counts = new Map<string, number>();
      for (const s of texts) counts.set(s, (counts.get(s) ?? 0) + 1);
      const repeats = [...counts.values()].reduce((n, c) => n + c - 1, 0);
      expect(repeats).toBeLessThanOrEqual(5);
    }
    const totalRepeats = chats.reduce((n, chat) => {
      const texts = fake.callsOf("sendMessage", chat).map((c) => String(c.body.text));
      return n + texts.length - new Set(texts).size;
    }, 0);
    expect(totalRepeats).toBe(5);
    // Rate limits: at most 30 sends in any second overall.
    const times = accepted.map((c) => c.at).sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((x) => x >= times[i]! && x < times[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(31);
    }
  });

  // Replies are sent straight from the inbound job (DIRECT_REPLIES, the default) unless the chat has
  // something queued; a failure of that direct attempt hands the rest to the outbound queue.
  const step = (text: string) => Number(text.match(/Bước (\d+)\//)?.[1] ?? NaN);
  const pendingKey = (chat: string | number) => `${t.prefix}:outpending:telegram:${chat}`;

  it("is never overtaken by the chat's next reply while an earlier one waits in the queue after a 429", async () => {
    const chat = newChatId();
    expect((await postUpdate(t.url, textUpdate(chat, "đề cử"))).status).toBe(200);
    await fake.waitFor("sendMessage", { chatId: chat });
    // The consent question's answer is refused with "retry after": it goes to the queue, whose
    // first attempt is refused too and waits 3 s.
    fake.scriptFor("sendMessage", chat, FakeTelegram.tooManyRequests(1), FakeTelegram.tooManyRequests(3));
    expect((await postUpdate(t.url, textUpdate(chat, "đồng ý"))).status).toBe(200);
    await fake.waitFor("sendMessage", { chatId: chat, count: 2 });
    // While it waits, the next answer comes in; its reply must wait its turn.
    await eventually(async () => (await redis.get(pendingKey(chat))) === "1", 1_500, "the reply is queued");
    // Long enough for the chat's token bucket (1/s) to refill, so only the queue can hold it back.
    await sleep(1_200);
    expect((await postUpdate(t.url, textUpdate(chat, "8"))).status).toBe(200);
    await fake.waitFor("sendMessage", { chatId: chat, count: 5, timeoutMs: 20_000 });
    const texts = fake.callsOf("sendMessage", chat).map((c) => String(c.body.text));
    // Two refused attempts, then the same text accepted, then the next step: in that order.
    const steps = texts.slice(1).map(step);
    expect(steps.slice(0, 3)).toEqual([steps[0], steps[0], steps[0]]);
    expect(steps[3]).toBeGreaterThan(steps[2]!);
    // The queued job ended, so the chat's replies go straight out again.
    await eventually(
      async () => (await redis.exists(pendingKey(chat))) === 0,
      5_000,
      "the pending count is released",
    );
  });

  it("keeps a chat's replies in order through a platform outage that outlasts a few retries", {
    timeout: 90_000,
  }, async () => {
    const chat = newChatId();
    const failures = 6;
    fake.scriptFor(
      "sendMessage",
      chat,
      ...Array.from({ length: failures }, () => FakeTelegram.error(500, "Internal Server Error")),
    );
    expect((await postUpdate(t.url, textUpdate(chat, "đề cử"))).status).toBe(200);
    await sleep(1_000);
    expect((await postUpdate(t.url, textUpdate(chat, "đồng ý"))).status).toBe(200);
    await fake.waitFor("sendMessage", { chatId: chat, count: failures + 2, timeoutMs: 80_000 });
    await sleep(1_000);
    const calls = fake.callsOf("sendMessage", chat);
    // The scripted failures answer the first calls; every later call was accepted: step 1, then step 2, once each.
    expect(calls.slice(failures).map((c) => step(String(c.body.text)))).toEqual([1, 2]);
  });

  it("reaches the person once when the platform fails the direct attempt with a 500", async () => {
    const chat = newChatId();
    fake.scriptFor("sendMessage", chat, FakeTelegram.error(500, "Internal Server Error"));
    expect((await postUpdate(t.url, textUpdate(chat, "chỉ tiêu hồ sơ công việc cấp xã"))).status).toBe(200);
    await fake.waitFor("sendMessage", { chatId: chat, count: 2, timeoutMs: 20_000 });
    await sleep(1_500);
    const texts = fake.callsOf("sendMessage", chat).map((c) => String(c.body.text));
    expect(texts).toHaveLength(2); // the failed attempt and one accepted retry
    expect(texts[1]).toContain("60%");
  });
});

describe("two worker processes draining the same queues", () => {
  let fake: FakeTelegram;
  let cluster: TestCluster;
  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    cluster = await startTestCluster(["web", "worker", "worker"], {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      INBOUND_PARTITIONS: "2",
      OUTBOUND_PARTITIONS: "2",
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await fake?.stop();
  });

  it("still answers one chat's messages in the order they were sent", async () => {
    fake.delayMs = 50; // slow sends, so a second process would overtake if it could
    const chat = newChatId();
    for (const text of ["đề cử", "đồng ý", "8", "Nguyễn Văn An", "Thôn Làng Ngòi"]) {
      expect((await postUpdate(cluster.systems[0]!.url, textUpdate(chat, text))).status).toBe(200);
    }
    await fake.waitFor("sendMessage", { chatId: chat, count: 5, timeoutMs: 30_000 });
    await sleep(1_000);
    const steps = fake
      .callsOf("sendMessage", chat)
      .map((c) => Number(String(c.body.text).match(/Bước (\d+)\//)?.[1] ?? NaN))
      .filter((n) => !Number.isNaN(n));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.length).toBeGreaterThanOrEqual(4);
  });
});
