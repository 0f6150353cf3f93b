/**
 * Domain events end to end: a row written with writeOutbox in a transaction reaches its topic's
 * handler with the typed payload; a row whose payload does not fit its topic's schema never
 * reaches a handler; a topic nobody knows is marked published without being sent.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventMap } from "../../src/queue/event-map.js";
import { EventBus } from "../../src/queue/events.js";
import { OutboxRelay, writeOutbox } from "../../src/queue/outbox.js";
import { bullConnections } from "../../src/redis/connection.js";
import { createLogger } from "../../src/logging/logger.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { eventually } from "../review/fixtures.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("typed domain events through the outbox", () => {
  const bull = bullConnections(url);
  let database: TestDatabase;
  let events: EventBus;
  const received: Array<EventMap["question.forwarded"]> = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    events = new EventBus({
      prefix: `ev${randomBytes(4).toString("hex")}`,
      connection: bull.producer,
      workerConnection: bull.worker,
      logger: createLogger({ level: "silent" }),
    });
    events.on("question.forwarded", async (payload) => void received.push(payload));
    events.start(1);
  });
  afterAll(async () => {
    await events?.close();
    await bull.close();
    await database?.drop();
  });

  it("hands a committed row's payload to its handler, refuses a malformed one, and marks an unknown topic published", async () => {
    const { db } = database;
    await db.$transaction((tx) => writeOutbox(tx, "question.forwarded", { questionId: "q-1" }));
    await db.outbox.create({ data: { topic: "question.forwarded", payload: { questionId: 42 } } });
    await db.outbox.create({ data: { topic: "nobody.listens", payload: {} } });
    const relay = new OutboxRelay({ db, events, logger: createLogger({ level: "silent" }) });
    expect(await relay.relayOnce()).toBe(3);
    await eventually(async () => received.length >= 1, 10_000, "the well-formed event handled");
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toEqual([{ questionId: "q-1" }]);
    expect(await db.outbox.count({ where: { publishedAt: null } })).toBe(0);
  });
});
