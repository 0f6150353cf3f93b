/**
 * Webhook acknowledgement under load (issues 4, 5, 9): our Telegram and Zalo endpoints (dedupe +
 * enqueue into real Redis) against (a) bare express that only parses JSON — the ceiling — and
 * (b) grammY's webhookCallback handling each update inline with a ~100 ms Bot API round trip.
 * Load comes from autocannon with Telegram's default webhook concurrency (40 connections) and a
 * distinct update id per request. The web side runs compiled, as production does: once as a
 * `--role web` process alone, and once as the default `npm start` (role all), whose worker child
 * processes handle every acknowledged update on the same cores while it acknowledges more.
 */
import autocannon from "autocannon";
import { randomBytes } from "node:crypto";
import {
  deleteRedisPrefix,
  scratchDatabase,
  startChild,
  startMain,
  type ChildServer,
  type Figure,
  telegramEnv,
} from "./harness.js";
import { paced } from "./paced.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 40;
const TG_SECRET = "bench-secret-123";
const ZALO_SECRET = "bench-zalo-secret";

let seq = Math.floor(Date.now() / 1000) * 1000;

export function telegramUpdate(id: number, chat: number, text: string) {
  return {
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chat, type: "private", first_name: "Dân" },
      from: { id: chat, is_bot: false, first_name: "Dân", language_code: "vi" },
      text,
    },
  };
}
export function zaloEvent(id: number, chat: number, text: string) {
  const c = `z${chat}`;
  return {
    event_name: "message.text.received",
    message: {
      message_id: `m${id}`,
      date: Date.now(),
      chat: { id: c, chat_type: "PRIVATE" },
      from: { id: c, display_name: "Dân", is_bot: false },
      text,
    },
  };
}

interface Load {
  url: string;
  path: string;
  headers: Record<string, string>;
  body: (id: number) => unknown;
}

async function run(load: Load, opts: { rate?: number; seconds?: number; connections?: number }) {
  const result = await autocannon({
    url: load.url,
    connections: opts.connections ?? CONNECTIONS,
    duration: opts.seconds ?? SECONDS,
    overallRate: opts.rate,
    requests: [
      {
        method: "POST",
        path: load.path,
        headers: { "content-type": "application/json", ...load.headers },
        setupRequest: (req: Record<string, unknown>) => ({ ...req, body: JSON.stringify(load.body(++seq)) }),
      },
    ],
  } as unknown as autocannon.Options);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  };
}

