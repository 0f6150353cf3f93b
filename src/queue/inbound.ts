/**
 * The inbound path: webhooks call `accept` (dedupe + enqueue, no database, milliseconds); the
 * workers call the conversation's handler for each message in per-chat order and hand the replies
 * to the outbound queue.
 */
import type { ConnectionOptions, JobsOptions, Worker } from "bullmq";
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import {
  inboundMessageSchema,
  type InboundMessage,
  type OutboundJob,
  type Reply,
} from "../channels/types.js";
import type { FinalFailureHandler } from "./inbound-failure.js";
import { appendToInbox, inboxLength, startInboxMover, type InboxKeys } from "./inbox.js";
import { PartitionedQueue, safeJobId } from "./partitioned-queue.js";
import { redisKeys } from "../redis/keys.js";

/** How long a platform update id is remembered (Telegram keeps undelivered updates for 24 h). */
export const DEDUPE_TTL_SECONDS = 24 * 60 * 60;

/** Times an inbound job may be found stalled (its worker died) before it fails. */
export const INBOUND_MAX_STALLED = 2;

/** The inbox mover's pause between batches while the workers are asked to step back (see inbox.ts). */
const MOVER_PAUSE_WHILE_LIMITED_MS = 1_000;

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
  private readonly inbox: InboxKeys;
  private stopMover?: () => Promise<void>;

  constructor(private readonly deps: InboundQueueDeps) {
    this.inbox = {
      inbox: redisKeys.inboundInbox(deps.prefix),
      taken: redisKeys.inboundInboxTaken(deps.prefix),
      lock: redisKeys.inboundInboxLock(deps.prefix),
    };
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
   * Accepts the message unless its update id was seen in the last 24 h; a repeat (the platform
   * retrying, or the same update reaching two web processes at once) is reported as a duplicate.
   * One Redis script checks the "seen" mark, appends the message to the inbox and sets the mark,
   * atomically; the workers' inbox mover makes it a job (see inbox.ts for why, and for how nothing
   * acknowledged is lost, nothing runs twice and each chat keeps its order). Throws when Redis is
   * unreachable, so the webhook answers 503 and the platform retries.
   */
  async accept(msg: InboundMessage): Promise<AcceptResult> {
    const seenKey = redisKeys.seen(this.deps.prefix, msg.channel, msg.messageId);
    const queued = await appendToInbox(
      this.deps.redis,
      this.inbox,
      seenKey,
      JSON.stringify(msg),
      this.dedupeTtl(msg.channel),
    );
    return queued ? "queued" : "duplicate";
  }

  /** Messages accepted and not yet run: in the inbox or waiting, active or delayed in a partition. */
  async depth(): Promise<number> {
    const [inbox, jobs] = await Promise.all([inboxLength(this.deps.redis, this.inbox), this.queue.depth()]);
    return inbox + jobs;
  }

  /** Stores inbox items as jobs, in order: one pipelined addBulk per partition. */
  private async store(items: string[], logger: Logger): Promise<void> {
    const byPartition = new Map<number, Array<{ name: string; data: InboundMessage; opts: JobsOptions }>>();
    for (const item of items) {
      // Written by accept() from a validated message, and validated again when its job runs: only
      // the fields that place the job are checked here (the full parse would be done twice).
      let msg: InboundMessage | undefined;
      try {
        msg = JSON.parse(item) as InboundMessage;
      } catch {
        msg = undefined;
      }
      // A bug or a foreign write: dropped, or it would block every chat behind it.
      if (
        !msg ||
        typeof msg.channel !== "string" ||
        typeof msg.chatId !== "string" ||
        typeof msg.messageId !== "string"
      ) {
        logger.error("dropping a malformed inbound inbox item");
        continue;
      }
      const p = this.queue.partitionOf(`${msg.channel}:${msg.chatId}`);
      const list = byPartition.get(p) ?? [];
      byPartition.set(p, list);
      list.push({
        name: "message",
        data: msg,
        opts: {
          jobId: safeJobId(msg.channel, msg.messageId),
          ...(this.deps.dropCompleted?.includes(msg.channel) ? { removeOnComplete: true } : {}),
        },
      });
    }
    await Promise.all([...byPartition].map(([p, jobs]) => this.queue.queues[p]!.addBulk(jobs)));
  }

  /** Stops the inbox mover (if this process runs one), then closes the partitions. */
  async close(): Promise<void> {
    await this.stopMover?.();
    this.stopMover = undefined;
    await this.queue.close();
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
    // The inbox becomes jobs here, in the processes that run them (see inbox.ts). Its blocking wait
    // gets a connection of its own, duplicated from the workers' (it waits through outages).
    this.stopMover ??= startInboxMover({
      keys: this.inbox,
      redis,
      blocking: redis.duplicate({ enableAutoPipelining: false }),
      store: (items) => this.store(items, logger),
      // While asked to step back, one batch a second: about what a handful of jobs at once can run.
      pauseMs: () => (this.queue.limited ? MOVER_PAUSE_WHILE_LIMITED_MS : 0),
      logger,
    });
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
