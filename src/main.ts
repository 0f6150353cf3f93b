/**
 * Entry point: the only place that reads the environment. Parses the config (refusing to start
 * with a readable list of problems), starts the system for the chosen role and shuts it down
 * exactly once on SIGINT/SIGTERM. Role `all` with WORKERS ≠ 0 serves HTTP here and runs the
 * workers in child processes (this same file, `--role worker`, see src/system/worker-pool.ts),
 * plus BROADCAST_CHILDREN `--role broadcast` children at a lower CPU priority that send announcements.
 */
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import { type Config, ConfigError, parseConfig } from "./config/schema.js";
import { createLogger } from "./logging/logger.js";
import { createMetrics } from "./metrics/metrics.js";
import { RedisUnavailableError } from "./redis/embedded.js";
import { startSystem, type System } from "./system/start.js";
import { watchEventLoopSaturation } from "./system/http-pressure.js";
import { superviseFromParent, WorkerPool, workerCount } from "./system/worker-pool.js";

/** Forked by a WorkerPool: an IPC channel to the parent and a slot number (not merely any IPC, as under pm2). */
const workerIndex = process.env.CDS_WORKER_INDEX;
const supervised = typeof process.send === "function" && workerIndex !== undefined;

/**
 * The embedded PostgreSQL/Redis a killed parent left running (it passes their pids to its worker
 * children): stopped with SIGINT, PostgreSQL's fast shutdown; both ignore repeats.
 */
function stopParentsEmbeddedServices(): void {
  for (const pid of (process.env.CDS_REAP_PIDS ?? "").split(",").filter(Boolean).map(Number)) {
    try {
      process.kill(pid, "SIGINT");
    } catch {
      // already gone
    }
  }
}

/**
 * While the HTTP process is saturated (see http-pressure.ts), each worker child runs at most
 * WORKER_YIELD_CONCURRENCY conversation jobs at once (default 4), for a second after every
 * saturated quarter second. A handful rather than none: conversations keep moving through a flood,
 * at a pace that leaves the acknowledgements most of the CPU (and a flood that never ends gets
 * full-pace rests).
 */
const YIELD_MS = 1_000;

/**
 * Start-up leaves ~20 MB of garbage behind (flows and knowledge parsed, the WebAssembly query
 * compiler loaded, migrations checked), and an idle process never runs the full collection that
 * would free it: measured on a worker, RSS 156 → 147 MB and heap in use 75 → 55 MB after one.
 * So one full collection runs once ready and once more after the first scheduled work (leaderboard
 * snapshot, first queries) settled. `gc` exists only with --expose-gc, which `npm start` and the
 * Dockerfile pass; elsewhere this does nothing.
 */
function releaseStartupGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  setTimeout(gc, 5_000).unref();
}

