/**
 * A Redis crash while a worker is between jobs must not stall the worker process. With the offline
 * queue off, BullMQ 6.7 retries moveToActive in a pure microtask loop (the rejection is immediate
 * and not classed as a connection error): 100 % CPU, no timer ever runs again — not even ioredis's
 * reconnect — so the process never recovers. The workers run in a child process here because such a
 * stall would also freeze this test runner's timers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { assertWorkerConnection, bullConnections } from "../../src/redis/connection.js";
import { PartitionedQueue } from "../../src/queue/partitioned-queue.js";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.js";

const CHILD = fileURLToPath(new URL("../support/worker-outage-child.ts", import.meta.url));

interface Run {
  child: ChildProcess;
  lines: string[];
  waitFor(line: string, timeoutMs: number): Promise<boolean>;
  ticksSince(index: number): number;
}

function runChild(url: string, mode: "safe" | "failfast"): Run {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, url, mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
  });
  return {
    child,
    lines,
    async waitFor(line, timeoutMs) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        if (lines.includes(line)) return true;
        await sleep(50);
      }
      return false;
    },
    ticksSince: (i) => lines.slice(i).filter((l) => l === "tick").length,
  };
}

/** Kills Redis while a job is in flight, restarts it 2 s later (empty with `wipe`), then adds a second job. */
async function outage(
  redis: PrivateRedis,
  run: Run,
  opts: { wipe?: boolean } = {},
): Promise<{ secondDone: boolean; ticksAfterRestart: number }> {
  const bull = bullConnections(redis.url);
  const q = new PartitionedQueue<{ ms: number }>({
    name: "outage",
    partitions: 4,
    prefix: "wo",
    connection: bull.producer,
  });
  try {
    expect(await run.waitFor("ready", 20_000)).toBe(true);
    await q.add("chat-1", "job", { ms: 800 }, { jobId: "first" });
    expect(await run.waitFor("busy first", 10_000)).toBe(true);
    await redis.stop();
    if (opts.wipe) redis.wipe();
    await sleep(2_000);
    await redis.start();
    const mark = run.lines.length;
    await sleep(1_000);
    const ticksAfterRestart = run.ticksSince(mark);
    // The producer's own client reconnects on its timer; retry the add until it is back.
    for (let i = 0; i < 40; i++) {
      try {
        await q.add("chat-1", "job", { ms: 10 }, { jobId: "second" });
        break;
      } catch {
        await sleep(250);
      }
    }
    return { secondDone: await run.waitFor("done second", 8_000), ticksAfterRestart };
  } finally {
    await q.close().catch(() => {});
    await bull.close();
  }
}

describe("workers through a Redis crash", () => {
  let redis: PrivateRedis | undefined;
  let run: Run | undefined;
  afterEach(async () => {
    run?.child.kill("SIGKILL");
    await redis?.stop();
  });

  it("keep their event loop and take new jobs once Redis is back", async () => {
    redis = await startPrivateRedis();
    run = runChild(redis.url, "safe");
    const r = await outage(redis, run);
    expect(r.ticksAfterRestart).toBeGreaterThanOrEqual(5); // 10 expected in 1 s
    expect(r.secondDone).toBe(true);
  }, 60_000);

  it("keep working when Redis comes back without its data", async () => {
    redis = await startPrivateRedis();
    run = runChild(redis.url, "safe");
    const r = await outage(redis, run, { wipe: true });
    expect(r.ticksAfterRestart).toBeGreaterThanOrEqual(5);
    expect(r.secondDone).toBe(true);
    // The one-job-per-partition limit lived in the lost data; the workers set it again.
    const bull = bullConnections(redis.url);
    const partition = new Queue("outage-0", { connection: bull.producer, prefix: "wo" });
    try {
      expect(await partition.getGlobalConcurrency()).toBe(1);
    } finally {
      await partition.close();
      await bull.close();
    }
  }, 60_000);

  it("control: the fail-fast producer options on a worker stall the process (why the guard exists)", async () => {
    redis = await startPrivateRedis();
    run = runChild(redis.url, "failfast");
    const r = await outage(redis, run);
    expect(r.ticksAfterRestart).toBe(0);
    expect(r.secondDone).toBe(false);
  }, 60_000);

  it("a worker cannot be started on fail-fast options", () => {
    const bull = bullConnections("redis://127.0.0.1:1");
    expect(() => assertWorkerConnection(bull.producer)).toThrow(/offline queue/);
    expect(() => assertWorkerConnection(bull.worker)).not.toThrow();
    expect(() => assertWorkerConnection({ enableOfflineQueue: false })).toThrow(/offline queue/);
    void bull.close();
  });
});
