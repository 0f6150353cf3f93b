/**
 * End to end (issue 9): updates at a steady rate through the webhook (web process), the inbound
 * workers and the conversation engine (worker process) to the fake Bot API's sendMessage, which
 * answers after ~100 ms. Latency is from the moment the load generator sent an update to the
 * moment the fake received the first reply for that chat; queue depth is sampled every second.
 */
import { Queue } from "bullmq";
import { randomBytes } from "node:crypto";
import { deleteRedisPrefix, percentile, REDIS_URL, scratchDatabase, sleep, startChild, type Figure } from "./harness.js";
import { telegramUpdate } from "./webhook.bench.js";

const SECRET = "bench-secret-123";
/** The worker runs as docker-compose.yml runs it (heap cap); BENCH_WORKER_NODE_OPTIONS overrides. */
const WORKER_NODE_OPTIONS = process.env.BENCH_WORKER_NODE_OPTIONS ?? "--max-old-space-size=256";

async function queueDepth(prefix: string, partitions: number): Promise<number> {
  const names = [...Array.from({ length: partitions }, (_, i) => `inbound-${i}`), ...Array.from({ length: partitions }, (_, i) => `out-telegram-${i}`)];
  const qs = names.map((n) => new Queue(n, { connection: { url: REDIS_URL }, prefix }));
  const counts = await Promise.all(qs.map((q) => q.getJobCounts("waiting", "active", "delayed", "prioritized")));
  await Promise.all(qs.map((q) => q.close()));
  return counts.reduce((n, c) => n + (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), 0);
}

/** Sends `rate` updates per second for `seconds`, each to its own chat, paced in 10 ms ticks. */
async function drive(url: string, rate: number, seconds: number, firstChat: number, sentAt: Map<string, number>, onSecond: () => Promise<void>) {
  const total = rate * seconds;
  const start = Date.now();
  let sent = 0;
  let nextSample = start + 1000;
  const inflight = new Set<Promise<unknown>>();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * rate));
    while (sent < due) {
      const chat = firstChat + sent;
      const id = chat;
      sentAt.set(String(chat), Date.now());
      const p = fetch(`${url}/webhooks/telegram`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, body: JSON.stringify(telegramUpdate(id, chat, sent % 2 ? "chỉ tiêu hồ sơ công việc cấp xã" : "/start")) }).catch(() => {});
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      sent++;
    }
    if (Date.now() >= nextSample) {
      nextSample += 1000;
      void onSecond();
    }
    await sleep(10);
  }
  await Promise.all(inflight);
}