export async function benchWebhooks(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const fake = await startChild("fake-platform.ts");
  const db = await scratchDatabase();
  const prefix = `bench${randomBytes(3).toString("hex")}`;
  const bare = await startChild("bare-express.ts");
  const inline = await startChild("grammy-inline.ts", { BENCH_API_ROOT: fake.url });
  const env = (database: string, keyPrefix: string) => ({
    ...telegramEnv({ database, prefix: keyPrefix, apiRoot: fake.url, secret: TG_SECRET }),
    TELEGRAM_MAX_PER_SECOND: "2000",
    ZALO_BOT_TOKEN: "456:bench",
    ZALO_WEBHOOK_SECRET: ZALO_SECRET,
    ZALO_API_ROOT: fake.url,
  });
  const web = await startMain(["--role", "web"], env(db.url, prefix));
  let all: ChildServer | undefined;
  const dbAll = await scratchDatabase();
  const prefixAll = `bench${randomBytes(3).toString("hex")}`;
  try {
    const tg = (url: string): Load => ({
      url,
      path: "/webhooks/telegram",
      headers: { "x-telegram-bot-api-secret-token": TG_SECRET },
      body: (id) => telegramUpdate(id, (id % 5000) + 1, "chỉ tiêu cấp xã"),
    });
    const zalo: Load = {
      url: web.url,
      path: "/webhooks/zalo",
      headers: { "x-bot-api-secret-token": ZALO_SECRET },
      body: (id) => zaloEvent(id, (id % 5000) + 1, "chi tieu cap xa"),
    };

    // Warm-up so JIT and connection pools are not measured.
    await run(tg(web.url), { seconds: 2 });
    await run(tg(bare.url), { seconds: 2 });

    const ceiling = await run(tg(bare.url), {});
    const ours = await run(tg(web.url), {});
    const oursZalo = await run(zalo, {});
    const grammy = await run(tg(inline.url), {});
    const G = "webhook ack (saturation, 40 conns)";
    figures.push({
      group: G,
      name: "bare express (ceiling)",
      value: ceiling.rps,
      unit: "req/s",
      note: `p99 ${ceiling.p99} ms, errors ${ceiling.errors}`,
    });
    figures.push({
      group: G,
      name: "telegram webhook (ours)",
      value: ours.rps,
      unit: "req/s",
      ratio: { to: "bare express", value: ours.rps / ceiling.rps },
      note: `p50 ${ours.p50} ms, p99 ${ours.p99} ms, errors ${ours.errors}`,
    });
    figures.push({
      group: G,
      name: "zalo webhook (ours)",
      value: oursZalo.rps,
      unit: "req/s",
      ratio: { to: "bare express", value: oursZalo.rps / ceiling.rps },
      note: `p50 ${oursZalo.p50} ms, p99 ${oursZalo.p99} ms, errors ${oursZalo.errors}`,
    });
    figures.push({
      group: G,
      name: "grammY webhookCallback inline",
      value: grammy.rps,
      unit: "req/s",
      ratio: { to: "bare express", value: grammy.rps / ceiling.rps },
      note: `p99 ${grammy.p99} ms; ours is ${(ours.rps / grammy.rps).toFixed(1)}× this`,
    });

    const S = "webhook ack latency at a steady rate (open loop, evenly paced)";
    const steady = (load: Load, rate: number, seconds: number) =>
      paced({ ...load, body: (i) => load.body(++seq + i * 0), rate, seconds });
    for (const rate of [50, 200, 300, 800]) {
      const tgr = await steady(tg(web.url), rate, Math.min(SECONDS, 10));
      const bar = await steady(tg(bare.url), rate, Math.min(SECONDS, 10));
      figures.push({
        group: S,
        name: `telegram p99 @ ${rate}/s`,
        value: tgr.p99,
        unit: "ms",
        ratio: { to: "bare express p99", value: bar.p99 ? tgr.p99 / bar.p99 : NaN },
        note: `p50 ${tgr.p50} ms, max ${tgr.max} ms, errors ${tgr.errors}; bare p50 ${bar.p50} ms, p99 ${bar.p99} ms`,
      });
      if (rate === 300) {
        const z = await steady(zalo, rate, Math.min(SECONDS, 10));
        figures.push({
          group: S,
          name: `zalo p99 @ ${rate}/s`,
          value: z.p99,
          unit: "ms",
          ratio: { to: "bare express p99", value: bar.p99 ? z.p99 / bar.p99 : NaN },
          note: `p50 ${z.p50} ms, max ${z.max} ms, errors ${z.errors}`,
        });
      }
    }
    figures.push({
      group: "memory",
      name: "web process RSS after webhook load",
      value: web.rssMb(),
      unit: "MB",
    });
    await web.stop();

    // The default `npm start`: steady rate first, on a fresh system whose workers keep up; the
    // saturation flood last (it leaves the workers a backlog that would colour anything after it).
    all = await startMain([], { ...env(dbAll.url, prefixAll), WORKERS: "auto" });
    const D = `npm start (role all, ${all.children.length} worker child process${all.children.length > 1 ? "es" : ""} running)`;
    await steady(tg(all.url), 50, 3);
    const allSteady = await steady(tg(all.url), 300, Math.min(SECONDS, 10));
    const barSteady = await steady(tg(bare.url), 300, Math.min(SECONDS, 10));
    figures.push({
      group: D,
      name: "telegram p99 @ 300/s",
      value: allSteady.p99,
      unit: "ms",
      ratio: { to: "bare express p99", value: barSteady.p99 ? allSteady.p99 / barSteady.p99 : NaN },
      note: `p50 ${allSteady.p50} ms, max ${allSteady.max} ms, errors ${allSteady.errors}; target < 20 ms`,
    });
    const ceilingNow = await run(tg(bare.url), {});
    const allSat = await run(tg(all.url), {});
    figures.push({
      group: D,
      name: "telegram webhook ack at saturation",
      value: allSat.rps,
      unit: "req/s",
      ratio: { to: "bare express", value: allSat.rps / ceilingNow.rps },
      note: `p50 ${allSat.p50} ms, p99 ${allSat.p99} ms, errors ${allSat.errors}; bare express ${Math.round(ceilingNow.rps)} req/s just before; target ≥ 0.5×`,
    });
    figures.push({ group: D, name: "RSS main (HTTP) process after load", value: all.rssMb(), unit: "MB" });
  } finally {
    await Promise.all([bare.stop(), inline.stop(), web.stop(), fake.stop(), all?.stop()]);
    await db.drop();
    await dbAll.drop();
    await deleteRedisPrefix(prefix);
    await deleteRedisPrefix(prefixAll);
  }
  return figures;
}
