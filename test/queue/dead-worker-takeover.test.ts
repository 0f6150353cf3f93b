/**
 * A worker process SIGKILLed while it was sending a conversation reply (as in the announcement
 * bench, where a worker is killed mid-broadcast): the other chats of that partition must not wait
 * behind the dead worker's job until its BullMQ lock lapses (up to 30 s for an inbound job, which
 * sends the reply itself when the chat has nothing queued; over two minutes for an outbound one). The next worker
 * sees the dead process gone from Redis and hands its job back at once; the reply it was sending is
 * sent again first (per-chat and partition order kept), then the other chat's reply.
 *
 * Causality, not timing: the other chat's reply must reach the platform before the dead worker's
 * lock would have lapsed, which without the takeover is impossible (a partition runs one job at a
 * time, and the dead job stays active until then).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { partitionOf } from "../../src/queue/partitioned-queue.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { eventually } from "../review/fixtures.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SECRET = "s3cret-s3cret";
const PARTITIONS = 4;

function startWorker(t: TestSystem, fake: FakeTelegram): Promise<ChildProcess> {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", `${ROOT}bench/servers/system.ts`, "--role", "worker"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: t.database.url,
        REDIS_URL: inject("redisUrl"),
        REDIS_PREFIX: t.prefix,
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: fake.url,
        INBOUND_PARTITIONS: String(PARTITIONS),
        OUTBOUND_PARTITIONS: String(PARTITIONS),
        LOG_LEVEL: "silent",
        PORT: "0",
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("READY")) resolve(proc);
    });
    proc.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

const update = (id: number, chat: number) => ({
  update_id: id,
  message: {
    message_id: id,
    date: Math.floor(Date.now() / 1000),
    chat: { id: chat, type: "private", first_name: "Dân" },
    from: { id: chat, is_bot: false, first_name: "Dân", language_code: "vi" },
    text: "/start",
  },
});

describe("a worker process killed while sending a conversation reply", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  let redis: Redis;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    // The HTTP side only: every job is taken by the worker processes below.
    t = await startTestSystem(
      { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url },
      { role: "web" },
    );
    redis = new Redis(inject("redisUrl"));
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
    redis?.disconnect();
    await t?.stop();
    await fake?.stop();
  });

  const post = (body: unknown) =>
    fetch(`${t.url}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify(body),
    });
  const sendsTo = (chat: number) =>
    fake.calls.filter((c) => c.method === "sendMessage" && String(c.body.chat_id) === String(chat));

  it("does not hold the other chats of its partition until its lock lapses", async () => {
    const a = 71_000_001;
    // Another chat in the same inbound and outbound partitions as a (the reply goes out from the
    // inbound job, or from the outbound queue when it is deferred: either may be the one held).
    const same = (c: number) =>
      partitionOf(`telegram:${c}`, PARTITIONS) === partitionOf(`telegram:${a}`, PARTITIONS) &&
      partitionOf(String(c), PARTITIONS) === partitionOf(String(a), PARTITIONS);
    let b = a + 1;
    while (!same(b)) b++;

    workers.push(await startWorker(t, fake));
    fake.hold(a);
    expect((await post(update(1, a))).status).toBe(200);
    await eventually(async () => sendsTo(a).length === 1, 30_000, "the reply to a is in flight");
    // The second worker is up before the first dies (it is the one that must take over).
    workers.push(await startWorker(t, fake));

    // The job sending a's reply is active under the first worker's lock.
    const queues = [
      `inbound-${partitionOf(`telegram:${a}`, PARTITIONS)}`,
      `out-telegram-${partitionOf(String(a), PARTITIONS)}`,
    ];
    const locks: number[] = [];
    for (const q of queues)
      for (const id of await redis.lrange(`${t.prefix}:${q}:active`, 0, -1))
        locks.push(await redis.pttl(`${t.prefix}:${q}:${id}:lock`));
    expect(locks).toHaveLength(1);
    expect(locks[0]).toBeGreaterThan(0);
    const lockLapsesAt = Date.now() + locks[0]!;

    workers[0]!.kill("SIGKILL");
    await new Promise((r) => workers[0]!.once("exit", r));
    fake.release(a);
    expect((await post(update(2, b))).status).toBe(200);

    await eventually(async () => sendsTo(b).length === 1, 60_000, "the reply to b is sent");
    const [bAt] = sendsTo(b).map((c) => c.at);
    // Before the dead worker's lock would have lapsed: b did not wait behind it.
    expect(bAt!).toBeLessThan(lockLapsesAt);
    // a's reply, whose answer was lost with the worker, is sent again, before b's (partition order).
    expect(sendsTo(a)).toHaveLength(2);
    expect(sendsTo(a)[1]!.at).toBeLessThanOrEqual(bAt!);
  }, 120_000);
});
