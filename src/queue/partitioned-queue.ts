/**
 * A BullMQ queue split into N partitions by a key (the chat), each drained by one worker with
 * concurrency 1: two messages of one chat are never processed at once and keep their order,
 * while different chats run in parallel across partitions.
 */
import { createHash } from "node:crypto";
import {
  Queue,
  Worker,
  type JobsOptions,
  type Processor,
  type WorkerOptions,
  type ConnectionOptions,
} from "bullmq";
import { Redis } from "ioredis";
import { assertWorkerConnection } from "../redis/connection.js";

/** FNV-1a: cheap, stable across processes and versions (unlike a JS hash of a Map). */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/** BullMQ job ids may not contain ":"; platform ids can contain anything. */
export function safeJobId(prefix: string, raw: string): string {
  return /^[A-Za-z0-9_.-]{1,80}$/.test(raw)
    ? `${prefix}-${raw}`
    : `${prefix}-${createHash("sha1").update(raw).digest("hex")}`;
}

export interface PartitionedQueueOptions {
  name: string;
  partitions: number;
  /** Queue/worker key prefix in Redis (deployment prefix). */
  prefix: string;
  connection: ConnectionOptions;
  defaultJobOptions?: JobsOptions;
}

export class PartitionedQueue<T> {
  readonly queues: Queue[];
  private workers: Worker[] = [];
  private stopListening = () => {};
  /** Jobs of this process's workers inside the processor now, and those waiting for a slot (see limitConcurrency). */
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private limit = Number.POSITIVE_INFINITY;
  private limitTimer?: NodeJS.Timeout;

  constructor(private readonly opts: PartitionedQueueOptions) {
    this.queues = Array.from(
      { length: opts.partitions },
      (_, i) =>
        new Queue(`${opts.name}-${i}`, {
          connection: opts.connection,
          prefix: opts.prefix,
          defaultJobOptions: opts.defaultJobOptions,
        }),
    );
    for (const q of this.queues) q.on("error", () => {});
  }

  /** The index of the partition (in `queues`) that holds the jobs of `key`. */
  partitionOf(key: string): number {
    return partitionOf(key, this.opts.partitions);
  }

  /** Adds a job to the partition of `key`. With `jobId`, a job already stored under that id is not added again. */
  async add(key: string, name: string, data: T, opts: JobsOptions = {}): Promise<void> {
    await this.queues[partitionOf(key, this.opts.partitions)]!.add(name, data as never, opts);
  }

  /**
   * Starts one worker per partition. Each partition runs one job at a time across every process
   * (BullMQ's global concurrency), which keeps per-key order when several `--role worker`
   * processes drain the same partitions, and concurrency 1 in this process. (Global concurrency
   * was once reverted for a worker spin after a Redis restart; the spin was the fail-fast
   * connection options on workers — see bullConnections — and is gone with them.)
   */
  async startWorkers(
    processor: Processor<T>,
    opts: Omit<WorkerOptions, "connection" | "prefix" | "concurrency"> & { connection: ConnectionOptions },
  ): Promise<Worker[]> {
    assertWorkerConnection(opts.connection);
    const limitGlobally = () => Promise.all(this.queues.map((q) => q.setGlobalConcurrency(1)));
    await limitGlobally();
    // The limit lives in Redis: a Redis that comes back without its data has forgotten it.
    if (this.opts.connection instanceof Redis) {
      const connection = this.opts.connection;
      const onReady = () => void limitGlobally().catch(() => {});
      connection.on("ready", onReady);
      this.stopListening = () => connection.off("ready", onReady);
    }
    const gated: Processor<T> = async (job, token, signal) => {
      await this.enter();
      try {
        return await processor(job, token, signal);
      } finally {
        this.leave();
      }
    };
    this.workers = this.queues.map((q) => {
      const w = new Worker<T>(q.name, gated, { ...opts, prefix: this.opts.prefix, concurrency: 1 });
      w.on("error", () => {});
      return w as Worker;
    });
    return this.workers;
  }

  /**
   * For the next `ms`, at most `limit` jobs of this process's workers run at once; the others wait
   * (still locked: their partitions keep their order) and jobs already running finish. Calling it
   * again moves the end; it lifts by itself, so a caller that goes quiet never leaves it on.
   */
  limitConcurrency(limit: number, ms: number): void {
    this.limit = Math.max(1, limit);
    clearTimeout(this.limitTimer);
    this.limitTimer = setTimeout(() => this.lift(), ms);
    this.limitTimer.unref();
  }

  /** Whether a limitConcurrency is in force now (the HTTP process asked this one to step back). */
  get limited(): boolean {
    return this.limit !== Number.POSITIVE_INFINITY;
  }

  private lift(): void {
    clearTimeout(this.limitTimer);
    this.limit = Number.POSITIVE_INFINITY;
    this.admit();
  }

  private enter(): Promise<void> | void {
    if (this.running < this.limit) {
      this.running++;
      return;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private leave(): void {
    this.running--;
    this.admit();
  }

  /** Hands free slots to waiting jobs, oldest first (the slot is counted for them here). */
  private admit(): void {
    while (this.waiting.length && this.running < this.limit) {
      this.running++;
      this.waiting.shift()!();
    }
  }

  /** Jobs waiting, active and delayed across partitions (for metrics and benchmarks). */
  async depth(): Promise<number> {
    const counts = await Promise.all(
      this.queues.map((q) => q.getJobCounts("waiting", "active", "delayed", "prioritized")),
    );
    return counts.reduce(
      (n, c) => n + (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0),
      0,
    );
  }

  async closeWorkers(): Promise<void> {
    this.stopListening();
    // Closing waits for the jobs in hand, so none may be left waiting for a slot.
    this.lift();
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers = [];
  }

  async close(): Promise<void> {
    await this.closeWorkers();
    await Promise.all(this.queues.map((q) => q.close()));
  }
}
