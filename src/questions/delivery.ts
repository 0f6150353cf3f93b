/**
 * The official's answer back to the citizen: once, on the channel they asked on, in their
 * language, through the outbound queue. The outbound job key is derived from the question, so a
 * retried event sends nothing twice; `deliveredAt` records that it went out. A dismissed question
 * gets a polite note instead, so no question ends in silence.
 */
import type { Logger } from "pino";
import type { ChannelName, OutboundJob } from "../channels/types.js";
import type { Db } from "../db/client.js";
import { LANGS, type Lang, type Translator } from "../i18n/locales.js";

export interface DeliveryDeps {
  db: Db;
  i18n: Translator;
  enqueue: (job: OutboundJob) => Promise<void>;
  logger: Logger;
}

/** How much of the citizen's own question is repeated above the answer. */
const QUESTION_PREVIEW = 300;

function langOf(language: string | null | undefined): Lang {
  return (LANGS as readonly string[]).includes(language ?? "") ? (language as Lang) : "vi";
}

function preview(s: string): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length <= QUESTION_PREVIEW ? flat : `${flat.slice(0, QUESTION_PREVIEW - 1)}…`;
}

/**
 * Sends the answer of `answeredId` to the person who asked it and to everyone whose question was
 * marked as its duplicate (each once). Safe to call again: questions already delivered are skipped.
 */
export async function deliverAnswer(deps: DeliveryDeps, answeredId: string): Promise<number> {
  const { db } = deps;
  const original = await db.forwardedQuestion.findUnique({ where: { id: answeredId } });
  if (!original || original.status !== "answered" || !original.answer) return 0;
  const targets = [
    original,
    ...(await db.forwardedQuestion.findMany({ where: { duplicateOfId: answeredId, status: "duplicate" } })),
  ];
  let sent = 0;
  for (const q of targets) {
    if (q.deliveredAt || q.erasedAt || !q.channel || !q.chatId) continue;
    const lang = langOf(q.language);
    const text = deps.i18n.t(lang, "questions.notify.answered", {
      unit: original.answerUnit ?? "",
      answer: original.answer,
      question: preview(q.question),
    });
    try {
      await deps.enqueue({
        channel: q.channel as ChannelName,
        chatId: q.chatId,
        key: `question-answer-${q.id}`,
        replies: [{ text }],
      });
    } catch (err) {
      // The channel was switched off since the question was asked: nothing can reach the person there.
      deps.logger.warn(
        { questionId: q.id, channel: q.channel, err: (err as Error).message },
        "answer to a forwarded question not queued",
      );
      continue;
    }
    await db.forwardedQuestion.updateMany({
      where: { id: q.id, deliveredAt: null },
      data: { deliveredAt: new Date() },
    });
    sent += 1;
  }
  return sent;
}

/**
 * Tells the person that their question is outside what the officials answer (without the
 * officials' internal reason), once. Safe to call again.
 */
export async function deliverDismissal(deps: DeliveryDeps, questionId: string): Promise<boolean> {
  const q = await deps.db.forwardedQuestion.findUnique({ where: { id: questionId } });
  if (!q || q.status !== "dismissed" || q.deliveredAt || q.erasedAt || !q.channel || !q.chatId) return false;
  const text = deps.i18n.t(langOf(q.language), "questions.notify.dismissed", {
    question: preview(q.question),
  });
  try {
    await deps.enqueue({
      channel: q.channel as ChannelName,
      chatId: q.chatId,
      key: `question-dismissed-${q.id}`,
      replies: [{ text }],
    });
  } catch (err) {
    deps.logger.warn(
      { questionId: q.id, channel: q.channel, err: (err as Error).message },
      "dismissal of a forwarded question not queued",
    );
    return false;
  }
  await deps.db.forwardedQuestion.updateMany({
    where: { id: q.id, deliveredAt: null },
    data: { deliveredAt: new Date() },
  });
  return true;
}
