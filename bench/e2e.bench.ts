/**
 * End to end (issue 9): updates at a steady rate through the webhook (web process), the inbound
 * workers and the conversation engine (worker process) to the fake Bot API's sendMessage, which
 * answers after ~100 ms. Latency is from the moment the load generator sent an update to the
 * moment the fake received the first reply for that chat; queue depth is sampled every second.
 * Measured for the split roles (web + worker processes) and for the default `npm start` (role all
 * with worker child processes), both compiled as production runs them.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import {
  cpuSecondsOf,
  deleteRedisPrefix,
  inboundTimes,
  percentile,
  REDIS_URL,
  rssMbOf,
  scratchDatabase,
  sleep,
  startChild,
  startMain,
  type Figure,
  telegramEnv,
} from "./harness.js";
import { telegramUpdate } from "./webhook.bench.js";

const SECRET = "bench-secret-123";
/** The worker runs as docker-compose.yml runs it (heap cap); BENCH_WORKER_NODE_OPTIONS overrides. */
const WORKER_NODE_OPTIONS = process.env.BENCH_WORKER_NODE_OPTIONS ?? "--max-old-space-size=256";

/** Jobs waiting, active or delayed in the inbound and Telegram outbound partitions. */
function queueDepthSampler(prefix: string, partitions: number) {
  // One connection and one Queue object per partition for the whole run: sampling must not cost
  // the machine under test a hundred new connections a second.
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const names = [
    ...Array.from({ length: partitions }, (_, i) => `inbound-${i}`),
    ...Array.from({ length: partitions }, (_, i) => `out-telegram-${i}`),
  ];
  const qs = names.map((n) => new Queue(n, { connection, prefix }));
  return {
    async depth(): Promise<number> {
      const counts = await Promise.all(
        qs.map((q) => q.getJobCounts("waiting", "active", "delayed", "prioritized")),
      );
      // Accepted updates not yet jobs wait in the inbound inbox (src/queue/inbox.ts).
      const inbox =
        (await connection.llen(`${prefix}:inbound-inbox`)) +
        (await connection.llen(`${prefix}:inbound-inbox-taken`));
      return counts.reduce(
        (n, c) => n + (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0),
        inbox,
      );
    },
    async close() {
      await Promise.all(qs.map((q) => q.close()));
      connection.disconnect();
    },
  };
}

/** CPU seconds the Redis server has used (user + system), from INFO. */
async function redisCpuSeconds(): Promise<number> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const info = await r.info("cpu");
    const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return field("used_cpu_sys") + field("used_cpu_user");
  } finally {
    r.disconnect();
  }
}

