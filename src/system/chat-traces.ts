/**
 * What Redis holds about one chat, across the concerns that keep something there: the
 * conversation session and its lock, the flood counters, the web chat transcript and its
 * client bookkeeping, a pending answer to an information request, and the queued, completed and
 * failed jobs carrying the chat's messages. An erasure calls `forgetChat` so that none of it
 * outlives the request (jobs would otherwise keep message text for up to 7 days).
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ChannelName } from "../channels/types.js";
import { partitionOf } from "../queue/partitioned-queue.js";

export interface ChatTracesDeps {
  redis: Redis;
  prefix: string;
  /** The inbound partitions (`inbound-<i>`), partitioned by "<channel>:<chatId>". */
  inboundQueues: Queue[];
  /** Every outbound partition (`out-<channel>-<i>`), partitioned by chat id. */
  outboundQueues: Queue[];
}

const JOB_STATES = ["completed", "failed", "delayed", "wait", "prioritized", "waiting-children"] as const;

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
        // An active job cannot be removed (its worker holds the lock); it finishes and ages out.
        await job.remove().then(() => removed++, () => {});
      }
    }
    if (jobs.length < page) break;
  }
  return removed;
}

async function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
}

/** @example const forgetChat = createChatForgetter({ redis, prefix, inboundQueues, outboundQueues }); await forgetChat("webchat", chatId, chatId) */
export function createChatForgetter(deps: ChatTracesDeps): (channel: ChannelName, chatId: string, userId: string) => Promise<void> {
  const { redis, prefix } = deps;
  // Glob metacharacters in an id must not widen the match to other chats.
  const glob = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
  return async (channel, chatId, userId) => {
    if (!chatId) return;
    for (const id of new Set([chatId, userId])) {
      // Keys named "<concern>:<channel>:<id>" or "<concern>:<channel>:<id>:<more>" (sessions, locks, flood counters, pending answers, reasons).
      await deleteMatching(redis, `${prefix}:*:${channel}:${glob(id)}`);
      await deleteMatching(redis, `${prefix}:*:${channel}:${glob(id)}:*`);
      // The web chat's own keys are "webchat:<chatId>:…".
      if (channel === "webchat") await deleteMatching(redis, `${prefix}:webchat:${glob(id)}:*`);
    }
    const inbound = deps.inboundQueues[partitionOf(`${channel}:${chatId}`, deps.inboundQueues.length)];
    await removeJobsOf(inbound, channel, chatId);
    const outbound = deps.outboundQueues.filter((q) => q.name.startsWith(`out-${channel}-`));
    await removeJobsOf(outbound.find((q) => q.name === `out-${channel}-${partitionOf(chatId, outbound.length)}`), channel, chatId);
  };
}
