/**
 * Benchmark plumbing: servers run in child processes (so the load generator does not share their
 * event loop), a scratch database per run, and a figure type the runner prints as a table.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";

export interface Figure {
  group: string;
  name: string;
  value: number;
  unit: string;
  /** The figure divided by the named baseline measured in the same run. */
  ratio?: { to: string; value: number };
  note?: string;
}

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const ADMIN_DB_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.DATABASE_URL ??
  "postgresql://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * The settings every measured system starts with: its scratch database, its own Redis prefix, and a
 * Telegram bot whose Bot API is the bench's fake platform.
 */
export function telegramEnv(opts: { database: string; prefix: string; apiRoot: string; secret: string }) {
  return {
    DATABASE_URL: opts.database,
    REDIS_URL,
    REDIS_PREFIX: opts.prefix,
    TELEGRAM_BOT_TOKEN: "123:bench",
    TELEGRAM_WEBHOOK_SECRET: opts.secret,
    TELEGRAM_API_ROOT: opts.apiRoot,
  };
}

export interface ChildServer {
  port: number;
  url: string;
  proc: ChildProcess;
  /** Extra words after READY <port> (e.g. start-up ms). */
  extra: string[];
  rssMb(): number;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  /** Worker child processes it forked (npm start, role all), by pid. */
  children: number[];
  /** Its broadcast children (npm start, role all), which send announcements at a lower CPU priority. */
  broadcasters: number[];
  stop(): Promise<void>;
}

/** Resident memory of one process, in MB (0 once it is gone). */
export function rssMbOf(pid: number | undefined): number {
  try {
    const kb = Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) one process has used so far. */
export function cpuSecondsOf(pid: number | undefined): number {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name) are utime and stime in ticks.
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * The service as production runs it: compiled dist/main.js (built first if stale, as `npm start`
 * does), on a free port, ready when its "ready"/"worker ready" log line appears and, for role all,
 * when each worker child process reported ready.
 */
export async function startMain(
  args: string[],
  env: Record<string, string> = {},
  /** Another compiled build to run instead of dist/ (a folder at the repository root), for A/B runs. */
  build = "dist",
): Promise<ChildServer> {
  const { ensureBuilt } = (await import(`${ROOT}tools/build.mjs`)) as { ensureBuilt(): void };
  if (build === "dist") ensureBuilt();
  const prof = process.env.BENCH_PROFILE_DIR
    ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE_DIR]
    : [];
  // The node flags and malloc setting of `npm start` (package.json) and the Dockerfile.
  const extra = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const proc = spawn(
    process.execPath,
    [
      ...prof,
      ...extra,
      "--max-semi-space-size=4",
      "--single-threaded-gc",
      "--expose-gc",
      `${ROOT}${build}/main.js`,
      ...args,
    ],
    {
      cwd: ROOT,
      env: { MALLOC_ARENA_MAX: "2", ...process.env, PORT: "0", ...env, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const children: number[] = [];
  const broadcasters: number[] = [];
  // Role all forks WORKERS children (auto: cores − 1, at least 1) and one broadcast child; the
  // split roles fork none.
  const role = args[args.indexOf("--role") + 1] ?? "all";
  const setting = env.WORKERS ?? "auto";
  const expectedBroadcasters = Number(env.BROADCAST_CHILDREN ?? 2);
  const expectedChildren =
    args.includes("--role") && role !== "all"
      ? 0
      : setting === "auto"
        ? Math.max(1, availableParallelism() - 1)
        : Number(setting);
  const url = await new Promise<string>((resolve, reject) => {
    let buf = "";
    let ready: string | undefined;
    const timer = setTimeout(
      () => reject(new Error(`dist/main.js ${args.join(" ")} did not start in 60 s`)),
      60_000,
    );
    proc.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const l of lines) {
        if (!l.startsWith("{")) continue;
        const log = JSON.parse(l) as {
          msg: string;
          url?: string;
          childPid?: number;
          kind?: string;
          level: number;
        };
        if (log.level >= 50) process.stderr.write(`${l}\n`);
        if (log.msg === "worker process ready" && log.childPid) {
          if (log.kind === "broadcast") broadcasters.push(log.childPid);
          else children.push(log.childPid);
        }
        // Worker children log "worker ready" with their own (health) URL: only this process's line counts.
        if (
          log.url &&
          (role === "worker" || role === "broadcast"
            ? log.msg === `${role} ready`
            : log.msg.startsWith("ready:"))
        )
          ready = log.url;
      }
      if (
        ready &&
        children.length >= expectedChildren &&
        broadcasters.length >= (expectedChildren === 0 ? 0 : expectedBroadcasters)
      ) {
        clearTimeout(timer);
        // Keep draining stdout so the process never blocks on a full pipe.
        proc.stdout!.removeAllListeners("data").resume();
        resolve(ready);
      }
    });
    proc.once("exit", (code) => reject(new Error(`dist/main.js exited with ${code}`)));
  });
  return {
    port: Number(new URL(url).port),
    url,
    proc,
    extra: [],
    children,
    broadcasters,
    rssMb: () => rssMbOf(proc.pid),
    cpuSeconds: () =>
      [proc.pid!, ...children, ...broadcasters].reduce((n, pid) => n + (cpuSecondsOf(pid) || 0), 0),
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (proc.exitCode === null) proc.kill("SIGKILL");
    },
  };
}

/** Starts `bench/servers/<script>` under tsx and waits for its `READY <port>` line. */
export async function startChild(
  script: string,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<ChildServer> {
  // BENCH_PROFILE_DIR=dir writes a V8 CPU profile of every server process (for finding hot spots).
  const prof = process.env.BENCH_PROFILE_DIR
    ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE_DIR]
    : [];
  const proc = spawn(
    process.execPath,
    [...prof, "--import", "tsx", `${ROOT}bench/servers/${script}`, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 60 s`)), 60_000);
    proc.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = buf.match(/READY [^\n]*/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    proc.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  const [, port, ...extra] = line.trim().split(/\s+/);
  return {
    port: Number(port),
    url: `http://127.0.0.1:${port}`,
    proc,
    extra,
    children: [],
    broadcasters: [],
    rssMb: () => rssMbOf(proc.pid),
    cpuSeconds: () => cpuSecondsOf(proc.pid),
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (proc.exitCode === null) proc.kill("SIGKILL");
    },
  };
}

/** A fresh database on the benchmark's PostgreSQL server, dropped by `drop()`. */
export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cds_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_DB_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const u = new URL(ADMIN_DB_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: ADMIN_DB_URL });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`).catch(() => {});
      await a.end();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Removes every Redis key a benchmark run created under its prefix. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const { Redis } = await import("ioredis");
  const r = new Redis(REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await r.unlink(...keys);
  } while (cursor !== "0");
  r.disconnect();
}

/**
 * Where conversation jobs spent their time, from BullMQ's own timestamps: waiting in the inbound
 * queue (added → started) and being processed (started → finished, reply sent included), p50 and
 * p95 over the completed jobs of chats from `firstChat` on.
 */
export async function inboundTimes(prefix: string, partitions: number, firstChat: number) {
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
  return {
    waitP50: percentile(wait, 50),
    waitP95: percentile(wait, 95),
    runP50: percentile(run, 50),
    runP95: percentile(run, 95),
  };
}
