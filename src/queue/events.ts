/**
 * Domain events as BullMQ jobs: the outbox relay publishes committed outbox rows here, and
 * modules register one handler per topic ("nomination.submitted" → reviewer cards, ...).
 * Handlers must be idempotent: a job may run again after a crash.
 */
import { Queue, Worker, type ConnectionOptions, type JobsOptions } from "bullmq";
import type { Logger } from "pino";
import { assertWorkerConnection } from "../redis/connection.js";
import { eventSchemas, isEventTopic, type EventMap, type EventTopic } from "./event-map.js";

export type EventHandler<T extends EventTopic = EventTopic> = (
  payload: EventMap[T],
  meta: { jobId: string; attempt: number },
) => Promise<void>;

export class EventBus {
  readonly queue: Queue;
  private readonly handlers = new Map<EventTopic, EventHandler<never>>();
  private worker?: Worker;

  /** `connection` adds events (fail fast); `workerConnection` runs the handlers (waits out outages). */
  constructor(
    private readonly opts: {
      prefix: string;
      connection: ConnectionOptions;
      workerConnection: ConnectionOptions;
      logger: Logger;
    },
  ) {
    this.queue = new Queue("events", {
      connection: opts.connection,
      prefix: opts.prefix,
      defaultJobOptions: {
        attempts: 10,
        backoff: { type: "exponential", delay: 2_000 },
        removeOnComplete: { age: 24 * 3_600, count: 50_000 },
        removeOnFail: { age: 30 * 24 * 3_600 },
      },
    });
    this.queue.on("error", () => {});
  }

  /** Registers the handler of a topic (one per topic; registering twice is a wiring bug). */
  on<T extends EventTopic>(topic: T, handler: EventHandler<T>): void {
    if (this.handlers.has(topic)) throw new Error(`event topic ${topic} already has a handler`);
    this.handlers.set(topic, handler as EventHandler<never>);
  }

  /** Publishes an event; `jobId` makes a repeated publish of the same event a no-op. */
  async publish<T extends EventTopic>(topic: T, payload: EventMap[T], opts: JobsOptions = {}): Promise<void> {
    await this.queue.add(topic, payload, opts);
  }

  start(concurrency = 8): Worker {
    assertWorkerConnection(this.opts.workerConnection);
    this.worker = new Worker(
      "events",
      async (job) => {
        const topic = job.name;
        const handler = isEventTopic(topic) ? this.handlers.get(topic) : undefined;
        if (!isEventTopic(topic) || !handler) {
          this.opts.logger.warn({ topic }, "no handler for event; dropped");
          return;
        }
        const payload = eventSchemas[topic].safeParse(job.data);
        if (!payload.success) {
          this.opts.logger.error(
            { topic, jobId: job.id },
            "event payload does not match its schema; dropped",
          );
          return;
        }
        await (handler as EventHandler)(payload.data, {
          jobId: String(job.id),
          attempt: job.attemptsMade + 1,
        });
      },
      { connection: this.opts.workerConnection, prefix: this.opts.prefix, concurrency },
    );
    this.worker.on("error", () => {});
    this.worker.on("failed", (job, err) =>
      this.opts.logger.error({ topic: job?.name, jobId: job?.id, err: err.message }, "event handler failed"),
    );
    return this.worker;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
