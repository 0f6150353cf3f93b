/**
 * Role `all` on several cores: the main process serves HTTP (webhooks stay fast on an event loop
 * of their own) and forks worker child processes that run the conversation engine and the
 * queues. A child that crashes is restarted with backoff; stop() stops each child exactly once;
 * and a child whose parent disappears (even SIGKILLed) stops itself, because its IPC channel
 * closes (see superviseFromParent). Children report their metrics to the parent over the same
 * channel, so one /metrics shows every process.
 */
import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism, getPriority, setPriority } from "node:os";
import type { Logger } from "pino";
import type { MetricsSnapshot } from "../metrics/metrics.js";

/** Messages on the IPC channel between the parent and a worker child. */
type ToChild = { type: "metrics"; id: number } | { type: "yield"; ms: number };
type FromChild = { type: "ready" } | { type: "metrics"; id: number; snapshot: MetricsSnapshot };

export interface WorkerPoolOptions {
  /** How many children; see workerCount. */
  size: number;
  /** The module to fork (the entry point itself: dist/main.js, or src/main.ts under tsx). */
  entry: string;
  /** Arguments of each child, e.g. ["--role", "worker"]. */
  args: string[];
  /** The children's environment (the parent resolved DATABASE_URL and REDIS_URL into it). */
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Slot number of the first child (CDS_WORKER_INDEX; default 1), so that two pools never share one. */
  firstIndex?: number;
  /** What the children are, in log lines (default "worker"). */
  kind?: "worker" | "broadcast";
  /** Niceness added to each child (0 = the parent's priority); see WORKER_NICE and BROADCAST_NICE. */
  nice?: number;
  /**
   * Restart delays of a crash loop: first, doubling up to max. A child that had run resetAfterMs
   * was healthy: it comes back at once (its partitions, or a running broadcast, are waiting) and
   * the delays start over.
   */
  backoff?: { initialMs: number; maxMs: number; resetAfterMs: number };
  /** How long a child may take to finish its jobs after SIGTERM before it is killed. */
  stopTimeoutMs?: number;
  /** Node flags of each child; by default the parent's (process.execArgv). */
  execArgv?: string[];
}

/** WORKERS=auto → cores − 1, at least 1 (the main process keeps a core for HTTP); a number as is. */
export function workerCount(setting: "auto" | number, cores = availableParallelism()): number {
  return setting === "auto" ? Math.max(1, cores - 1) : setting;
}

interface Slot {
  index: number;
  child?: ChildProcess;
  startedAt: number;
  failures: number;
  restartTimer?: NodeJS.Timeout;
}

/**
 * @example
 * const pool = new WorkerPool({ size: 1, entry: fileURLToPath(import.meta.url), args: ["--role", "worker"], env, logger });
 * await pool.start();
 * // … on shutdown:
 * await pool.stop();
 */
export class WorkerPool {
  private readonly slots: Slot[];
  private stopping?: Promise<void>;
  private nextRequest = 0;
  private readonly backoff: Required<WorkerPoolOptions>["backoff"];
  private readonly kind: NonNullable<WorkerPoolOptions["kind"]>;

  constructor(private readonly opts: WorkerPoolOptions) {
    const first = opts.firstIndex ?? 1;
    this.slots = Array.from({ length: opts.size }, (_, i) => ({
      index: first + i,
      startedAt: 0,
      failures: 0,
    }));
    this.backoff = opts.backoff ?? { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 10_000 };
    this.kind = opts.kind ?? "worker";
  }

