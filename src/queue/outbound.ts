/**
 * Outbound queues, one per channel, partitioned by chat so replies keep their order. The worker
 * owns the platform's rate limits and retries; every delivered part is remembered so a retried
 * job never sends a message twice.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ConnectionOptions, Queue, Worker } from "bullmq";
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import {
  PermanentSendError,
  RecipientUnreachableError,
  RetryAfterError,
  type ChannelAdapter,
  type ChannelName,
  type OutboundJob,
} from "../channels/types.js";
import { PartitionedQueue, safeJobId } from "./partitioned-queue.js";
import { RateLimiter } from "./rate-limiter.js";
import { redisKeys } from "../redis/keys.js";

/** Longest wait we honour inline for a 429 before handing the job back to BullMQ's backoff. */
const MAX_INLINE_RETRY_AFTER_MS = 60_000;
/** Inline attempts for 5xx/network errors (keeps per-chat order); then BullMQ retries the job. */
const INLINE_ATTEMPTS = 4;

export interface OutboundDeps {
  prefix: string;
  partitions: number;
  /** Fail-fast connection for adding jobs. */
  connection: ConnectionOptions;
  /** Offline-queue connection for the senders (see bullConnections). */
  workerConnection: ConnectionOptions;
  /** Worker-side connection for bookkeeping (sent markers, rate limits). */
  redis: Redis;
  logger: Logger;
  /**
   * Channels whose delivered jobs are dropped at once instead of kept an hour (the web chat: its
   * "sending" is appending to the transcript, and a public channel must not grow Redis with traffic).
   */
  dropCompleted?: readonly ChannelName[];
}

export class OutboundQueues {
  private readonly queues = new Map<ChannelName, PartitionedQueue<OutboundJob>>();
  private readonly limiter: RateLimiter;

  constructor(
    private readonly deps: OutboundDeps,
    channels: readonly ChannelName[],
  ) {
    this.limiter = new RateLimiter(deps.redis, deps.prefix);
    for (const ch of channels) {
      this.queues.set(
        ch,
        new PartitionedQueue<OutboundJob>({
          name: `out-${ch}`,
          partitions: deps.partitions,
          prefix: deps.prefix,
          connection: deps.connection,
          defaultJobOptions: {
            attempts: 8,
            backoff: { type: "exponential", delay: 2_000 },
            removeOnComplete: deps.dropCompleted?.includes(ch) ? true : { age: 3_600, count: 10_000 },
            removeOnFail: { age: 7 * 24 * 3_600 },
          },
        }),
      );
    }
  }

  /**
   * Queues the replies of one processed update; the same key is queued once. `removeOnComplete`
   * drops the job as soon as it is delivered (a message that must leave no copy behind, such as
   * the confirmation of an erasure).
   */
  async enqueue(job: OutboundJob, opts: { removeOnComplete?: boolean } = {}): Promise<void> {
    const q = this.queues.get(job.channel);
    if (!q) throw new Error(`channel ${job.channel} is not enabled`);
    await q.add(job.chatId, "send", job, {
      jobId: safeJobId("out", `${job.channel}:${job.key}`),
      ...(opts.removeOnComplete ? { removeOnComplete: true } : {}),
    });
  }

  /** The BullMQ queues behind every channel's partitions (for the admin queue dashboard). */
  get bullQueues(): Queue[] {
    return [...this.queues.values()].flatMap((q) => q.queues);
  }

  async depth(): Promise<number> {
    let n = 0;
    for (const q of this.queues.values()) n += await q.depth();
    return n;
  }

  /** Starts the senders for every enabled channel adapter. */
  async startWorkers(
    adapters: ChannelAdapter[],
    onUnreachable: (channel: ChannelName, chatId: string) => Promise<void>,
  ): Promise<Worker[]> {
    const workers: Worker[] = [];
    for (const adapter of adapters) {
      const q = this.queues.get(adapter.name);
      if (!q) continue;
      workers.push(
        ...(await q.startWorkers(async (job) => this.deliver(adapter, job.data, onUnreachable), {
          connection: this.deps.workerConnection,
          lockDuration: 120_000,
        })),
      );
    }
    return workers;
  }

  private async deliver(
    adapter: ChannelAdapter,
    job: OutboundJob,
    onUnreachable: (channel: ChannelName, chatId: string) => Promise<void>,
  ): Promise<void> {
    const { redis, prefix, logger } = this.deps;
    const sentKey = (part: string) => redisKeys.sent(prefix, job.channel, job.key, part);
    // One round trip tells which replies an earlier attempt of this job already delivered.
    const delivered = job.replies.length
      ? await redis.mget(job.replies.map((_, i) => sentKey(String(i))))
      : [];
    // At most once: the marker is taken before the platform call (a lost answerCallbackQuery is
    // harmless; a repeated one is an error at Telegram). Skipped when the adapter has nothing to do.
    if (
      adapter.beforeSend &&
      !delivered.some(Boolean) &&
      (adapter.needsBeforeSend?.(job) ?? true) &&
      (await redis.set(sentKey("pre"), "1", "EX", 86_400, "NX")) === "OK"
    ) {
      await adapter
        .beforeSend(job)
        .catch((err: unknown) =>
          logger.warn({ channel: job.channel, err: String(err) }, "beforeSend failed"),
        );
    }
    const chatLimit = adapter.chatLimit?.(job.chatId) ?? {
      perSecond: adapter.limits.perChatPerSecond,
      burst: adapter.limits.perChatBurst,
    };
    for (let index = 0; index < job.replies.length; index++) {
      if (delivered[index]) continue;
      const reply = job.replies[index]!;
      for (let attempt = 1; ; attempt++) {
        await this.limiter.take(
          {
            bucket: `${job.channel}:all`,
            perSecond: adapter.limits.globalPerSecond,
            burst: adapter.limits.globalPerSecond,
          },
          {
            bucket: `${job.channel}:chat:${job.chatId}`,
            perSecond: chatLimit.perSecond,
            burst: chatLimit.burst,
          },
        );
        try {
          await adapter.send(job.chatId, reply, { key: job.key, index, platform: job.platform });
          break;
        } catch (err) {
          if (err instanceof RetryAfterError && err.retryAfterMs <= MAX_INLINE_RETRY_AFTER_MS) {
            logger.warn(
              { channel: job.channel, retryAfterMs: err.retryAfterMs },
              "rate limited by the platform; waiting",
            );
            await sleep(err.retryAfterMs);
            attempt--; // a 429 is the platform pacing us, not a failure
            continue;
          }
          if (err instanceof RecipientUnreachableError) {
            logger.info({ channel: job.channel, chatId: job.chatId }, "recipient unreachable; not retrying");
            await onUnreachable(job.channel, job.chatId).catch(() => {});
            return;
          }
          if (err instanceof PermanentSendError) {
            logger.error(
              { channel: job.channel, chatId: job.chatId, err: err.message },
              "message refused by the platform; skipped",
            );
            break;
          }
          if (attempt >= INLINE_ATTEMPTS) throw err;
          await sleep(Math.min(500 * 2 ** attempt, 8_000) * (0.75 + Math.random() * 0.5));
        }
      }
      await redis.set(sentKey(String(index)), "1", "EX", 86_400);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
