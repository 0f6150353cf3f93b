/**
 * The inbox's reactions to domain events (all idempotent — a job may run twice): a forwarded
 * question gets its officials' cards and a reminder after the configured hours; every action
 * updates the cards; an answer (or a duplicate of an answered question) goes to the citizen, and a
 * dismissal is announced to them politely.
 */
import type { Logger } from "pino";
import type { OutboundJob } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import type { EventBus } from "../queue/events.js";
import type { CardSender } from "../review/cards.js";
import { officialChats, refreshQuestionCards, sendQuestionCards } from "./cards.js";
import { deliverAnswer, deliverDismissal } from "./delivery.js";
import { OPEN_STATUSES, QUESTION_DECIDED_TOPIC, shortId, type QuestionStatus } from "./transitions.js";

export const QUESTION_FORWARDED_TOPIC = "question.forwarded" as const;
export const QUESTION_SLA_TOPIC = "question.sla" as const;
/** Default hours a question may wait before officials are reminded (QUESTION_REMIND_HOURS). */
export const DEFAULT_REMIND_HOURS = 48;

export interface QuestionEventDeps {
  db: Db;
  i18n: Translator;
  events: EventBus;
  enqueue: (job: OutboundJob) => Promise<void>;
  /** Present when Telegram is on. */
  cards?: CardSender;
  reviewChatId?: string;
  telegramEnabled: boolean;
  remindAfterHours?: number;
  logger: Logger;
}

/** Registers every inbox handler on the event bus. */
export function registerQuestionEvents(deps: QuestionEventDeps): void {
  const { db, events } = deps;
  const log = deps.logger.child({ concern: "questions" });
  const hours = deps.remindAfterHours ?? DEFAULT_REMIND_HOURS;
  const cardDeps = deps.cards
    ? { db, i18n: deps.i18n, cards: deps.cards, reviewChatId: deps.reviewChatId, logger: log }
    : undefined;

  events.on(QUESTION_FORWARDED_TOPIC, async ({ questionId }) => {
    const q = await db.forwardedQuestion.findUnique({ where: { id: questionId }, select: { id: true } });
    if (!q) return;
    if (cardDeps) await sendQuestionCards(cardDeps, questionId);
    await events.publish(
      QUESTION_SLA_TOPIC,
      { questionId },
      { delay: hours * 3_600_000, jobId: `question-remind-${questionId}` },
    );
    log.info({ questionId }, "question forwarded to officials");
  });

  events.on(QUESTION_DECIDED_TOPIC, async (payload) => {
    const { questionId } = payload;
    if (cardDeps) await refreshQuestionCards(cardDeps, questionId);
    if (payload.action === "answer") {
      const sent = await deliverAnswer(
        { db, i18n: deps.i18n, enqueue: deps.enqueue, logger: log },
        questionId,
      );
      log.info({ questionId, sent }, "answer sent to the citizen");
    }
    // Back in the shared inbox: its own reminder, counted from now.
    if (payload.action === "release")
      await events.publish(
        QUESTION_SLA_TOPIC,
        { questionId },
        { delay: hours * 3_600_000, jobId: `question-remind-${questionId}-${String(payload.auditId ?? "")}` },
      );
    if (payload.action === "dismiss")
      await deliverDismissal({ db, i18n: deps.i18n, enqueue: deps.enqueue, logger: log }, questionId);
    if (payload.action === "duplicate") {
      const q = await db.forwardedQuestion.findUnique({
        where: { id: questionId },
        select: { duplicateOfId: true },
      });
      // The original already answered: this asker gets that answer now (otherwise when it is answered).
      if (q?.duplicateOfId)
        await deliverAnswer({ db, i18n: deps.i18n, enqueue: deps.enqueue, logger: log }, q.duplicateOfId);
    }
  });

  events.on(QUESTION_SLA_TOPIC, async ({ questionId }) => {
    const q = await db.forwardedQuestion.findUnique({ where: { id: questionId }, select: { status: true } });
    if (!q || !OPEN_STATUSES.includes(q.status as QuestionStatus) || !deps.telegramEnabled) return;
    const text = deps.i18n.t("vi", "questions.reminder", { ref: shortId(questionId), hours });
    for (const chatId of await officialChats(db, deps.reviewChatId)) {
      await deps.enqueue({
        channel: "telegram",
        chatId,
        key: `question-remind-${questionId}-${chatId}`,
        replies: [{ text }],
      });
    }
    log.info({ questionId }, "officials reminded of an unanswered question");
  });
}