  /** Forks every child and resolves when each has reported ready (or exited trying). */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.spawn(slot)));
  }

  /** Process ids of the children running now. */
  pids(): number[] {
    return this.slots.flatMap((s) => (s.child?.pid && s.child.exitCode === null ? [s.child.pid] : []));
  }

  /** Each live child's metrics (a child that does not answer within a second is left out). */
  async collectMetrics(): Promise<MetricsSnapshot[]> {
    const live = this.slots.flatMap((s) => (s.child?.connected ? [s.child] : []));
    const answers = await Promise.all(live.map((child) => this.request(child)));
    return answers.filter((a): a is MetricsSnapshot => a !== undefined);
  }

  /**
   * Asks every live child to run fewer conversation jobs for the next `ms` (see http-pressure.ts);
   * a child that misses it simply keeps its pace. Repeated while the parent stays saturated.
   */
  askToYield(ms: number): void {
    const msg: ToChild = { type: "yield", ms };
    for (const slot of this.slots) {
      if (!slot.child?.connected) continue;
      try {
        slot.child.send(msg, () => {});
      } catch {
        // The child is going away; its restart starts at full pace.
      }
    }
  }

  /** SIGTERM to every child once, then wait for all (SIGKILL after stopTimeoutMs). No restarts after. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const slot of this.slots) clearTimeout(slot.restartTimer);
      await Promise.all(
        this.slots.map(async (slot) => {
          const child = slot.child;
          if (!child || child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
          child.kill("SIGTERM");
          const timer = setTimeout(() => {
            this.opts.logger.warn(
              { worker: slot.index, childPid: child.pid },
              "worker process did not stop in time; killing it",
            );
            child.kill("SIGKILL");
          }, this.opts.stopTimeoutMs ?? 30_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    })();
    return this.stopping;
  }

  private spawn(slot: Slot): Promise<void> {
    const { logger } = this.opts;
    // execArgv is inherited: under tsx (npm run dev, tests) the child loads TypeScript the same way.
    const child = fork(this.opts.entry, this.opts.args, {
      ...(this.opts.execArgv ? { execArgv: this.opts.execArgv } : {}),
      env: { ...this.opts.env, CDS_WORKER_INDEX: String(slot.index) },
      stdio: "inherit",
    });
    slot.child = child;
    slot.startedAt = Date.now();
    if (this.opts.nice && child.pid) {
      // Lowering a process's own priority needs no privilege; where the OS refuses, the child simply
      // runs at the parent's priority.
      try {
        setPriority(child.pid, Math.min(19, getPriority() + this.opts.nice));
      } catch (err) {
        logger.warn({ worker: slot.index, err: String(err) }, "could not lower the worker's CPU priority");
      }
    }
    logger.info({ worker: slot.index, kind: this.kind, childPid: child.pid }, "worker process started");
    const ready = new Promise<void>((resolve) => {
      child.on("message", (msg: FromChild) => {
        if (msg?.type === "ready") {
          logger.info({ worker: slot.index, kind: this.kind, childPid: child.pid }, "worker process ready");
          resolve();
        }
      });
      child.once("exit", () => resolve());
    });
    child.once("exit", (code, signal) => {
      if (this.stopping) return;
      const lived = Date.now() - slot.startedAt;
      const healthy = lived >= this.backoff.resetAfterMs;
      slot.failures = healthy ? 0 : slot.failures + 1;
      const delay = healthy
        ? 0
        : Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (slot.failures - 1));
      logger.error(
        { worker: slot.index, kind: this.kind, childPid: child.pid, code, signal, restartInMs: delay },
        "worker process exited; restarting",
      );
      slot.restartTimer = setTimeout(() => {
        if (!this.stopping) void this.spawn(slot);
      }, delay);
    });
    return ready;
  }

  private request(child: ChildProcess): Promise<MetricsSnapshot | undefined> {
    const id = ++this.nextRequest;
    return new Promise((resolve) => {
      const onMessage = (msg: FromChild) => {
        if (msg?.type === "metrics" && msg.id === id) done(msg.snapshot);
      };
      const timer = setTimeout(() => done(undefined), 1_000);
      const done = (value: MetricsSnapshot | undefined) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        resolve(value);
      };
      child.on("message", onMessage);
      const msg: ToChild = { type: "metrics", id };
      try {
        child.send(msg, (err) => err && done(undefined));
      } catch {
        done(undefined);
      }
    });
  }
}

/**
 * The child's half, called by main.ts when it runs under a WorkerPool (it has an IPC channel):
 * says ready, answers metrics requests, and stops when the parent goes away — the channel closes
 * when the parent exits for any reason, SIGKILL included, so no worker outlives its parent.
 */
export function superviseFromParent(opts: {
  snapshot: () => Promise<MetricsSnapshot>;
  onParentGone: () => void;
  /** The parent's HTTP side is saturated: run fewer jobs for `ms` (see WorkerPool.askToYield). */
  onYield?: (ms: number) => void;
}): void {
  process.on("message", (msg: ToChild) => {
    if (msg?.type === "yield") {
      if (Number.isFinite(msg.ms) && msg.ms > 0) opts.onYield?.(Math.min(msg.ms, 10_000));
      return;
    }
    if (msg?.type !== "metrics") return;
    opts.snapshot().then(
      (snapshot) =>
        process.connected &&
        process.send?.({ type: "metrics", id: msg.id, snapshot } satisfies FromChild, () => {}),
      () => {},
    );
  });
  process.once("disconnect", opts.onParentGone);
  // The parent may have died while this child was starting (its channel is then already closed).
  if (!process.connected) {
    opts.onParentGone();
    return;
  }
  process.send?.({ type: "ready" } satisfies FromChild, (err: Error | null) => err && opts.onParentGone());
}
