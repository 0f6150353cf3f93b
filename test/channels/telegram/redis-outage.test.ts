import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../../support/fake-telegram.js";
import { startPrivateRedis, type PrivateRedis } from "../../support/private-redis.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { newChatId, postUpdate, SECRET, textUpdate } from "./updates.js";

describe("Telegram webhook while Redis is down", () => {
  let fake: FakeTelegram;
  let redis: PrivateRedis;
  let t: TestSystem;

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    // Redis as production runs it (AOF, see docker-compose.yml): a crash loses no queued job.
    redis = await startPrivateRedis();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      REDIS_URL: redis.url,
    });
  });
  afterAll(async () => {
    await redis?.start().catch(() => {}); // let the system shut down cleanly
    await t?.stop();
    await redis?.stop();
    await fake?.stop();
  });

  it("answers 503 so Telegram retries, and processes the retried update exactly once when Redis is back", async () => {
    const warmup = newChatId();
    await postUpdate(t.url, textUpdate(warmup, "xin chào"));
    await fake.waitFor("sendMessage", { chatId: warmup });

    await redis.stop();
    const chat = newChatId();
    const update = textUpdate(chat, "xin chào");
    const refused = await postUpdate(t.url, update);
    expect(refused.status).toBe(503);

    // An outage of a couple of seconds, as a Redis restart takes. The warm-up's sender may still be
    // finishing its job when Redis dies: the case that once stalled a worker (test/queue/worker-outage).
    await sleep(2_000);
    await redis.start();
    const deadline = Date.now() + 15_000;
    let status = 0;
    // Telegram keeps retrying the same update until it gets a 2xx.
    while (Date.now() < deadline && status !== 200) {
      await sleep(250);
      status = (await postUpdate(t.url, update)).status;
    }
    expect(status).toBe(200);
    expect((await postUpdate(t.url, update)).status).toBe(200); // one more redelivery: a duplicate
    await fake.waitFor("sendMessage", { chatId: chat, timeoutMs: 20_000 });
    await sleep(1_500);
    expect(fake.callsOf("sendMessage", chat).length).toBe(fake.callsOf("sendMessage", warmup).length);
  });
});