/** Sends `rate` updates per second for `seconds`, each to its own chat, paced in 10 ms ticks. */
/**
 * The load generator stands in for Telegram's servers but shares the 2 cores with the system under
 * test: plain node:http on keep-alive sockets costs it a fraction of fetch's CPU per request.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function postWebhook(url: string, body: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-telegram-bot-api-secret-token": SECRET,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve());
        res.on("error", () => resolve());
      },
    );
    req.on("error", () => resolve());
    req.end(body);
  });
}

async function drive(
  url: string,
  rate: number,
  seconds: number,
  firstChat: number,
  sentAt: Map<string, number>,
  onSecond: () => Promise<void>,
) {
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
      const p = postWebhook(
        `${url}/webhooks/telegram`,
        JSON.stringify(telegramUpdate(id, chat, sent % 2 ? "chỉ tiêu hồ sơ công việc cấp xã" : "/start")),
      );
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

/** One measured run: `rate` updates/s for `seconds` through `webUrl`, processed by `workerPids`. */
async function measure(opts: {
  label: string;
  fakeUrl: string;
  webUrl: string;
  webPid: number;
  workerPids: number[];
  fakePid: number;
  prefix: string;
  partitions: number;
  rate: number;
  seconds: number;
  firstChat: number;
}): Promise<Figure[]> {
  const { rate, seconds: runSeconds, workerPids } = opts;
  await fetch(`${opts.fakeUrl}/reset`, { method: "POST" });
  const sentAt = new Map<string, number>();
  const depths: number[] = [];
  let rssWeb = 0;
  let rssWorker = 0;
  const sampler = queueDepthSampler(opts.prefix, opts.partitions);
  const sample = async () => {
    depths.push(await sampler.depth().catch(() => -1));
    rssWeb = Math.max(rssWeb, rssMbOf(opts.webPid));
    rssWorker = Math.max(rssWorker, ...workerPids.map(rssMbOf));
  };
  const pids = [opts.webPid, ...workerPids, opts.fakePid];
  const cpu0 = pids.map(cpuSecondsOf);
  const redisCpu0 = await redisCpuSeconds();
  const t0 = Date.now();
  await drive(opts.webUrl, rate, runSeconds, opts.firstChat, sentAt, sample);
  const loadEnded = Date.now();
  const cpuShare = pids.map((pid, i) => (cpuSecondsOf(pid) - cpu0[i]!) / ((loadEnded - t0) / 1000));
  const redisShare = ((await redisCpuSeconds()) - redisCpu0) / ((loadEnded - t0) / 1000);
  await sampler.close();
  let drainedAt = NaN;
  for (;;) {
    const stats = (await (await fetch(`${opts.fakeUrl}/stats`)).json()) as { first: Record<string, number> };
    const done = Object.keys(stats.first).filter((c) => sentAt.has(c)).length;
    if (done >= sentAt.size) {
      drainedAt = Date.now();
      break;
    }
    if (Date.now() - loadEnded > 60_000) break;
    await sleep(100);
  }
  // CPU spent per update from the first update to the last reply: unlike a share of the load
  // window, it does not depend on how far behind the workers ran (or on other load on the machine).
  const cpuPerUpdateMs = pids.map((pid, i) => ((cpuSecondsOf(pid) - cpu0[i]!) * 1000) / sentAt.size);
  const redisPerUpdateMs = (((await redisCpuSeconds()) - redisCpu0) * 1000) / sentAt.size;
  const stats = (await (await fetch(`${opts.fakeUrl}/stats`)).json()) as {
    first: Record<string, number>;
    sends: number;
  };
  const lat = [...sentAt]
    .map(([c, t]) => (stats.first[c] ?? NaN) - t)
    .filter((x) => Number.isFinite(x))
    .sort((a, b) => a - b);
  const G = `end to end @ ${rate} updates/s for ${runSeconds} s, ${opts.label} (fake Bot API 100 ms)`;
  const figures: Figure[] = [];
  figures.push({ group: G, name: "p50 receipt → reply", value: percentile(lat, 50), unit: "ms" });
  figures.push({
    group: G,
    name: "p95 receipt → reply",
    value: percentile(lat, 95),
    unit: "ms",
    ratio: { to: "one Bot API round trip (100 ms)", value: percentile(lat, 95) / 100 },
  });
  figures.push({ group: G, name: "p99 receipt → reply", value: percentile(lat, 99), unit: "ms" });
  figures.push({ group: G, name: "replied", value: lat.length, unit: `of ${sentAt.size}` });
  figures.push({
    group: G,
    name: "drain after load stops",
    value: Number.isFinite(drainedAt) ? drainedAt - loadEnded : NaN,
    unit: "ms",
  });
  const times = await inboundTimes(opts.prefix, opts.partitions, opts.firstChat);
  figures.push({
    group: G,
    name: "conversation job: queued p95 / processing p95",
    value: times.waitP95,
    unit: "ms",
    note: `processing p95 ${times.runP95} ms (p50: queued ${times.waitP50} ms, processing ${times.runP50} ms; the reply's Bot API call included)`,
  });
  figures.push({
    group: G,
    name: "max queue depth",
    value: Math.max(0, ...depths),
    unit: "jobs",
    note: `per second: ${depths.join(" ")}`,
  });
  figures.push({
    group: G,
    name: "CPU per update: web / worker(s)",
    value: Number(cpuPerUpdateMs[0]!.toFixed(2)),
    unit: "ms",
    note: `worker ${cpuPerUpdateMs
      .slice(1, -1)
      .map((c) => c.toFixed(2))
      .join(
        " + ",
      )} ms, Redis ${redisPerUpdateMs.toFixed(2)} ms, fake Bot API ${cpuPerUpdateMs.at(-1)!.toFixed(2)} ms`,
  });
  figures.push({
    group: G,
    name: "CPU of one core: web / worker(s) / fake API",
    value: Math.round(cpuShare[0]! * 100),
    unit: "%",
    note: `worker ${cpuShare
      .slice(1, -1)
      .map((c) => Math.round(c * 100))
      .join(
        " + ",
      )} %, fake Bot API ${Math.round(cpuShare.at(-1)! * 100)} %, Redis ${Math.round(redisShare * 100)} %, ${(stats.sends / Math.max(1, sentAt.size)).toFixed(2)} sendMessage per update`,
  });
  figures.push({
    group: G,
    name: "RSS web / worker (max)",
    value: Math.round(rssWeb),
    unit: "MB",
    note: `worker ${Math.round(rssWorker)} MB`,
  });
  return figures;
}

