/**
 * Redis crashes and comes back while Telegram keeps delivering updates: the webhook answers 503
 * during the outage (Telegram retries), and afterwards every update is processed exactly once.
 * Redis runs with AOF fsync=always, as docker-compose.yml configures it for production.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { codeIn, fillNominationUntilSummary } from "../support/nomination.js";
import { newChatId, postUpdate, SECRET, textUpdate } from "../channels/telegram/updates.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Redis restarted while updates arrive", () => {
  let fake: FakeTelegram;
  let redis: PrivateRedis;
  let t: TestSystem;
  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    redis = await startPrivateRedis();
    t = await startTestSystem({
      REDIS_URL: redis.url,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await redis?.stop();
    await fake?.stop();
  });

  it("answers 503 during the outage and processes every update exactly once afterwards", async () => {
    // How many messages one "/start" produces, measured before any fault.
    const control = newChatId();
    expect((await postUpdate(t.url, textUpdate(control, "/start"))).status).toBe(200);
    await fake.waitFor("sendMessage", { chatId: control });
    await sleep(500);
    const perUpdate = fake.callsOf("sendMessage", control).length;

    const chats = Array.from({ length: 40 }, () => newChatId());
    const updates = chats.map((c) => textUpdate(c, "/start"));
    const statuses: number[] = [];
    // Telegram's behaviour: redeliver an update until the webhook answers 200.
    const deliver = async (u: unknown) => {
      for (;;) {
        const s = await postUpdate(t.url, u).then(
          (r) => r.status,
          () => 0,
        );
        statuses.push(s);
        if (s === 200) return;
        await sleep(300);
      }
    };
    const deliveries: Promise<void>[] = [];
    for (let i = 0; i < updates.length; i++) {
      if (i === 10) await redis.stop();
      if (i === 30) await redis.start();
      deliveries.push(deliver(updates[i]));
      await sleep(100);
    }
    await Promise.all(deliveries);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);

    for (const c of chats)
      await fake.waitFor("sendMessage", { chatId: c, count: perUpdate, timeoutMs: 45_000 });
    await sleep(2_000);
    for (const c of chats) expect(fake.callsOf("sendMessage", c).length, `chat ${c}`).toBe(perUpdate);
  });

  it("keeps a submission confirmed before the crash and still queues it for review", async () => {
    const user = new WebchatUser(t.url);
    await fillNominationUntilSummary(user);
    const code = codeIn(await user.ask("xác nhận"));
    expect(code).toBeTruthy();
    await redis.stop();
    await sleep(1_000);
    await redis.start();
    const row = await t.system.db.nomination.findUnique({ where: { code: code! } });
    expect(row).not.toBeNull();
    // The outbox row is published once Redis is back (or already was).
    const deadline = Date.now() + 30_000;
    for (;;) {
      const pending = await t.system.db.outbox.count({ where: { publishedAt: null } });
      if (pending === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending} outbox rows never published`);
      await sleep(200);
    }
    // And the workers take new work after this second crash too (once the web chat accepts again:
    // its fail-fast client reconnects on its own timer and answers 503 until then).
    const after = new WebchatUser(t.url);
    const accepted = Date.now() + 10_000;
    while ((await after.say("chỉ tiêu cấp xã")).status !== 202 && Date.now() < accepted) await sleep(200);
    expect((await after.next(1, 15_000)).length).toBeGreaterThan(0);
  });
});

describe("a shutdown right after Redis came back", () => {
  it("does not wait on BullMQ clients that are still reconnecting", async () => {
    const redis = await startPrivateRedis();
    const t = await startTestSystem({ REDIS_URL: redis.url });
    try {
      expect((await new WebchatUser(t.url).ask("chỉ tiêu cấp xã")).length).toBeGreaterThan(0);
      await redis.stop();
      await sleep(1_500);
      await redis.start();
      // Each shutdown step is bounded at 10 s; a worker closed mid-reconnect used to use up the
      // bound of four steps (~40 s).
      const t0 = Date.now();
      await t.stop();
      expect(Date.now() - t0).toBeLessThan(9_000);
    } finally {
      await redis.stop();
    }
  }, 60_000);
});
