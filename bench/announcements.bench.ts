/**
 * Announcements (issue 19): BENCH_ANN_RECIPIENTS (default 20,000) subscribers, a fake platform that
 * enforces BENCH_PLATFORM_RATE (default 1,000) messages/s with 429s beyond it, two worker processes
 * of which one is SIGKILLed when 40 % are sent (a third takes its place). Measured: time to the
 * last delivery against the ideal (recipients / rate), duplicates and gaps at the platform, the
 * recipients reported uncertain, and the p95 reply latency of other users chatting at
 * BENCH_ANN_CHAT_RATE (default 20) messages/s meanwhile, against the same traffic without a broadcast.
 */
import { randomBytes } from "node:crypto";
import { createDb } from "../src/db/client.js";
import { announcementProgress, createAnnouncement } from "../src/announcements/index.js";
import {
  deleteRedisPrefix,
  percentile,
  REDIS_URL,
  scratchDatabase,
  sleep,
  startChild,
  type ChildServer,
  type Figure,
} from "./harness.js";
import { telegramUpdate } from "./webhook.bench.js";

const SECRET = "bench-secret-123";

type Stats = {
  sends: number;
  rejected: number;
  broadcastChats: number;
  duplicates: number;
  firstAt: number;
  lastAt: number;
  received: string[];
  first: Record<string, number>;
};
const stats = async (fake: ChildServer) => (await (await fetch(`${fake.url}/stats`)).json()) as Stats;