export async function benchEndToEnd(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const seconds = Number(process.env.BENCH_E2E_SECONDS ?? 60);
  const rates = (process.env.BENCH_E2E_RATES ?? "50,150,200,800").split(",").filter(Boolean).map(Number);
  // The default `npm start` (role all, WORKERS=auto) at the target rate, for `seconds`.
  const defaultRates = (process.env.BENCH_E2E_DEFAULT_RATES ?? "300").split(",").filter(Boolean).map(Number);
  // Queues sampled for the depth figure: enough partitions for any configuration the bench runs.
  const partitions = Number(process.env.BENCH_INBOUND_PARTITIONS ?? 96);
  const fake = await startChild("fake-platform.ts");
  const env = (db: string, prefix: string) => ({
    ...telegramEnv({ database: db, prefix, apiRoot: fake.url, secret: SECRET }),
    // Telegram's own ~30 messages/s cap would make any load above 30 updates/s a measure of
    // Telegram, not of us; the benchmark lifts it (the default stays 30).
    TELEGRAM_MAX_PER_SECOND: "2000",
    // The defaults users run, unless a run asks for others (BENCH_INBOUND_PARTITIONS,
    // BENCH_OUTBOUND_PARTITIONS, BENCH_DIRECT_REPLIES=false for the two-queue path).
    ...(process.env.BENCH_INBOUND_PARTITIONS
      ? { INBOUND_PARTITIONS: process.env.BENCH_INBOUND_PARTITIONS }
      : {}),
    ...(process.env.BENCH_OUTBOUND_PARTITIONS
      ? { OUTBOUND_PARTITIONS: process.env.BENCH_OUTBOUND_PARTITIONS }
      : {}),
    ...(process.env.BENCH_DIRECT_REPLIES ? { DIRECT_REPLIES: process.env.BENCH_DIRECT_REPLIES } : {}),
  });
  let chat = 1_000_000;
  // Warm-up, as a long-running deployment is: 5 s at 50/s lets V8 optimise the hot paths and the
  // pools open (a cold worker thrown straight into 200/s queues for its first second or two).
  const warm = async (url: string) => {
    await drive(url, 50, 5, chat, new Map(), async () => {});
    chat += 300;
    await sleep(3000);
  };
  try {
    if (rates.length) {
      const db = await scratchDatabase();
      const prefix = `bench${randomBytes(3).toString("hex")}`;
      // Split roles, compiled, as docker-compose.yml runs them: one web, BENCH_WORKERS worker processes.
      const web = await startMain(["--role", "web"], env(db.url, prefix));
      const workers = await Promise.all(
        Array.from({ length: Number(process.env.BENCH_WORKERS ?? 1) }, () =>
          startMain(["--role", "worker"], { ...env(db.url, prefix), NODE_OPTIONS: WORKER_NODE_OPTIONS }),
        ),
      );
      try {
        await warm(web.url);
        for (const rate of rates) {
          const runSeconds = rate === 200 ? seconds : Math.min(seconds, 20);
          const label = `split roles: web + ${workers.length} worker process${workers.length > 1 ? "es" : ""}`;
          figures.push(
            ...(await measure({
              label,
              fakeUrl: fake.url,
              webUrl: web.url,
              webPid: web.proc.pid!,
              workerPids: workers.map((w) => w.proc.pid!),
              fakePid: fake.proc.pid!,
              prefix,
              partitions,
              rate,
              seconds: runSeconds,
              firstChat: chat,
            })),
          );
          chat += rate * runSeconds + 10;
        }
      } finally {
        await Promise.all([web.stop(), ...workers.map((w) => w.stop())]);
        await db.drop();
        await deleteRedisPrefix(prefix);
      }
    }
    if (defaultRates.length) {
      const db = await scratchDatabase();
      const prefix = `bench${randomBytes(3).toString("hex")}`;
      // npm start's default: HTTP in the main process, WORKERS=auto worker child processes.
      const all = await startMain([], { ...env(db.url, prefix), WORKERS: "auto" });
      try {
        await warm(all.url);
        for (const rate of defaultRates) {
          const label = `npm start (role all, ${all.children.length} worker child process${all.children.length > 1 ? "es" : ""})`;
          figures.push(
            ...(await measure({
              label,
              fakeUrl: fake.url,
              webUrl: all.url,
              webPid: all.proc.pid!,
              workerPids: all.children,
              fakePid: fake.proc.pid!,
              prefix,
              partitions,
              rate,
              seconds,
              firstChat: chat,
            })),
          );
          chat += rate * seconds + 10;
        }
      } finally {
        await all.stop();
        await db.drop();
        await deleteRedisPrefix(prefix);
      }
    }
  } finally {
    await fake.stop();
  }
  return figures;
}
