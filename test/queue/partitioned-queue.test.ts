/**
 * PartitionedQueue.limitConcurrency against real Redis: while the HTTP process is saturated its
 * worker children run only a few jobs at once (main.ts), and every job still runs once the limit
 * lifts by itself.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { PartitionedQueue } from "../../src/queue/partitioned-queue.js";
import { bullConnections } from "../../src/redis/connection.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const bull = bullConnections(url);
afterAll(() => bull.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("PartitionedQueue.limitConcurrency", () => {
  it("runs at most `limit` jobs at once across partitions until it lifts, then all of them", async () => {
    const queue = new PartitionedQueue<{ n: number }>({
      name: "limit",
      partitions: 4,
      prefix: `pq${randomBytes(4).toString("hex")}`,
      connection: bull.producer,
    });
    let running = 0;
    let most = 0;
    let mostWhileLimited = 0;
    let start = Date.now();
    const done: Array<{ n: number; at: number }> = [];
    await queue.startWorkers(
      async (job) => {
        running++;
        most = Math.max(most, running);
        if (Date.now() - start < 550) mostWhileLimited = Math.max(mostWhileLimited, running);
        await sleep(100);
        running--;
        done.push({ n: job.data.n, at: Date.now() });
      },
      { connection: bull.worker },
    );
    try {
      start = Date.now();
      queue.limitConcurrency(1, 600);
      // One job per partition key, so that without the limit all four would run together.
      for (const n of [0, 1, 2, 3, 4, 5, 6, 7]) await queue.add(`chat-${n}`, "job", { n });
      for (let i = 0; i < 100 && done.length < 8; i++) await sleep(50);
      expect(done).toHaveLength(8);
      // Before the limit lifted at 600 ms, one job at a time (about one per 100 ms).
      expect(mostWhileLimited).toBe(1);
      expect(done.filter((d) => d.at - start < 550).length).toBeLessThanOrEqual(6);
      // After it lifted, several partitions ran together again.
      expect(most).toBeGreaterThan(1);
    } finally {
      await queue.close();
    }
  });

  it("lets waiting jobs through when the workers close", async () => {
    const queue = new PartitionedQueue<{ n: number }>({
      name: "limit-close",
      partitions: 2,
      prefix: `pq${randomBytes(4).toString("hex")}`,
      connection: bull.producer,
    });
    const done: number[] = [];
    await queue.startWorkers(
      async (job) => {
        await sleep(500);
        done.push(job.data.n);
      },
      { connection: bull.worker },
    );
    queue.limitConcurrency(1, 60_000);
    await queue.add("a", "job", { n: 1 });
    await queue.add("b", "job", { n: 2 });
    // One job runs, the other waits for the slot a minute-long limit would keep from it.
    await sleep(200);
    expect(done).toEqual([]);
    const closing = Date.now();
    await queue.close();
    expect(Date.now() - closing).toBeLessThan(5_000);
    expect(done.sort()).toEqual([1, 2]);
  });
});
