/**
 * The inbound path: webhooks call `accept` (dedupe + enqueue, no database, milliseconds); the
 * workers call the conversation's handler for each message in per-chat order and hand the replies
 * to the outbound queue.
 */
import type { ConnectionOptions, Worker } from "bullmq";
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import {
  inboundMessageSchema,
  type InboundMessage,
  type OutboundJob,
  type Reply,
} from "../channels/types.js";
import type { FinalFailureHandler } from "./inbound-failure.js";
import { PartitionedQueue, safeJobId } from "./partitioned-queue.js";
import { redisKeys } from "../redis/keys.js";

/** How long a platform update id is remembered (Telegram keeps undelivered updates for 24 h). */
export const DEDUPE_TTL_SECONDS = 24 * 60 * 60;

/** Times an inbound job may be found stalled (its worker died) before it fails. */
export const INBOUND_MAX_STALLED = 2;

export type AcceptResult = "queued" | "duplicate";

/** Turns one inbound message into the replies to send. Throwing makes BullMQ retry the job. */
export type MessageHandler = (msg: InboundMessage) => Promise<Reply[]>;

export interface InboundQueueDeps {
  prefix: string;
  partitions: number;
  /** Fail-fast connection used by webhooks. */
  redis: Redis;
  connection: ConnectionOptions;
  /** Attempts per message and the first backoff delay (doubled each retry); default 5 and 1 s. */
  retry?: { attempts: number; delayMs: number };
  /**
   * Per-channel overrides of how long an update id is remembered (default 24 h, for platforms that
   * redeliver for a day). The web chat's page retries within seconds: remembering its message ids
   * for minutes keeps a public channel's traffic from piling up in Redis.
   */
  dedupeTtlSeconds?: Partial<Record<InboundMessage["channel"], number>>;
  /** Channels whose completed jobs are dropped at once (their dedupe relies on the "seen" mark alone). */
  dropCompleted?: ReadonlyArray<InboundMessage["channel"]>;
}

export class InboundQueue {
  readonly queue: PartitionedQueue<InboundMessage>;

  constructor(private readonly deps: InboundQueueDeps) {
    this.queue = new PartitionedQueue<InboundMessage>({
      name: "inbound",
      partitions: deps.partitions,
      prefix: deps.prefix,
      connection: deps.connection,
      defaultJobOptions: {
        attempts: deps.retry?.attempts ?? 5,
        backoff: { type: "exponential", delay: deps.retry?.delayMs ?? 1_000 },
        removeOnComplete: { age: 3_600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3_600 },
      },
    });
  }

  /**
   * Enqueues the message unless its update id was seen in the last 24 h; a repeat (the platform
   * retrying, or the same update reaching two web processes at once) is reported as a duplicate.
   * The job id carries the update id, so two concurrent deliveries still make one job, and the
   * "seen" mark is written only after the job is stored: a Redis failure in between can never
   * turn a retried delivery into a dropped one. Throws when Redis is unreachable, so the webhook
   * answers 503 and the platform retries.
   */
  async accept(msg: InboundMessage): Promise<AcceptResult> {
    const seenKey = redisKeys.seen(this.deps.prefix, msg.channel, msg.messageId);
    if ((await this.deps.redis.exists(seenKey)) === 1) return "duplicate";
    await this.queue.add(`${msg.channel}:${msg.chatId}`, "message", msg, {
      jobId: safeJobId(msg.channel, msg.messageId),
      ...(this.deps.dropCompleted?.includes(msg.channel) ? { removeOnComplete: true } : {}),
    });
    // The job is stored: the update is safe and the platform may be answered now. The mark is sent
    // without waiting for its reply, which takes one of the three Redis round trips out of every
    // webhook's acknowledgement (on a busy host each round trip is a chance to wait for a CPU).
    // Nothing depends on it being in place first: a repeat that arrives before it (or after it was
    // lost with Redis) finds the job under its id, which BullMQ does not add twice, or — once that
    // job is gone — is skipped by the worker's processed marker. A later accept() on this process
    // sees it, since Redis runs one connection's commands in order.
    void this.deps.redis.set(seenKey, "1", "EX", this.dedupeTtl(msg.channel)).catch(() => {});
    return "queued";
  }

