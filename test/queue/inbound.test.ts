/** The inbound workers against real Redis: a job run again after its message was handled does nothing. */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { InboundQueue } from "../../src/queue/inbound.js";
import { bullConnections, createWorkerRedis } from "../../src/redis/connection.js";
import { createLogger } from "../../src/logging/logger.js";
import type { InboundMessage, OutboundJob } from "../../src/channels/types.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const bull = bullConnections(url);
const redis = createWorkerRedis(url);
afterAll(async () => {
  redis.disconnect();
  await bull.close();
});

describe("inbound workers", () => {
  it("handle a message once even when its job runs twice (a worker died before BullMQ marked it done)", async () => {
    const inbound = new InboundQueue({
      prefix: `in${randomBytes(4).toString("hex")}`,
      partitions: 2,
      redis,
      connection: bull.producer,
    });
    const handled: string[] = [];
    const sent: OutboundJob[] = [];
    await inbound.startWorkers({
      redis,
      logger: createLogger({ level: "silent" }),
      connection: bull.worker,
      handle: async (msg) => (handled.push(msg.messageId), [{ text: "ok" }]),
      enqueueReplies: async (job) => void sent.push(job),
    });
    try {
      const msg: InboundMessage = {
        channel: "telegram",
        chatId: "1",
        userId: "1",
        messageId: "900",
        at: Date.now(),
        text: "xin chào",
      };
      // Two jobs for one message, as a re-run of a completed job would be (accept() would dedupe).
      await inbound.queue.add(msg.chatId, "message", msg, { jobId: "first" });
      await inbound.queue.add(msg.chatId, "message", msg, { jobId: "again" });
      for (let i = 0; i < 100 && (await inbound.queue.depth()) > 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await inbound.queue.depth()).toBe(0);
      expect(handled).toEqual(["900"]);
      expect(sent).toHaveLength(1);
    } finally {
      await inbound.queue.close();
    }
  });
});