export async function benchEndToEnd(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const seconds = Number(process.env.BENCH_E2E_SECONDS ?? 60);
  const rates = (process.env.BENCH_E2E_RATES ?? "50,150,200,800").split(",").map(Number);
  const partitions = 16;
  const fake = await startChild("fake-platform.ts");
  const db = await scratchDatabase();
  const prefix = `bench${randomBytes(3).toString("hex")}`;
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    TELEGRAM_BOT_TOKEN: "123:bench",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: fake.url,
    // Telegram's own ~30 messages/s cap would make any load above 30 updates/s a measure of
    // Telegram, not of us; the benchmark lifts it (the default stays 30).
    TELEGRAM_MAX_PER_SECOND: "2000",
    INBOUND_PARTITIONS: String(partitions),
    OUTBOUND_PARTITIONS: process.env.BENCH_OUTBOUND_PARTITIONS ?? "32",
  };
  const web = await startChild("system.ts", env, ["--role", "web"]);
  // Worker processes (BENCH_WORKERS, default 1): the deployment scales out with more `--role worker`.
  const workers = await Promise.all(Array.from({ length: Number(process.env.BENCH_WORKERS ?? 1) }, () => startChild("system.ts", { ...env, PORT: "0", NODE_OPTIONS: WORKER_NODE_OPTIONS }, ["--role", "worker"])));
  let chat = 1_000_000;
  try {
    // Warm-up, as a long-running deployment is: 5 s at 50/s lets V8 optimise the hot paths and the
    // pools open (a cold worker thrown straight into 200/s queues for its first second or two).
    await drive(web.url, 50, 5, chat, new Map(), async () => {});
    chat += 300;
    await sleep(3000);
    for (const rate of rates) {
      await fetch(`${fake.url}/reset`, { method: "POST" });
      const sentAt = new Map<string, number>();
      const depths: number[] = [];
      let rssWeb = 0;
      let rssWorker = 0;
      const sample = async () => {
        depths.push(await queueDepth(prefix, partitions).catch(() => -1));
        rssWeb = Math.max(rssWeb, web.rssMb());
        rssWorker = Math.max(rssWorker, ...workers.map((w) => w.rssMb()));
      };
      const runSeconds = rate === 200 ? seconds : Math.min(seconds, 20);
      const cpu0 = [web, ...workers, fake].map((p) => p.cpuSeconds());
      const t0 = Date.now();
      await drive(web.url, rate, runSeconds, chat, sentAt, sample);
      chat += rate * runSeconds + 10;
      const loadEnded = Date.now();
      const cpuShare = [web, ...workers, fake].map((p, i) => (p.cpuSeconds() - cpu0[i]!) / ((loadEnded - t0) / 1000));
      let drainedAt = NaN;
      for (;;) {
        const stats = (await (await fetch(`${fake.url}/stats`)).json()) as { first: Record<string, number> };
        const done = Object.keys(stats.first).filter((c) => sentAt.has(c)).length;
        if (done >= sentAt.size) {
          drainedAt = Date.now();
          break;
        }
        if (Date.now() - loadEnded > 60_000) break;
        await sleep(100);
      }
      const stats = (await (await fetch(`${fake.url}/stats`)).json()) as { first: Record<string, number> };
      const lat = [...sentAt].map(([c, t]) => (stats.first[c] ?? NaN) - t).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
      const G = `end to end @ ${rate} updates/s for ${runSeconds} s (fake Bot API 100 ms, ${workers.length} worker process${workers.length > 1 ? "es" : ""})`;
      figures.push({ group: G, name: "p50 receipt → reply", value: percentile(lat, 50), unit: "ms" });
      figures.push({ group: G, name: "p95 receipt → reply", value: percentile(lat, 95), unit: "ms", ratio: { to: "one Bot API round trip (100 ms)", value: percentile(lat, 95) / 100 } });
      figures.push({ group: G, name: "p99 receipt → reply", value: percentile(lat, 99), unit: "ms" });
      figures.push({ group: G, name: "replied", value: lat.length, unit: `of ${sentAt.size}` });
      figures.push({ group: G, name: "drain after load stops", value: Number.isFinite(drainedAt) ? drainedAt - loadEnded : NaN, unit: "ms" });
      figures.push({ group: G, name: "max queue depth", value: Math.max(0, ...depths), unit: "jobs", note: `per second: ${depths.join(" ")}` });
      const sends = ((await (await fetch(`${fake.url}/stats`)).json()) as { sends: number }).sends;
      figures.push({ group: G, name: "CPU of one core: web / worker(s) / fake API", value: Math.round(cpuShare[0]! * 100), unit: "%", note: `worker ${cpuShare.slice(1, -1).map((c) => Math.round(c * 100)).join(" + ")} %, fake Bot API ${Math.round(cpuShare.at(-1)! * 100)} %, ${(sends / Math.max(1, sentAt.size)).toFixed(2)} sendMessage per update` });
      figures.push({ group: G, name: "RSS web / worker (max)", value: Math.round(rssWeb), unit: "MB", note: `worker ${Math.round(rssWorker)} MB` });
    }
  } finally {
    await Promise.all([web.stop(), ...workers.map((w) => w.stop()), fake.stop()]);
    await db.drop();
    await deleteRedisPrefix(prefix);
  }
  return figures;
}