  private dedupeTtl(channel: InboundMessage["channel"]): number {
    return this.deps.dedupeTtlSeconds?.[channel] ?? DEDUPE_TTL_SECONDS;
  }

  /**
   * Starts the partition workers; replies go out through `enqueueReplies`. A message whose job
   * already ran to the end (a job retried after its worker died between the last step and
   * BullMQ's completion) is skipped by a marker kept beside the job in Redis. The marker lives
   * exactly as long as anything that could re-run the job: a Redis that lost the marker lost the
   * job with it. (It used to be a PostgreSQL row: two queries on every message, a fifth of the
   * worker's CPU, for no case the Redis marker misses. Submissions carry their own idempotency keys.)
   */
  async startWorkers(opts: {
    redis: Redis;
    logger: Logger;
    handle: MessageHandler;
    enqueueReplies: (job: OutboundJob) => Promise<void>;
    /**
     * Sends the replies at once when it can (see OutboundQueues.deliverNow); false means "queue
     * them". Without it every reply goes through the outbound queue.
     */
    deliverNow?: (job: OutboundJob) => Promise<boolean>;
    connection: ConnectionOptions;
    onFinalFailure?: FinalFailureHandler;
  }): Promise<Worker[]> {
    const { redis, logger, handle, enqueueReplies, deliverNow } = opts;
    const workers = await this.queue.startWorkers(
      async (job) => {
        const parsed = inboundMessageSchema.safeParse(job.data);
        if (!parsed.success) {
          logger.error({ jobId: job.id }, "dropping a malformed inbound job");
          return;
        }
        const msg = parsed.data;
        const doneKey = redisKeys.processed(this.deps.prefix, msg.channel, msg.messageId);
        if ((await redis.exists(doneKey)) === 1) return;
        const replies = await handle(msg);
        // A button press must be answered (answerCallbackQuery) even when it produces no message.
        if (replies.length || msg.platform?.callbackQueryId) {
          const out: OutboundJob = {
            channel: msg.channel,
            chatId: msg.chatId,
            key: msg.messageId,
            replies,
            platform: msg.platform,
          };
          // A retried job replays the same replies (the engine remembers the last message's), and
          // the sent markers keep a part delivered directly from going out again from the queue.
          if (!(await deliverNow?.(out))) await enqueueReplies(out);
        }
        await redis.set(doneKey, "1", "EX", this.dedupeTtl(msg.channel));
      },
      // A killed worker's job is picked up again once its lock lapses (lockDuration), so keep it short;
      // live workers renew it every lockDuration / 2. (When the whole process died, sooner: see
      // dead-worker-takeover.ts.)
      {
        connection: opts.connection,
        lockDuration: 20_000,
        stalledInterval: 10_000,
        maxStalledCount: INBOUND_MAX_STALLED,
      },
    );
    // The last attempt failed: nobody else will ever answer this message, so say so (see inbound-failure.ts).
    for (const w of workers) {
      w.on("failed", (job, err) => {
        const stalledOut = /stalled more than allowable limit/i.test(err?.message ?? "");
        if (!job || (job.attemptsMade < (job.opts.attempts ?? 1) && !stalledOut)) return;
        const parsed = inboundMessageSchema.safeParse(job.data);
        if (!parsed.success) return;
        if (opts.onFinalFailure) void opts.onFinalFailure(parsed.data, err).catch(() => {});
        else
          logger.warn(
            { channel: parsed.data.channel, chatId: parsed.data.chatId, errorClass: err?.name },
            "inbound message failed after every retry",
          );
      });
    }
    return workers;
  }
}
