import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { newChatId, postUpdate, SECRET, textUpdate } from "./updates.js";

/** A throw-away redis-server of this test's own: the shared one on 6379 is never stopped. */
class PrivateRedis {
  private child?: ChildProcess;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: 0 });
    probe.on("error", () => {});
    try {
      for (let i = 0; i < 100; i++) {
        if (await probe.ping().then(() => true, () => false)) return;
        await sleep(50);
      }
      throw new Error("private redis-server did not start");
    } finally {
      probe.disconnect();
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill("SIGKILL");
    await once(child, "exit");
  }
}

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, "127.0.0.1");
  await once(srv, "listening");
  const addr = srv.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  await new Promise((r) => srv.close(r));
  return port;
}

describe("Telegram webhook while Redis is down", () => {
  let fake: FakeTelegram;
  let redis: PrivateRedis;
  let t: TestSystem;

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    redis = new PrivateRedis(await freePort());
    await redis.start();
    t = await startTestSystem({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url, REDIS_URL: redis.url });
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
