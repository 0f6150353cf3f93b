/**
 * Outbound queues, one per channel, partitioned by chat so replies keep their order. The worker
 * owns the platform's rate limits and retries; every delivered part is remembered so a retried
 * job never sends a message twice.
 *
 * A conversation reply usually skips the queue: the inbound job that produced it sends it at once
 * (`deliverNow`) when the chat has nothing queued, a token is free and the platform accepts it on
 * the first try. Everything else — a 429, a network error, an empty token bucket, a chat with
 * messages already queued — goes through the queue as before, whose sent markers skip the parts
 * already delivered. Each queued job counts in a per-chat "pending" counter until it ends, so a
 * direct send never overtakes a queued message of the same chat. (Two BullMQ jobs per update
 * were most of the worker's Redis traffic and CPU at 300 updates/s.)
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
import { luaScript, runScript } from "../redis/scripts.js";
import { redisKeys } from "../redis/keys.js";

/** Longest wait we honour inline for a 429 before handing the job back to BullMQ's backoff. */
const MAX_INLINE_RETRY_AFTER_MS = 60_000;
/**
 * How long a job keeps retrying 5xx/network errors inline (backoff up to 30 s) before it hands
 * itself to BullMQ's retries. Inline, the job keeps its partition, so the chat's later messages
 * wait behind it: handed back early (it used to be after 4 tries, ~8 s), a one-minute platform
 * outage let the chat's next reply overtake it, and a reply could run out of attempts for good.
 */
const INLINE_RETRY_BUDGET_MS = 10 * 60_000;

/** Times an outbound job may be found stalled (its worker died) before it fails: BullMQ's default. */
export const OUTBOUND_MAX_STALLED = 1;

export interface OutboundDeps {
  prefix: string;
  partitions: number;
  /** Fail-fast connection for adding jobs. */
  connection: ConnectionOptions;
  /** Offline-queue connection for the senders (see bullConnections). */
  workerConnection: ConnectionOptions;
  /** Worker-side connection for bookkeeping (sent markers, rate limits). */
  redis: Redis;
  /** Fail-fast connection used beside `connection` when a job is queued (its pending counter); default `redis`. */
  producerRedis?: Redis;
  logger: Logger;
  /**
   * Channels whose delivered jobs are dropped at once instead of kept an hour (the web chat: its
   * "sending" is appending to the transcript, and a public channel must not grow Redis with traffic).
   */
  dropCompleted?: readonly ChannelName[];
  /**
   * Retry policy (tests shorten it): BullMQ attempts (default 8), their first backoff (2 s,
   * doubled), and how long one attempt retries inline (INLINE_RETRY_BUDGET_MS).
   */
  retry?: { attempts?: number; backoffMs?: number; inlineBudgetMs?: number };
}

/** How long a chat's pending counter outlives its last queued job (a lost decrement heals by then). */
const PENDING_TTL_SECONDS = 15 * 60;

// Decrements a chat's pending counter and deletes it at zero (an absent key reads as "nothing queued").
const RELEASE = luaScript(`
local n = redis.call('DECR', KEYS[1])
if n <= 0 then redis.call('DEL', KEYS[1]) end
return n
`);

/** What became of a job's replies: all handled (sent, refused or recipient gone), or left for the queue. */
type Delivery = "done" | "deferred";

