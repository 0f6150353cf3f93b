/**
 * A process's FAQ index follows the database without a restart: it reloads when the shared counter
 * moves, when Redis lost the counter, and at least every `maxAgeMs` (a bump lost with Redis) —
 * and not otherwise (one GET per lookup, no database query).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { createFaqSignal } from "../../src/faq/signal.js";
import { LiveFaq } from "../../src/faq/live.js";

describe("a process's live FAQ index", () => {
  let database: TestDatabase;
  let redis: Redis;
  const prefix = `f${randomBytes(4).toString("hex")}`;
  beforeAll(async () => {
    database = await createTestDatabase();
    redis = new Redis(inject("redisUrl"));
  });
  afterAll(async () => {
    redis?.disconnect();
    await database?.drop();
  });

  it("reloads on a bump, on a lost counter and on age, and only then", async () => {
    const db = database.db;
    const signal = createFaqSignal(redis, prefix);
    let now = 1_000_000;
    let loads = 0;
    const counting = new Proxy(db, {
      get: (target, prop) =>
        prop === "faqEntry"
          ? new Proxy(target.faqEntry, {
              get: (fe, p) =>
                p === "findMany"
                  ? (...a: unknown[]) => ((loads += 1), (fe.findMany as (...x: unknown[]) => unknown)(...a))
                  : Reflect.get(fe, p),
            })
          : Reflect.get(target, prop),
    }) as typeof db;
    const faq = new LiveFaq({
      db: counting,
      signal,
      logger: pino({ level: "silent" }),
      maxAgeMs: 60_000,
      clock: () => now,
    });
    const question = "Người cao tuổi có được tập huấn sử dụng điện thoại thông minh miễn phí không?";

    expect(await faq.search(question)).toBeUndefined();
    expect(loads).toBe(1);
    await db.faqEntry.create({
      data: {
        question,
        answer: "Có.",
        unit: "Sở Nội vụ",
        answeredOn: new Date(Date.UTC(2026, 10, 1)),
        status: "published",
      },
    });
    // Not announced yet: still the old index, no reload.
    expect(await faq.search(question)).toBeUndefined();
    expect(loads).toBe(1);
    await signal.bump();
    expect((await faq.search(question))?.entry.answer).toBe("Có.");
    expect(loads).toBe(2);
    for (let i = 0; i < 5; i++) await faq.search(question);
    expect(loads).toBe(2);

    // Redis lost the counter (restart without persistence): the next lookup reloads.
    await redis.del(`${prefix}:faq:version`);
    await db.faqEntry.updateMany({ data: { answer: "Có, miễn phí." } });
    expect((await faq.search(question))?.entry.answer).toBe("Có, miễn phí.");
    expect(loads).toBe(3);

    // A bump lost altogether: the copy is replaced once it is older than maxAgeMs.
    await db.faqEntry.updateMany({ data: { status: "retired" } });
    expect(await faq.search(question)).toBeDefined();
    now += 61_000;
    expect(await faq.search(question)).toBeUndefined();
    expect(loads).toBe(4);
  });
});
