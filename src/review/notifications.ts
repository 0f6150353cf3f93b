/**
 * Telling submitters what happened to their nomination: one message per decision, in their
 * language, on the channel they used, through the outbound queue. The audit row's id is the
 * idempotency key, so a retried event handler never sends the message twice.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { ChannelName, OutboundJob } from "../channels/types.js";
import type { Db } from "../db/client.js";
import { LANGS, type Lang, type Translator } from "../i18n/locales.js";
import { redisKeys } from "../redis/keys.js";

export interface NotifyDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  i18n: Translator;
  enqueue: (job: OutboundJob) => Promise<void>;
  logger: Logger;
}

/** How long a submitter's next message counts as the answer to an information request. */
export const AWAITING_ANSWER_TTL_S = 14 * 24 * 3_600;

/** The Redis key naming the nomination whose information request a chat is answering. */
export function awaitingAnswerKey(prefix: string, channel: string, chatId: string): string {
  return redisKeys.reviewAwaiting(prefix, channel, chatId);
}

const NOTIFY_KEY: Record<string, string | undefined> = {
  approve: "review.notify.approved",
  reject: "review.notify.rejected",
  request_info: "review.notify.needs_info",
};

export function langOf(language: string | null | undefined): Lang {
  return (LANGS as readonly string[]).includes(language ?? "") ? (language as Lang) : "vi";
}

/**
 * Sends the submitter the outcome recorded by audit row `auditId` (approve, reject, request_info;
 * other actions tell the submitter nothing). After an information request, the submitter's next
 * message in that chat becomes the answer.
 */
export async function notifySubmitter(
  deps: NotifyDeps,
  nominationId: string,
  auditId: string,
): Promise<void> {
  const audit = await deps.db.auditLog.findUnique({ where: { id: BigInt(auditId) } });
  const key = audit && NOTIFY_KEY[audit.action];
  if (!audit || !key) return;
  const n = await deps.db.nomination.findUnique({ where: { id: nominationId }, include: { person: true } });
  const person = n?.person;
  if (!n || !person || n.erasedAt) return;
  const lang = langOf(person.language);
  const text = deps.i18n.t(lang, key, { code: n.code, note: audit.note ?? "" });
  if (audit.action === "request_info") {
    await deps.redis.set(
      awaitingAnswerKey(deps.prefix, person.channel, person.chatId),
      nominationId,
      "EX",
      AWAITING_ANSWER_TTL_S,
    );
  }
  try {
    await deps.enqueue({
      channel: person.channel as ChannelName,
      chatId: person.chatId,
      key: `notify-${auditId}`,
      replies: [{ text }],
    });
  } catch (err) {
    // A channel switched off since the submission: nothing can reach the person there.
    deps.logger.warn(
      { nominationId, auditId, channel: person.channel, err: (err as Error).message },
      "submitter notification not queued",
    );
  }
}