export class OutboundQueues {
  private readonly queues = new Map<ChannelName, PartitionedQueue<OutboundJob>>();
  private readonly limiter: RateLimiter;
  /** The senders this process runs (filled by startWorkers); deliverNow works only for these. */
  private readonly senders = new Map<ChannelName, ChannelAdapter>();
  private onUnreachable: (channel: ChannelName, chatId: string) => Promise<void> = async () => {};

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
            attempts: deps.retry?.attempts ?? 8,
            backoff: { type: "exponential", delay: deps.retry?.backoffMs ?? 2_000 },
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
    // After the add: a counter raised for a job that failed to be stored would only slow the chat
    // down for PENDING_TTL_SECONDS. The chat's next inbound job starts after this one has returned,
    // so it sees the counter.
    const key = this.pendingKey(job);
    await (this.deps.producerRedis ?? this.deps.redis)
      .multi()
      .incr(key)
      .expire(key, PENDING_TTL_SECONDS)
      .exec();
  }

  /**
   * Sends a conversation reply at once, from the inbound job that produced it, when nothing of the
   * chat is queued, a token is free and the platform accepts each part on the first try. Returns
   * false when the job must be queued instead (the caller queues it; parts already delivered are
   * remembered and skipped there). Only channels whose sender runs in this process qualify.
   */
  async deliverNow(job: OutboundJob): Promise<boolean> {
    const adapter = this.senders.get(job.channel);
    if (!adapter) return false;
    return (await this.deliver(adapter, job, "now")) === "done";
  }

  private pendingKey(job: Pick<OutboundJob, "channel" | "chatId">): string {
    return redisKeys.outboundPending(this.deps.prefix, job.channel, job.chatId);
  }

  private async release(job: OutboundJob): Promise<void> {
    await runScript(this.deps.redis, RELEASE, [this.pendingKey(job)], []);
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
    this.onUnreachable = onUnreachable;
    const workers: Worker[] = [];
    for (const adapter of adapters) {
      const q = this.queues.get(adapter.name);
      if (!q) continue;
      const started = await q.startWorkers(
        async (job) => {
          await this.deliver(adapter, job.data, "queued");
          await this.release(job.data);
        },
        {
          connection: this.deps.workerConnection,
          lockDuration: 120_000,
          maxStalledCount: OUTBOUND_MAX_STALLED,
        },
      );
      // A job that failed for good is not pending any more either.
      for (const w of started)
        w.on("failed", (job, err) => {
          if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
          void this.release(job.data as OutboundJob).catch(() => {});
          // Hours of retries are over: someone must know a reply was never delivered (no content,
          // no chat id: personal data stays out of the logs).
          this.deps.logger.warn(
            { channel: (job.data as OutboundJob).channel, errorClass: err?.name, attempts: job.attemptsMade },
            "a reply could not be delivered after every retry",
          );
        });
      workers.push(...started);
      this.senders.set(adapter.name, adapter);
    }
    return workers;
  }

  /**
   * Sends the parts of `job` not yet delivered. "queued" (the outbound worker) waits for tokens and
   * retries inline; "now" (a direct send from the inbound job) gives up at the first wait or
   * transient error and reports "deferred", and also defers while the chat has queued messages.
   */
  private async deliver(
    adapter: ChannelAdapter,
    job: OutboundJob,
    mode: "queued" | "now",
  ): Promise<Delivery> {
    const { redis, prefix, logger } = this.deps;
    const sentKey = (part: string) => redisKeys.sent(prefix, job.channel, job.key, part);
    // One round trip tells which replies an earlier attempt of this job already delivered (and,
    // for a direct send, whether the chat has messages queued).
    const keys = [
      ...(mode === "now" ? [this.pendingKey(job)] : []),
      ...job.replies.map((_, i) => sentKey(String(i))),
    ];
    const found = keys.length ? await redis.mget(keys) : [];
    if (mode === "now" && Number(found[0] ?? 0) > 0) return "deferred";
    const delivered = mode === "now" ? found.slice(1) : found;
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
    const startedAt = Date.now();
    const buckets = [
      {
        bucket: `${job.channel}:all`,
        perSecond: adapter.limits.globalPerSecond,
        burst: adapter.limits.globalPerSecond,
      },
      { bucket: `${job.channel}:chat:${job.chatId}`, perSecond: chatLimit.perSecond, burst: chatLimit.burst },
    ];
    for (let index = 0; index < job.replies.length; index++) {
      if (delivered[index]) continue;
      const reply = job.replies[index]!;
      for (let attempt = 1; ; attempt++) {
        if (mode === "queued") await this.limiter.take(...buckets);
        else if ((await this.limiter.tryTake(...buckets)) > 0) return "deferred";
        try {
          await adapter.send(job.chatId, reply, { key: job.key, index, platform: job.platform });
          break;
        } catch (err) {
          if (err instanceof RecipientUnreachableError) {
            logger.info({ channel: job.channel, chatId: job.chatId }, "recipient unreachable; not retrying");
            await this.onUnreachable(job.channel, job.chatId).catch(() => {});
            return "done";
          }
          if (err instanceof PermanentSendError) {
            logger.error(
              { channel: job.channel, chatId: job.chatId, err: err.message },
              "message refused by the platform; skipped",
            );
            break;
          }
          // The queue owns waiting and retrying; a direct send hands the rest over at once. A
          // "retry after" holds the chat's bucket, so the queued job waits as long as asked.
          if (mode === "now") {
            if (err instanceof RetryAfterError) await this.limiter.hold(buckets[1]!, err.retryAfterMs);
            return "deferred";
          }
          if (err instanceof RetryAfterError && err.retryAfterMs <= MAX_INLINE_RETRY_AFTER_MS) {
            logger.warn(
              { channel: job.channel, retryAfterMs: err.retryAfterMs },
              "rate limited by the platform; waiting",
            );
            await sleep(err.retryAfterMs);
            attempt--; // a 429 is the platform pacing us, not a failure
            continue;
          }
          if (Date.now() - startedAt >= (this.deps.retry?.inlineBudgetMs ?? INLINE_RETRY_BUDGET_MS))
            throw err;
          await sleep(Math.min(500 * 2 ** attempt, 30_000) * (0.75 + Math.random() * 0.5));
        }
      }
      await redis.set(sentKey(String(index)), "1", "EX", 86_400);
    }
    return "done";
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
