/**
 * Interleaved A/B of the default `npm start` acknowledging webhooks at saturation (issue 17). Each
 * variant is a compiled build at the repository root (`dist`, or a copy of an older build such as
 * `distA`) with optional settings after a colon:
 *
 *   AB_VARIANTS="distA,dist,dist:WORKER_YIELD_CONCURRENCY=0" AB_TRIALS=3 npx tsx bench/ab-saturation.ts
 *
 * Trials alternate the variants, so whatever else the machine does weighs on all of them alike. A
 * trial starts a fresh system (its own scratch database and Redis prefix), warms it at 50/s, runs
 * 300/s for 10 s as the webhook bench does, measures bare express right after (its ceiling, while
 * the worker drains what 300/s left), then floods the variant for 10 s with 40 connections. It
 * prints the ratio of each trial and the CPU each process used during the flood.
 */
import autocannon from "autocannon";
import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  cpuSecondsOf,
  deleteRedisPrefix,
  scratchDatabase,
  startChild,
  startMain,
  telegramEnv,
} from "./harness.js";
import { paced } from "./paced.js";
import { telegramUpdate } from "./webhook.bench.js";

const SECONDS = 10;
const SECRET = "ab-bench-secret";
let seq = Date.now();

async function flood(url: string, secret?: string) {
  const result = await autocannon({
    url,
    connections: 40,
    duration: SECONDS,
    requests: [
      {
        method: "POST",
        path: "/webhooks/telegram",
        headers: {
          "content-type": "application/json",
          ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
        },
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          body: JSON.stringify(telegramUpdate(++seq, (seq % 5000) + 1, "chỉ tiêu cấp xã")),
        }),
      },
    ],
  } as unknown as autocannon.Options);
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const variants = (process.env.AB_VARIANTS ?? "dist").split(",");
const trials = Number(process.env.AB_TRIALS ?? 2);
const redisPid = Number(execSync("pgrep -x redis-server || true").toString().split("\n")[0]) || undefined;
const fake = await startChild("fake-platform.ts");
const bare = await startChild("bare-express.ts");
await flood(bare.url);
const ratios = new Map<string, number[]>(variants.map((v) => [v, []]));
try {
  for (let t = 0; t < trials; t++)
    for (const variant of variants) {
      const [build, settings] = variant.split(":");
      const extra = Object.fromEntries(
        (settings ?? "")
          .split(";")
          .filter(Boolean)
          .map((kv) => kv.split("=") as [string, string]),
      );
      const db = await scratchDatabase();
      const prefix = `ab${randomBytes(3).toString("hex")}`;
      const sys = await startMain(
        [],
        {
          ...telegramEnv({ database: db.url, prefix, apiRoot: fake.url, secret: SECRET }),
          TELEGRAM_MAX_PER_SECOND: "2000",
          WORKERS: "auto",
          ...extra,
        },
        build,
      );
      try {
        const load = {
          url: sys.url,
          path: "/webhooks/telegram",
          headers: { "x-telegram-bot-api-secret-token": SECRET },
          body: () => telegramUpdate(++seq, (seq % 5000) + 1, "chỉ tiêu cấp xã"),
        };
        await paced({ ...load, rate: 50, seconds: 3 });
        const steady = await paced({ ...load, rate: 300, seconds: 10 });
        const ceiling = await flood(bare.url);
        const pids = { main: sys.proc.pid, worker: sys.children[0], redis: redisPid };
        const before = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuSecondsOf(p)]));
        const ours = await flood(sys.url, SECRET);
        const cpu = Object.entries(pids)
          .map(([k, p]) => `${k} ${((cpuSecondsOf(p) - before[k]!) / SECONDS).toFixed(2)}`)
          .join(", ");
        const ratio = ours.rps / ceiling.rps;
        ratios.get(variant)!.push(ratio);
        console.log(
          `${variant} trial ${t + 1}: ${Math.round(ours.rps)}/s against bare ${Math.round(ceiling.rps)}/s = ${ratio.toFixed(2)}×` +
            ` (p99 ${ours.p99} ms, errors ${ours.errors}); 300/s p99 ${steady.p99} ms; CPU cores in the flood: ${cpu}`,
        );
      } finally {
        await sys.stop();
        await db.drop();
        await deleteRedisPrefix(prefix);
      }
    }
} finally {
  await Promise.all([fake.stop(), bare.stop()]);
}
for (const [variant, r] of ratios) console.log(`${variant}: ${r.map((x) => x.toFixed(2)).join(" / ")}`);
process.exit(0);
