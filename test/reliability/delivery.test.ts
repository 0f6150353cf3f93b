/**
 * Delivery guarantees under the failures Telegram's own documentation warns about: the same
 * update delivered many times to several web processes, and a Bot API answering 429 and 500 in
 * bursts. Every reply arrives once, in order per chat, within the rate limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
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
