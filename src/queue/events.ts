/**
 * Domain events as BullMQ jobs: the outbox relay publishes committed outbox rows here, and
 * modules register one handler per topic ("nomination.submitted" → reviewer cards, ...).
 * Handlers must be idempotent: a job may run again after a crash.
 */
import { Queue, Worker, type ConnectionOptions, type JobsOptions } from "bullmq";
import type { Logger } from "pino";
import { assertWorkerConnection } from "../redis/connection.js";

export type EventHandler = (payload: Record<string, unknown>, meta: { jobId: string; attempt: number }) => Promise<void>;

export class EventBus {
  readonly queue: Queue;
  private readonly handlers = new Map<string, EventHandler>();
  private worker?: Worker;

  /** `connection` adds events (fail fast); `workerConnection` runs the handlers (waits out outages). */
  constructor(private readonly opts: { prefix: string; connection: ConnectionOptions; workerConnection: ConnectionOptions; logger: Logger }) {
    this.queue = new Queue("events", {
      connection: opts.connection,
      prefix: opts.prefix,
      defaultJobOptions: { attempts: 10, backoff: { type: "exponential", delay: 2_000 }, removeOnComplete: { age: 24 * 3_600, count: 50_000 }, removeOnFail: { age: 30 * 24 * 3_600 } },
    });
    this.queue.on("error", () => {});
  }

  /** Registers the handler of a topic (one per topic; registering twice is a wiring bug). */
  on(topic: string, handler: EventHandler): void {
    if (this.handlers.has(topic)) throw new Error(`event topic ${topic} already has a handler`);
    this.handlers.set(topic, handler);
  }

  /** Publishes an event; `jobId` makes a repeated publish of the same event a no-op. */
  async publish(topic: string, payload: Record<string, unknown>, opts: JobsOptions = {}): Promise<void> {
    await this.queue.add(topic, payload, opts);
  }

  start(concurrency = 8): Worker {
    assertWorkerConnection(this.opts.workerConnection);
    this.worker = new Worker(
      "events",
      async (job) => {
        const handler = this.handlers.get(job.name);
        if (!handler) {
          this.opts.logger.warn({ topic: job.name }, "no handler for event; dropped");
          return;
        }
        await handler(job.data as Record<string, unknown>, { jobId: String(job.id), attempt: job.attemptsMade + 1 });
      },
      { connection: this.opts.workerConnection, prefix: this.opts.prefix, concurrency },
    );
    this.worker.on("error", () => {});
    this.worker.on("failed", (job, err) => this.opts.logger.error({ topic: job?.name, jobId: job?.id, err: err.message }, "event handler failed"));
    return this.worker;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
