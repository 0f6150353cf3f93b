/**
 * Idle memory per process (issue 17's target: under 150 MB each): the default `npm start` (main
 * HTTP process + WORKERS=auto worker children) and the split roles, compiled, each given 10 s after
 * start-up to settle, with Telegram and Zalo enabled (their clients and routes loaded).
 */
import { randomBytes } from "node:crypto";
import {
  REDIS_URL,
  deleteRedisPrefix,
  rssMbOf,
  scratchDatabase,
  sleep,
  startMain,
  type Figure,
} from "./harness.js";

const SETTLE_MS = Number(process.env.BENCH_IDLE_SETTLE_MS ?? 10_000);

export async function benchIdle(): Promise<Figure[]> {
  const G = "idle RSS per process (compiled, 10 s after start-up)";
  const db = await scratchDatabase();
  const prefix = `bench${randomBytes(3).toString("hex")}`;
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    TELEGRAM_BOT_TOKEN: "123:bench",
    TELEGRAM_WEBHOOK_SECRET: "bench-secret-123",
    TELEGRAM_API_ROOT: "http://127.0.0.1:9",
    ZALO_BOT_TOKEN: "456:bench",
    ZALO_WEBHOOK_SECRET: "bench-zalo-secret",
    ZALO_API_ROOT: "http://127.0.0.1:9",
  };
  const figures: Figure[] = [];
  try {
    const all = await startMain([], { ...env, WORKERS: "auto" });
    try {
      await sleep(SETTLE_MS);
      figures.push({
        group: G,
        name: "npm start: main (HTTP) process",
        value: all.rssMb(),
        unit: "MB",
        note: "target < 150 MB",
      });
      for (const [kind, pids] of [
        ["worker", all.children],
        ["broadcast", all.broadcasters],
      ] as const)
        pids.forEach((pid, i) =>
          figures.push({
            group: G,
            name: `npm start: ${kind} child ${i + 1}`,
            value: rssMbOf(pid),
            unit: "MB",
            note: "target < 150 MB",
          }),
        );
    } finally {
      await all.stop();
    }
    const web = await startMain(["--role", "web"], env);
    const worker = await startMain(["--role", "worker"], env);
    try {
      await sleep(SETTLE_MS);
      figures.push({ group: G, name: "--role web", value: web.rssMb(), unit: "MB" });
      figures.push({ group: G, name: "--role worker", value: worker.rssMb(), unit: "MB" });
    } finally {
      await Promise.all([web.stop(), worker.stop()]);
    }
  } finally {
    await db.drop();
    await deleteRedisPrefix(prefix);
  }
  return figures;
}
