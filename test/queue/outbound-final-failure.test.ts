/**
 * A reply the platform refuses through every retry: someone must learn that it was never
 * delivered, so it is logged as a warning — with the channel, the error class and the attempts,
 * and nothing personal (no chat id, no text). Real Redis and BullMQ, a fake Telegram over HTTP
 * answering 500 to every send; the retry policy is shortened, its logic is not.
 */
import { randomBytes } from "node:crypto";
import { Api } from "grammy";
import { afterAll, describe, expect, it } from "vitest";
import { createTelegramAdapter } from "../../src/channels/telegram/adapter.js";
import { createLogger } from "../../src/logging/logger.js";
import { OutboundQueues } from "../../src/queue/outbound.js";
import { bullConnections, createWorkerRedis } from "../../src/redis/connection.js";
import { FakeTelegram } from "../support/fake-telegram.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const bull = bullConnections(url);
const redis = createWorkerRedis(url);
afterAll(async () => {
  redis.disconnect();
  await bull.close();
});

describe("a reply that fails every retry", () => {
  it("is logged once as a warning that carries no personal data", async () => {
    const fake = await new FakeTelegram().start();
    fake.script(
      "sendMessage",
      ...Array.from({ length: 50 }, () => FakeTelegram.error(500, "Internal Server Error")),
    );
    const lines: Array<Record<string, unknown>> = [];
    const raw: string[] = [];
    const sink = {
      write: (s: string) => {
        raw.push(s);
        lines.push(JSON.parse(s) as Record<string, unknown>);
      },
    } as unknown as NodeJS.WritableStream;
    const logger = createLogger({ level: "info", destination: sink });
    const prefix = `of${randomBytes(4).toString("hex")}`;
    const outbound = new OutboundQueues(
      {
        prefix,
        partitions: 1,
        connection: bull.producer,
        workerConnection: bull.worker,
        redis,
        logger,
        retry: { attempts: 2, backoffMs: 50, inlineBudgetMs: 300 },
      },
      ["telegram"],
    );
    const adapter = createTelegramAdapter({
      api: new Api(fake.token, { apiRoot: fake.url }),
      token: fake.token,
      apiRoot: fake.url,
      redis,
      prefix,
      logger,
      maxPerSecond: 1_000,
    });
    const workers = await outbound.startWorkers([adapter], async () => {});
    try {
      const chatId = "987654321";
      await outbound.enqueue({
        channel: "telegram",
        chatId,
        key: "m1",
        replies: [{ text: "Nguyễn Văn Bí Mật, 0912 345 678" }],
      });
      const deadline = Date.now() + 20_000;
      const final = () => lines.filter((l) => l.msg === "a reply could not be delivered after every retry");
      while (!final().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(final()).toHaveLength(1);
      expect(final()[0]).toMatchObject({ level: 40, channel: "telegram", attempts: 2 });
      // It was really tried, more than once, before giving up.
      expect(fake.calls.filter((c) => c.method === "sendMessage").length).toBeGreaterThan(2);
      // Nothing personal anywhere in the log: not the chat, not the text.
      for (const needle of [chatId, "Bí Mật", "0912"]) expect(raw.join("\n")).not.toContain(needle);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await outbound.close();
      await fake.stop();
    }
  });
});
