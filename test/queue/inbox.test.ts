/**
 * The inbound inbox against real Redis (src/queue/inbox.ts): what a webhook acknowledged becomes a
 * job once, in each chat's order, even when a mover dies between taking items and storing them.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { InboundQueue } from "../../src/queue/inbound.js";
import { appendToInbox, startInboxMover, type InboxKeys } from "../../src/queue/inbox.js";
import { bullConnections, createFailFastRedis, createWorkerRedis } from "../../src/redis/connection.js";
import { createLogger } from "../../src/logging/logger.js";
import type { InboundMessage } from "../../src/channels/types.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const bull = bullConnections(url);
const redis = createWorkerRedis(url);
const logger = createLogger({ level: "silent" });
afterAll(async () => {
  redis.disconnect();
  await bull.close();
});

const until = async (ok: () => Promise<boolean> | boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("timed out");
};

const message = (chat: number, n: number): InboundMessage => ({
  channel: "telegram",
  chatId: String(chat),
  userId: String(chat),
  messageId: `${chat}-${n}`,
  at: Date.now(),
  text: `m${n}`,
});

describe("inbound inbox", () => {
  it("turns accepted messages into jobs once each, in every chat's order, and reports repeats as duplicates", async () => {
    const web = await createFailFastRedis(url);
    const inbound = new InboundQueue({
      prefix: `ib${randomBytes(4).toString("hex")}`,
      partitions: 4,
      redis: web,
      connection: bull.producer,
    });
    const handled: string[] = [];
    try {
      const msgs = Array.from({ length: 300 }, (_, i) => message(1000 + (i % 7), i));
      // Accepted before any worker runs: they wait in the inbox.
      const results = await Promise.all(msgs.map((m) => inbound.accept(m)));
      expect(results.every((r) => r === "queued")).toBe(true);
      expect(await inbound.accept(msgs[5]!)).toBe("duplicate");
      expect(await inbound.depth()).toBe(300);
      await inbound.startWorkers({
        redis,
        logger,
        connection: bull.worker,
        handle: async (msg) => {
          handled.push(msg.messageId);
          return [];
        },
        enqueueReplies: async () => {},
      });
      await until(async () => handled.length >= 300 && (await inbound.depth()) === 0);
      expect(new Set(handled).size).toBe(300);
      for (let chat = 1000; chat < 1007; chat++) {
        const order = handled.filter((id) => id.startsWith(`${chat}-`)).map((id) => Number(id.split("-")[1]));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    } finally {
      await inbound.close();
      web.disconnect();
    }
  });

  it("stores again, first and in order, what a mover took but died before storing", async () => {
    const prefix = `ib${randomBytes(4).toString("hex")}`;
    const keys: InboxKeys = { inbox: `${prefix}:in`, taken: `${prefix}:taken`, lock: `${prefix}:lock` };
    for (let i = 0; i < 5; i++) await appendToInbox(redis, keys, `${prefix}:seen:${i}`, `a${i}`, 60);
    // The first mover takes the items and fails to store them (as one killed mid-pass would).
    const first = startInboxMover({
      keys,
      redis,
      blocking: redis.duplicate(),
      logger,
      store: async () => {
        throw new Error("killed");
      },
    });
    await until(async () => (await redis.llen(keys.taken)) === 5);
    await first();
    for (let i = 5; i < 8; i++) await appendToInbox(redis, keys, `${prefix}:seen:${i}`, `a${i}`, 60);
    // A repeat of an accepted item is not appended again.
    expect(await appendToInbox(redis, keys, `${prefix}:seen:2`, "a2", 60)).toBe(false);
    const stored: string[] = [];
    const second = startInboxMover({
      keys,
      redis,
      blocking: redis.duplicate(),
      logger,
      batch: 3,
      store: async (items) => void stored.push(...items),
    });
    try {
      await until(() => stored.length >= 8);
      expect(stored).toEqual(["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"]);
      await until(async () => (await redis.llen(keys.taken)) + (await redis.llen(keys.inbox)) === 0);
    } finally {
      await second();
      await redis.del(keys.inbox, keys.taken, keys.lock);
    }
  });

  it("accepts on a fresh auto-pipelining connection whose pipeline already holds commands of the same turn", async () => {
    // The first acknowledgement after start-up shares its event-loop turn with other commands (the
    // webhook's rate counters, metrics). A script defined on the client at that moment was missing
    // from the pending pipeline: ioredis failed the command and threw an uncaught "results[i] is not
    // iterable" that took the process down (ioredis #1931). Run once per fresh connection.
    for (let round = 0; round < 5; round++) {
      const web = await createFailFastRedis(url);
      const prefix = `ib${randomBytes(4).toString("hex")}`;
      const keys: InboxKeys = { inbox: `${prefix}:in`, taken: `${prefix}:tk`, lock: `${prefix}:lk` };
      try {
        const results = await Promise.all([
          web.get(`${prefix}:other`),
          appendToInbox(web, keys, `${prefix}:seen:1`, "x", 60),
          web.incr(`${prefix}:counter`),
          appendToInbox(web, keys, `${prefix}:seen:2`, "y", 60),
        ]);
        expect(results).toEqual([null, true, 1, true]);
        expect(await web.lrange(keys.inbox, 0, -1)).toEqual(["x", "y"]);
      } finally {
        await web.del(keys.inbox, `${prefix}:seen:1`, `${prefix}:seen:2`, `${prefix}:counter`);
        web.disconnect();
      }
    }
  });

  it("stores one batch per pause while asked to pause, and all at once when not", async () => {
    const prefix = `ib${randomBytes(4).toString("hex")}`;
    const keys: InboxKeys = { inbox: `${prefix}:in`, taken: `${prefix}:taken`, lock: `${prefix}:lock` };
    for (let i = 0; i < 6; i++) await appendToInbox(redis, keys, `${prefix}:seen:${i}`, `a${i}`, 60);
    let pause = 60_000;
    const mover = (store: (items: string[]) => Promise<void>) =>
      startInboxMover({
        keys,
        redis,
        blocking: redis.duplicate(),
        logger,
        batch: 2,
        pauseMs: () => pause,
        store,
      });
    const batches: string[][] = [];
    const stop = mover(async (items) => void batches.push(items));
    try {
      await until(() => batches.length === 1);
      // The workers are stepping back: the next batch waits for the pause.
      await new Promise((r) => setTimeout(r, 300));
      expect(batches).toEqual([["a0", "a1"]]);
      await stop();
      pause = 0;
      const rest: string[] = [];
      const again = mover(async (items) => void rest.push(...items));
      try {
        await until(() => rest.length >= 4);
        expect(rest).toEqual(["a2", "a3", "a4", "a5"]);
      } finally {
        await again();
      }
    } finally {
      await stop();
      await redis.del(
        keys.inbox,
        keys.taken,
        keys.lock,
        ...Array.from({ length: 6 }, (_, i) => `${prefix}:seen:${i}`),
      );
    }
  });
});
