/** The shared token buckets, against real Redis. */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/queue/rate-limiter.js";
import { startPrivateRedis } from "../support/private-redis.js";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
afterAll(() => redis.disconnect());

describe("the rate limiter", () => {
  it("lets a chat's burst through at once, then one message per second", async () => {
    const limiter = new RateLimiter(redis, `rl${randomBytes(4).toString("hex")}`);
    const chat = { bucket: "chat:1", perSecond: 1, burst: 3 };
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) await limiter.take(chat);
    expect(performance.now() - t0).toBeLessThan(500);
    await limiter.take(chat);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it("takes from every bucket or from none, so a waiting chat burns no bot-wide token", async () => {
    const prefix = `rl${randomBytes(4).toString("hex")}`;
    const limiter = new RateLimiter(redis, prefix);
    const all = { bucket: "all", perSecond: 1, burst: 2 };
    await limiter.take(all, { bucket: "chat:a", perSecond: 1, burst: 1 });
    // chat:a is empty now: this call waits ~1 s for it, and must not spend "all" while waiting.
    const waiting = limiter.take(all, { bucket: "chat:a", perSecond: 1, burst: 1 });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await limiter.take(all, { bucket: "chat:b", perSecond: 1, burst: 1 }); // the second "all" token is still there
    expect(performance.now() - t0).toBeLessThan(300);
    await waiting;
  });

  it("still works after Redis forgets its scripts (a restart)", async () => {
    // A Redis of its own: flushing the shared one's scripts would disturb the other test files.
    const own = await startPrivateRedis();
    const client = new Redis(own.url);
    try {
      const limiter = new RateLimiter(client, "rl");
      await limiter.take({ bucket: "x", perSecond: 10, burst: 10 });
      await client.script("FLUSH");
      await limiter.take({ bucket: "x", perSecond: 10, burst: 10 });
      expect(Number(await client.hget("rl:rl:x", "t"))).toBeCloseTo(8, 0);
    } finally {
      client.disconnect();
      await own.stop();
    }
  });
});