async function main(): Promise<void> {
  // A worker child whose parent dies while it is still starting has taken no job yet: it leaves at
  // once rather than finishing a start-up nobody needs (the graceful path takes over once ready).
  let ready = false;
  if (supervised) {
    process.once("disconnect", () => {
      if (ready) return;
      stopParentsEmbeddedServices();
      process.exit(0);
    });
  }
  let config: Config;
  try {
    config = parseConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel }).child(
    supervised ? { worker: Number(workerIndex) } : {},
  );
  const startedAt = performance.now();
  const workers = config.role === "all" ? workerCount(config.workers) : 0;
  // With worker children this process is the web side; they are the workers.
  const ownConfig = workers > 0 ? { ...config, role: "web" as const } : config;
  // The Prisma client compiles its WebAssembly query compiler on the first query; optimised
  // (TurboFan) code for it costs ~65 MB of RSS per process. Baseline (Liftoff) code is kept in every
  // role: the query compiler takes under 1 % of a worker's CPU under load (CPU profile of
  // `npm run bench`, e2e group), so the optimising tier bought memory, not throughput.
  v8.setFlagsFromString("--liftoff-only");
  const metrics = createMetrics({
    process: !supervised
      ? ownConfig.role
      : config.role === "broadcast"
        ? `broadcast-${workerIndex}`
        : `worker-${workerIndex}`,
  });
  let system: System;
  try {
    system = await startSystem(ownConfig, { logger, metrics });
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      process.stderr.write(`\n${err.message}\n\n`);
      process.exit(3);
    }
    logger.fatal({ err: err instanceof Error ? err.message : String(err) }, "start-up failed");
    process.exit(1);
  }

  const pools: WorkerPool[] = [];
  if (workers > 0) {
    // Children use the PostgreSQL and Redis this process resolved (embedded ones included) and
    // never run migrations again; their HTTP side only answers health probes, on a free port.
    const childEnv = {
      ...process.env,
      DATABASE_URL: system.databaseUrl,
      REDIS_URL: system.redisUrl,
      PORT: "0",
      METRICS_PORT: "",
      CDS_REAP_PIDS: system.embeddedPids.join(","),
    };
    const entry = fileURLToPath(import.meta.url);
    const broadcasters = config.broadcastChildren;
    // Garbage collection on the main thread only (--single-threaded-gc) serves this process's webhook
    // latency; in a worker it leaves the heap to grow under load (peak RSS at 300 updates/s 175 → ~300
    // MB, measured with `BENCH_ONLY=e2e`) and changes no reply's latency, so the children collect in
    // parallel as node does by default.
    const execArgv = process.execArgv.filter((a) => a !== "--single-threaded-gc");
    pools.push(
      new WorkerPool({
        size: workers,
        entry,
        args: ["--role", "worker"],
        execArgv,
        // Announcements go out from the broadcast children below, not beside the conversations.
        env: broadcasters > 0 ? { ...childEnv, WORKERS_SEND_ANNOUNCEMENTS: "false" } : childEnv,
        nice: config.workerNice,
        logger,
      }),
    );
    // Broadcasters at a lower CPU priority: a running announcement takes only the CPU the
    // conversations leave (see BROADCAST_NICE). Their slot numbers follow the workers'.
    if (broadcasters > 0)
      pools.push(
        new WorkerPool({
          size: broadcasters,
          firstIndex: workers + 1,
          kind: "broadcast",
          entry,
          args: ["--role", "broadcast"],
          execArgv,
          env: childEnv,
          nice: config.broadcastNice,
          logger,
        }),
      );
    for (const pool of pools) system.metrics.addSource(() => pool.collectMetrics());
    await Promise.all(pools.map((pool) => pool.start()));
    const workerPool = pools[0]!;
    if (config.workerYieldConcurrency > 0)
      watchEventLoopSaturation({
        inFlight: system.webhooksInFlight,
        onSaturated: ({ utilization, entered }) => {
          workerPool.askToYield(YIELD_MS);
          if (entered)
            logger.info(
              { utilization: Math.round(utilization * 100) / 100 },
              "HTTP side saturated: worker children run fewer conversation jobs until it is not",
            );
        },
        onRelieved: ({ ms, reason }) =>
          logger.info(
            { ms },
            reason === "resting"
              ? "HTTP side still saturated: worker children back to full pace for a while"
              : "HTTP side no longer saturated",
          ),
      });
  }
  const url = system.url?.replace("127.0.0.1", "localhost");
  logger.info(
    { role: config.role, workers, url: system.url, ms: Math.round(performance.now() - startedAt) },
    config.role === "worker" || config.role === "broadcast"
      ? `${config.role} ready`
      : `ready: web chat at ${url}/ and admin at /admin`,
  );

  releaseStartupGarbage();

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    // Workers first (they finish their jobs while PostgreSQL and Redis are still here), then the rest.
    Promise.all(pools.map((pool) => pool.stop()))
      .then(() => system.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  if (supervised) {
    // A terminal's Ctrl-C reaches the whole process group: the parent decides when children stop
    // (it sends SIGTERM after closing its HTTP side), so SIGINT is not a child's cue.
    process.on("SIGINT", () => {});
    ready = true;
    superviseFromParent({
      snapshot: () => system.metrics.snapshot(),
      onYield: (ms) => system.inbound.queue.limitConcurrency(config.workerYieldConcurrency, ms),
      onParentGone: () => {
        if (shuttingDown) return;
        shutdown("parent exited");
        // The parent was killed before it could stop its embedded PostgreSQL/Redis: stop them too,
        // once our own jobs are done.
        process.once("exit", stopParentsEmbeddedServices);
      },
    });
  } else {
    process.on("SIGINT", () => shutdown("SIGINT"));
  }
  // If whatever started us (npm, a shell, a supervisor) dies without passing the signal on, we
  // are re-parented: shut down rather than leave an orphaned bot and embedded PostgreSQL behind.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown("parent exited");
  }, 1_000).unref();
}

void main();
