/**
 * Hands the jobs of a worker process that died (SIGKILL, out of memory, crash) back to the queue
 * within about a second, instead of after BullMQ's lock lapses.
 *
 * Why: a partition runs one job at a time across every process (partitioned-queue.ts), so a job
 * left "active" by a dead process blocks every later job of its partition — every chat hashed
 * there — until BullMQ's stalled check finds its lock gone: lockDuration + stalledInterval, 30 s for
 * the inbound queue and over two minutes for the outbound one. Measured in the announcement bench
 * (a worker SIGKILLed mid-broadcast): 55 of 320 chat replies waited 22 s to 127 s that way.
 *
 * How a death is told from a pause: every worker process holds one Redis connection named
 * `<prefix>:alive:<process token>`. The kernel closes a dead process's sockets, so Redis drops the
 * name at once; a process that is merely slow (a long GC, a busy core) keeps its connection and is
 * never taken for dead — unlike a shorter BullMQ lock, which a stalled event loop lets lapse. Each
 * process records which BullMQ worker ids (the first part of their lock tokens) are its own. Every
 * `intervalMs`, each process looks at the active jobs of its queues: a job whose lock belongs to a
 * process absent from CLIENT LIST in two looks in a row is moved back to wait with its own lock
 * token (BullMQ's moveToWait, atomic and token-checked: of several processes doing this, one wins).
 * A job handed back counts as stalled once (BullMQ's "stc"): a job that kills every process that
 * runs it is left to BullMQ's stalled check, which fails it after maxStalledCount.
 *
 * Where CLIENT LIST or CLIENT SETNAME is refused (some hosted Redis), this stays off and BullMQ's
 * own stalled check is the only recovery, as before.
 */
import { randomBytes } from "node:crypto";
import { Job, type Queue, type Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { redisKeys } from "../redis/keys.js";

export interface TakeoverDeps {
  /** A worker connection; a duplicate of it carries this process's name. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** How often the active jobs are looked at (default 500 ms). */
  intervalMs?: number;
  /** After this process's own connection (re)connected, how long before it judges others (default 3 s: they reconnect too). */
  settleMs?: number;
}

type Tracked = { queue: Queue; maxStalledCount: number };

/** @example const t = new DeadWorkerTakeover({ redis, prefix, logger }); t.track(queues, workers, 1); await t.start(); … await t.stop() */
export class DeadWorkerTakeover {
  readonly processToken = randomBytes(8).toString("hex");
  private readonly tracked: Tracked[] = [];
  private readonly workerIds: string[] = [];
  private liveness?: Redis;
  private readyAt = 0;
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  /** Lock tokens whose owner was missing at the previous look. */
  private suspects = new Set<string>();
  private disabled = false;

  constructor(private readonly deps: TakeoverDeps) {}

  /** Watches these queues' active jobs; `workers` are this process's own (their ids are recorded as ours). */
  track(queues: Queue[], workers: Worker[], maxStalledCount: number): void {
    for (const queue of queues) this.tracked.push({ queue, maxStalledCount });
    this.workerIds.push(...workers.map((w) => w.id));
  }

  async start(): Promise<void> {
    const { redis, prefix, logger } = this.deps;
    const owners = redisKeys.workerOwners(prefix);
    this.liveness = redis.duplicate({ connectionName: redisKeys.workerAlive(prefix, this.processToken) });
    this.liveness.on("error", () => {});
    this.liveness.on("ready", () => (this.readyAt = Date.now()));
    try {
      await this.liveness.ping();
      if (this.workerIds.length)
        await redis.hset(owners, Object.fromEntries(this.workerIds.map((id) => [id, this.processToken])));
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "dead worker takeover off: could not name the connection");
      this.disabled = true;
      return;
    }
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .then(() => {})
        .catch((err: unknown) => {
          if (/unknown command|not allowed|no permission|NOPERM/i.test((err as Error).message)) {
            logger.warn({ err: (err as Error).message }, "dead worker takeover off: CLIENT LIST refused");
            this.disabled = true;
            clearInterval(this.timer);
          }
        })
        .finally(() => (this.sweeping = undefined));
    }, this.deps.intervalMs ?? 500);
    this.timer.unref();
  }

  /** Stops looking and forgets this process's worker ids (it has no job left once its workers closed). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    if (this.workerIds.length && !this.disabled)
      await this.deps.redis.hdel(redisKeys.workerOwners(this.deps.prefix), ...this.workerIds).catch(() => {});
    this.liveness?.disconnect();
  }

  /** One look: moves back to wait the active jobs whose owner process was gone at this look and the previous one. */
  async sweep(): Promise<number> {
    const { redis, prefix, logger } = this.deps;
    if (this.disabled || !this.readyAt || Date.now() - this.readyAt < (this.deps.settleMs ?? 3_000)) {
      this.suspects.clear();
      return 0;
    }
    // One pipeline (one write, one read) for every tracked queue: this runs twice a second in
    // every worker process, mostly finding nothing.
    const pipeline = redis.pipeline();
    for (const t of this.tracked) pipeline.lrange(t.queue.keys.active!, 0, -1);
    const lists = (await pipeline.exec()) ?? [];
    const jobs = this.tracked.flatMap((t, i) => {
      const [err, ids] = lists[i] ?? [null, []];
      return err ? [] : (ids as string[]).map((id) => ({ t, id }));
    });
    if (!jobs.length) {
      this.suspects.clear();
      return 0;
    }
    const tokens = await Promise.all(jobs.map((j) => redis.get(`${j.t.queue.toKey(j.id)}:lock`)));
    const withToken = jobs.flatMap((j, i) => (tokens[i] ? [{ ...j, token: tokens[i]! }] : []));
    if (!withToken.length) {
      this.suspects.clear();
      return 0;
    }
    const workerIds = [...new Set(withToken.map((j) => j.token.split(":")[0]!))];
    const owners = await redis.hmget(redisKeys.workerOwners(prefix), ...workerIds);
    const ownerOf = new Map(workerIds.map((id, i) => [id, owners[i]]));
    const alive = await this.aliveTokens();
    const suspects = new Set<string>();
    let moved = 0;
    for (const j of withToken) {
      const owner = ownerOf.get(j.token.split(":")[0]!);
      // A lock of an unknown worker (a process of an older version) is left to BullMQ's stalled check.
      if (!owner || alive.has(owner)) continue;
      if (!this.suspects.has(j.token)) {
        suspects.add(j.token);
        continue;
      }
      const stalls = await redis.hincrby(j.t.queue.toKey(j.id), "stc", 1);
      if (stalls > j.t.maxStalledCount) continue;
      const job = await Job.fromId(j.t.queue, j.id);
      if (!job) continue;
      try {
        await job.moveToWait(j.token);
        moved++;
      } catch {
        // Another process handed it back first, or the lock changed hands: nothing to do.
      }
    }
    this.suspects = suspects;
    if (moved) logger.warn({ jobs: moved }, "jobs of a dead worker process handed back to their queue");
    return moved;
  }

  private async aliveTokens(): Promise<Set<string>> {
    const list = String(await this.liveness!.call("CLIENT", "LIST", "TYPE", "normal"));
    const lead = `name=${redisKeys.workerAlive(this.deps.prefix, "")}`;
    const alive = new Set<string>();
    for (const line of list.split("\n")) {
      const at = line.indexOf(lead);
      if (at >= 0) alive.add(line.slice(at + lead.length).split(" ")[0]!);
    }
    return alive;
  }
}
