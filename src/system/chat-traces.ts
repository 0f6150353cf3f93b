/**
 * What Redis holds about one chat, across the concerns that keep something there: the
 * conversation session and its lock, the flood counters, the web chat transcript and its
 * client bookkeeping, a pending answer to an information request, messages accepted and not yet
 * jobs (the inbound inbox), and the queued, completed and failed jobs carrying the chat's messages. An erasure calls `forgetChat` so that none of it
 * outlives the request (jobs would otherwise keep message text for up to 7 days).
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ChannelName } from "../channels/types.js";
import { partitionOf } from "../queue/partitioned-queue.js";
import { redisKeys } from "../redis/keys.js";

export interface ChatTracesDeps {
  redis: Redis;
  prefix: string;
  /** The inbound partitions (`inbound-<i>`), partitioned by "<channel>:<chatId>". */
  inboundQueues: Queue[];
  /** Every outbound partition (`out-<channel>-<i>`), partitioned by chat id. */
  outboundQueues: Queue[];
}

const JOB_STATES = [
  "active",
  "completed",
  "failed",
  "delayed",
  "wait",
  "prioritized",
  "waiting-children",
] as const;

async function removeJobsOf(queue: Queue | undefined, channel: string, chatId: string): Promise<number> {
  if (!queue) return 0;
  let removed = 0;
  const page = 500;
  for (let start = 0; ; start += page) {
    const jobs = await queue.getJobs([...JOB_STATES], start, start + page - 1, true);
    if (!jobs.length) break;
    for (const job of jobs) {
      const d = job?.data as { channel?: string; chatId?: string } | undefined;
      if (d?.channel === channel && d.chatId === chatId) {
        // An active job cannot be removed (its worker holds the lock): its data is replaced by an
        // empty shell instead, which the workers drop (inbound: fails the schema; outbound: no replies).
        const gone = await job.remove().then(
          () => true,
          () => false,
        );
        if (gone) removed++;
        else
          await job.updateData({ channel, chatId: "", replies: [], erased: true }).then(
            () => removed++,
            () => {},
          );
      }
    }
    if (jobs.length < page) break;
  }
  return removed;
}

/** Removes a chat's items from an inbox list (JSON messages; each removed by its exact value). */
async function removeInboxItemsOf(redis: Redis, key: string, channel: string, chatId: string): Promise<void> {
  for (const item of await redis.lrange(key, 0, -1)) {
    let d: { channel?: string; chatId?: string } | undefined;
    try {
      d = JSON.parse(item) as typeof d;
    } catch {
      continue;
    }
    if (d?.channel === channel && d.chatId === chatId) await redis.lrem(key, 0, item);
  }
}

async function deleteMatching(redis: Redis, pattern: string, keep: (key: string) => boolean): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    const doomed = keys.filter((k) => !keep(k));
    if (doomed.length) await redis.del(...doomed);
  } while (cursor !== "0");
}

/** @example const forgetChat = createChatForgetter({ redis, prefix, inboundQueues, outboundQueues }); await forgetChat("webchat", chatId, chatId) */
export function createChatForgetter(
  deps: ChatTracesDeps,
): (channel: ChannelName, chatId: string, userId: string) => Promise<void> {
  const { redis, prefix } = deps;
  // Glob metacharacters in an id must not widen the match to other chats.
  const glob = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
  return async (channel, chatId, userId) => {
    if (!chatId) return;
    // BullMQ's own keys are handled job by job below, never by pattern.
    const keep = (k: string) =>
      !k.startsWith(`${prefix}:`) ||
      /^(inbound-\d+|out-[a-z]+-\d+|events)(:|$)/.test(k.slice(prefix.length + 1)) ||
      // The web chat's message counter (a number) stays, so an open page keeps polling from where it was and shows the confirmation.
      (k.startsWith(`${prefix}:webchat:`) && k.endsWith(":seq"));
    for (const id of new Set([chatId, userId])) {
      // An id too short to be a chat's could match unrelated key segments.
      if (id.length < 4) continue;
      // Keys with the id as a segment: "<concern>:<channel>:<id>[:…]" (sessions, locks, flood counters,
      // pending answers), "rl:<channel>:chat:<id>", the web chat's "webchat:<id>:…", dedupe marks "<channel>:<id>-…".
      for (const pattern of [
        `${prefix}:*:${glob(id)}`,
        `${prefix}:*:${glob(id)}:*`,
        `${prefix}:*:${glob(id)}-*`,
      ])
        await deleteMatching(redis, pattern, keep);
    }
    // Messages accepted and not yet jobs (queue/inbox.ts), before the jobs: one the mover turns into a
    // job meanwhile is then found among the jobs.
    for (const key of [redisKeys.inboundInbox(prefix), redisKeys.inboundInboxTaken(prefix)])
      await removeInboxItemsOf(redis, key, channel, chatId);
    const inbound = deps.inboundQueues[partitionOf(`${channel}:${chatId}`, deps.inboundQueues.length)];
    await removeJobsOf(inbound, channel, chatId);
    const outbound = deps.outboundQueues.filter((q) => q.name.startsWith(`out-${channel}-`));
    await removeJobsOf(
      outbound.find((q) => q.name === `out-${channel}-${partitionOf(chatId, outbound.length)}`),
      channel,
      chatId,
    );
  };
}
