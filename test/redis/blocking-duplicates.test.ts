/**
 * BullMQ workers on the shared worker connection: their blocking duplicates carry no Lua scripts
 * (see withLightBlockingDuplicates), and the workers still fetch, run and complete jobs, whose
 * scripts run on the shared connection.
 */
import { randomBytes } from "node:crypto";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { bullConnections } from "../../src/redis/connection.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const bull = bullConnections(url);
afterAll(() => bull.close());

describe("BullMQ's blocking duplicates of the worker connection", () => {
  it("define no scripts, and workers on them still process every job in order", async () => {
    const copies: Redis[] = [];
    const duplicate = bull.worker.duplicate;
    bull.worker.duplicate = (override) => {
      const copy = duplicate(override);
      copies.push(copy);
      return copy;
    };
    const prefix = `bd${randomBytes(4).toString("hex")}`;
    const queue = new Queue("jobs", { connection: bull.producer, prefix });
    const seen: number[] = [];
    const worker = new Worker(
      "jobs",
      async (job) => {
        seen.push(job.data.n as number);
      },
      { connection: bull.worker, prefix, concurrency: 1 },
    );
    try {
      for (let n = 0; n < 20; n++) await queue.add("j", { n });
      const deadline = Date.now() + 10_000;
      while (seen.length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual(Array.from({ length: 20 }, (_, n) => n));
      // The worker made its blocking duplicate (named by BullMQ), and nothing was defined on it.
      expect(copies.length).toBeGreaterThan(0);
      for (const copy of copies) expect(Object.keys(copy.scriptsSet)).toEqual([]);
      // The shared connection has BullMQ's scripts: jobs were moved and completed with them.
      expect(Object.keys(bull.worker.scriptsSet).length).toBeGreaterThan(50);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      bull.worker.duplicate = duplicate;
    }
  });
});
