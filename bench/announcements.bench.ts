/**
 * Announcements (issue 19): BENCH_ANN_RECIPIENTS (default 20,000) subscribers, a fake platform that
 * enforces BENCH_PLATFORM_RATE (default 1,000) messages/s with 429s beyond it, in two topologies:
 * the split roles with two broadcast processes (one SIGKILLed when 40 % are sent, a fresh one
 * taking its place) and the default `npm start` (one of its two broadcast children SIGKILLed at
 * 40 % and restarted by the worker pool). Both compiled, as production runs them. Measured: time to the
 * last delivery against the ideal (recipients / rate), duplicates and gaps at the platform, the
 * recipients reported uncertain, and the p95 reply latency of other users chatting at
 * BENCH_ANN_CHAT_RATE (default 20) messages/s meanwhile, against the same traffic without a broadcast.
 */
import { randomBytes } from "node:crypto";
import { getPriority, setPriority } from "node:os";
import { createDb } from "../src/db/client.js";
import { announcementProgress, createAnnouncement } from "../src/announcements/index.js";
import {
  deleteRedisPrefix,
  percentile,
  scratchDatabase,
  sleep,
  inboundTimes,
  startChild,
  startMain,
  type ChildServer,
  type Figure,
  telegramEnv,
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

/** A running system under test: where chats are posted, and how the sender is killed and replaced. */
interface Topology {
  label: string;
  web: ChildServer;
  /** SIGKILLs the process sending the broadcast; resolves once a replacement is sending. */
  killSender(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The split roles of a scaled deployment (docker-compose.yml): one web, one worker that sends no
 * announcements, two broadcast processes at BROADCAST_NICE; one broadcaster is SIGKILLed and a
 * fresh one started, as an orchestrator would.
 */
async function splitRoles(env: Record<string, string>): Promise<Topology> {
  const nice = (proc: ChildServer) => {
    setPriority(proc.proc.pid!, Math.min(19, getPriority() + BROADCAST_NICE));
    return proc;
  };
  const web = await startMain(["--role", "web"], env);
  const worker = await startMain(["--role", "worker"], { ...env, WORKERS_SEND_ANNOUNCEMENTS: "false" });
  const senders = [
    nice(await startMain(["--role", "broadcast"], env)),
    nice(await startMain(["--role", "broadcast"], env)),
  ];
  return {
    label: "split roles: web + worker + 2 broadcast processes",
    web,
    async killSender() {
      senders[0]!.proc.kill("SIGKILL");
      senders.push(nice(await startMain(["--role", "broadcast"], env)));
    },
    async stop() {
      for (const p of [...senders, worker, web]) await p.stop();
    },
  };
}

/** The default `npm start`: one of its broadcast children is SIGKILLed and the worker pool restarts it. */
async function npmStart(env: Record<string, string>): Promise<Topology> {
  const all = await startMain([], { ...env, WORKERS: "auto" });
  return {
    label: `npm start (main + worker child + ${all.broadcasters.length} broadcast children)`,
    web: all,
    async killSender() {
      process.kill(all.broadcasters[0]!, "SIGKILL");
    },
    stop: () => all.stop(),
  };
}

const BROADCAST_NICE = Number(process.env.BENCH_BROADCAST_NICE ?? 19);

export async function benchAnnouncements(): Promise<Figure[]> {
  return [...(await scenario(splitRoles)), ...(await scenario(npmStart))];
}

/**
 * One broadcast to BENCH_ANN_RECIPIENTS subscribers on a fresh fake platform, database and Redis
 * prefix, with other users chatting before (baseline) and during it, the sender SIGKILLed at 40 %.
 */
async function scenario(topology: (env: Record<string, string>) => Promise<Topology>): Promise<Figure[]> {
  const recipients = Number(process.env.BENCH_ANN_RECIPIENTS ?? 20_000);
  const rate = Number(process.env.BENCH_PLATFORM_RATE ?? 1_000);
  const chatRate = Number(process.env.BENCH_ANN_CHAT_RATE ?? 20);
  const ideal = recipients / rate;
  const fake = await startChild("limited-platform.ts", { BENCH_PLATFORM_RATE: String(rate) });
  const scratch = await scratchDatabase();
  const prefix = `bench${randomBytes(3).toString("hex")}`;
  const env = {
    ...telegramEnv({ database: scratch.url, prefix, apiRoot: fake.url, secret: SECRET }),
    TELEGRAM_MAX_PER_SECOND: String(rate),
    BROADCAST_NICE: String(BROADCAST_NICE),
  };
  const system = await topology(env);
  const { web } = system;
  const G = `announcements: ${system.label}`;
  const db = createDb(scratch.url);
  const figures: Figure[] = [];
  try {
    await db.$executeRawUnsafe(
      `with p as (insert into "Person" (id, channel, "externalId", "chatId", "updatedAt") select gen_random_uuid(), 'telegram', (50000000 + i)::text, (50000000 + i)::text, now() from generate_series(1, $1) i returning id)
       insert into "Subscription" ("personId", topics, source, "subscribedAt", "updatedAt") select id, array['movement'], 'chat', now(), now() from p`,
      recipients,
    );
    // Baseline: the same chat traffic without a broadcast (after a warm-up of the same size).
    await chat(web, fake, chatRate, 4, 500_000);
    const quiet = await chat(web, fake, chatRate, 8, 1_000_000);
    // Control: the platform's side of a broadcast (the fake serving ~950 calls/s on these 2 cores,
    // from a lean load process) without the bot's broadcaster: what the bench itself costs the chat.
    const load = await startChild("platform-load.ts", {
      BENCH_LOAD_URL: fake.url,
      BENCH_LOAD_RATE: String(Math.round(rate * 0.95)),
      BENCH_LOAD_SECONDS: "9",
    });
    const control = await chat(web, fake, chatRate, 8, 1_500_000);
    await load.stop();

    const t0 = Date.now();
    const { id } = await createAnnouncement(
      db,
      { text: "Tin phong trào #broadcast", topics: ["movement"], channels: ["telegram"] },
      "bench",
    );
    const busy = chat(web, fake, chatRate, Math.max(5, Math.floor(ideal * 0.8)), 2_000_000);
    // SIGKILL the sender once 40 % are out.
    let killedAt = 0;
    while (!killedAt) {
      const s = await stats(fake);
      if (s.broadcastChats >= recipients * 0.4) {
        killedAt = s.broadcastChats;
        await system.killSender();
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
    const trace = await inboundTimes(prefix, 96, 2_000_000);
    const received = new Set(s.received);
    const gap = recipients - received.size;
    figures.push(
      {
        group: G,
        name: `${recipients} recipients at ${rate}/s`,
        value: elapsed,
        unit: "s",
        ratio: { to: `ideal ${ideal} s`, value: elapsed / ideal },
        note: `sender SIGKILLed after ${killedAt}`,
      },
      { group: G, name: "duplicates at the platform", value: s.duplicates, unit: "chats" },
      {
        group: G,
        name: "not received (gap)",
        value: gap,
        unit: "chats",
        note: `reported uncertain: ${p.uncertain}`,
      },
      { group: G, name: "429s from the platform", value: s.rejected, unit: "" },
      {
        group: G,
        name: `chat p95 at ${chatRate}/s during broadcast`,
        value: during.p95,
        unit: "ms",
        ratio: { to: "without broadcast", value: during.p95 / quiet.p95 },
        note: `p50 ${during.p50} ms, n=${during.count}; queued p95 ${trace.waitP95} ms, processing p95 ${trace.runP95} ms`,
      },
      {
        group: G,
        name: `chat p95 at ${chatRate}/s during broadcast, against the platform load alone`,
        value: during.p95,
        unit: "ms",
        ratio: { to: "platform load without the bot's broadcast", value: during.p95 / control.p95 },
        note: `control: ${Math.round(rate * 0.95)} calls/s to the fake from a lean process, chat p95 ${control.p95} ms, p50 ${control.p50} ms: what the bot's own broadcaster adds`,
      },
      {
        group: G,
        name: `chat p95 at ${chatRate}/s, no broadcast`,
        value: quiet.p95,
        unit: "ms",
        note: `p50 ${quiet.p50} ms, n=${quiet.count}`,
      },
    );
  } finally {
    await db.$disconnect();
    await system.stop();
    await fake.stop();
    await scratch.drop();
    await deleteRedisPrefix(prefix);
  }
  return figures;
}