/** Other users chatting: `rate` messages/s from new chats for `seconds`; returns the p95 of their first reply's latency. */
async function chat(
  web: ChildServer,
  fake: ChildServer,
  rate: number,
  seconds: number,
  firstChat: number,
): Promise<{ p95: number; p50: number; count: number }> {
  const sentAt = new Map<string, number>();
  const start = Date.now();
  let n = 0;
  while (n < rate * seconds) {
    const due = Math.min(rate * seconds, Math.floor(((Date.now() - start) / 1000) * rate));
    for (; n < due; n++) {
      const id = firstChat + n;
      sentAt.set(String(id), Date.now());
      void fetch(`${web.url}/webhooks/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(telegramUpdate(id, id, "/start")),
      }).catch(() => {});
    }
    await sleep(10);
  }
  await sleep(3_000);
  const first = (await stats(fake)).first;
  const lat = [...sentAt]
    .map(([c, at]) => (first[c] ? first[c]! - at : NaN))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return { p95: percentile(lat, 95), p50: percentile(lat, 50), count: lat.length };
}

/** p95 of queue wait and processing time of the conversation jobs of chats from `firstChat` on. */
async function inboundTimes(prefix: string, partitions: number, firstChat: number) {
  const { Queue } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const wait: number[] = [];
  const run: number[] = [];
  for (let i = 0; i < partitions; i++) {
    const q = new Queue(`inbound-${i}`, { connection, prefix });
    for (const job of await q.getJobs(["completed"], 0, -1)) {
      if (Number((job.data as { chatId?: string }).chatId) < firstChat) continue;
      if (!job.processedOn || !job.finishedOn) continue;
      wait.push(job.processedOn - job.timestamp);
      run.push(job.finishedOn - job.processedOn);
    }
    await q.close();
  }
  connection.disconnect();
  wait.sort((a, b) => a - b);
  run.sort((a, b) => a - b);
  return { waitP95: percentile(wait, 95), runP95: percentile(run, 95) };
}

export async function benchAnnouncements(): Promise<Figure[]> {
  const recipients = Number(process.env.BENCH_ANN_RECIPIENTS ?? 20_000);
  const rate = Number(process.env.BENCH_PLATFORM_RATE ?? 1_000);
  const chatRate = Number(process.env.BENCH_ANN_CHAT_RATE ?? 20);
  const ideal = recipients / rate;
  const fake = await startChild("limited-platform.ts", { BENCH_PLATFORM_RATE: String(rate) });
  const scratch = await scratchDatabase();
  const prefix = `bench${randomBytes(3).toString("hex")}`;
  const env = {
    DATABASE_URL: scratch.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    TELEGRAM_BOT_TOKEN: "123:bench",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_MAX_PER_SECOND: String(rate),
  };
  const web = await startChild("system.ts", env, ["--role", "web"]);
  const workers = [
    await startChild("system.ts", { ...env, PORT: "0" }, ["--role", "worker"]),
    await startChild("system.ts", { ...env, PORT: "0" }, ["--role", "worker"]),
  ];
  const db = createDb(scratch.url);
  const figures: Figure[] = [];
  try {
    await db.$executeRawUnsafe(
      `with p as (insert into "Person" (id, channel, "externalId", "chatId", "updatedAt") select gen_random_uuid(), 'telegram', (50000000 + i)::text, (50000000 + i)::text, now() from generate_series(1, $1) i returning id)
       insert into "Subscription" ("personId", topics, source, "subscribedAt", "updatedAt") select id, array['movement'], 'chat', now(), now() from p`,
      recipients,
    );
    // Baseline: the same chat traffic without a broadcast.
    const quiet = await chat(web, fake, chatRate, 8, 1_000_000);

    const t0 = Date.now();
    const { id } = await createAnnouncement(
      db,
      { text: "Tin phong trào #broadcast", topics: ["movement"], channels: ["telegram"] },
      "bench",
    );
    const busy = chat(web, fake, chatRate, Math.max(5, Math.floor(ideal * 0.8)), 2_000_000);
    // SIGKILL one worker once 40 % are out; a fresh one takes its place, as an orchestrator would.
    let killedAt = 0;
    while (!killedAt) {
      const s = await stats(fake);
      if (s.broadcastChats >= recipients * 0.4) {
        workers[0]!.proc.kill("SIGKILL");
        killedAt = s.broadcastChats;
        workers.push(await startChild("system.ts", { ...env, PORT: "0" }, ["--role", "worker"]));
      } else await sleep(50);
    }
    let p = await announcementProgress(db, id);
    while (p?.status !== "done") {
      await sleep(100);
      p = await announcementProgress(db, id);
    }
    const s = await stats(fake);
    const elapsed = (s.lastAt - t0) / 1000;
    const during = await busy;
    // Where the chatting users' time went during the broadcast: waiting in the inbound queue, or
    // being processed (BullMQ's own timestamps of each conversation job).
    const trace = await inboundTimes(prefix, 32, 2_000_000);
    const received = new Set(s.received);
    const gap = recipients - received.size;
    figures.push(
      {
        group: "announcements",
        name: `${recipients} recipients at ${rate}/s`,
        value: elapsed,
        unit: "s",
        ratio: { to: `ideal ${ideal} s`, value: elapsed / ideal },
        note: `worker SIGKILLed after ${killedAt}`,
      },
      { group: "announcements", name: "duplicates at the platform", value: s.duplicates, unit: "chats" },
      {
        group: "announcements",
        name: "not received (gap)",
        value: gap,
        unit: "chats",
        note: `reported uncertain: ${p.uncertain}`,
      },
      { group: "announcements", name: "429s from the platform", value: s.rejected, unit: "" },
      {
        group: "announcements",
        name: `chat p95 at ${chatRate}/s during broadcast`,
        value: during.p95,
        unit: "ms",
        ratio: { to: "without broadcast", value: during.p95 / quiet.p95 },
        note: `p50 ${during.p50} ms, n=${during.count}; queued p95 ${trace.waitP95} ms, processing p95 ${trace.runP95} ms`,
      },
      {
        group: "announcements",
        name: `chat p95 at ${chatRate}/s, no broadcast`,
        value: quiet.p95,
        unit: "ms",
        note: `p50 ${quiet.p50} ms, n=${quiet.count}`,
      },
    );
  } finally {
    await db.$disconnect();
    for (const w of workers) await w.stop();
    await web.stop();
    await fake.stop();
    await scratch.drop();
    await deleteRedisPrefix(prefix);
  }
  return figures;
}
