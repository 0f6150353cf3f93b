/**
 * The inbox's part of the inbound pipeline, before the conversation engine: presses of question
 * card buttons (token "qa"), honoured only for registered active officials, and the official's
 * next message as the answer, the original's reference (for "Trùng") or the reason (for "Bỏ qua")
 * — the same pattern as the reasons of review decisions.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { InboundMessage, Reply } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import type { Middleware } from "../conversation/pipeline.js";
import { fold as foldText } from "../i18n/fold.js";
import { LANGS } from "../i18n/locales.js";
import { redisKeys } from "../redis/keys.js";
import { findActiveReviewer, type ReviewerView } from "../review/reviewers.js";
import { QUESTION_CARD_ACTIONS, QUESTION_CARD_TOKEN, type QuestionCardAction } from "./cards.js";
import {
  actOnQuestion,
  findByShortId,
  MAX_ANSWER_LENGTH,
  MAX_REASON_LENGTH,
  QuestionInputError,
  shortId,
  type QuestionAction,
  type QuestionResult,
} from "./transitions.js";

export interface OfficialMiddlewareDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  i18n: Translator;
  /** The unit named to citizens in answers given on Telegram (ANSWER_UNIT). */
  answerUnit: string;
  logger: Logger;
  pokeOutbox?: () => void;
}

/** How long the bot waits for an official's answer after "Trả lời". */
const PENDING_TTL_S = 60 * 60;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const fold = (s: string) => foldText(s, "/");

type Pending = { action: QuestionCardAction; questionId: string };

/** @example middlewares.push(createOfficialMiddleware({ db, redis, prefix, i18n, answerUnit, logger })) */
export function createOfficialMiddleware(deps: OfficialMiddlewareDeps): Middleware {
  const { db, redis, i18n } = deps;
  const log = deps.logger.child({ concern: "questions" });
  const t = (key: string, vars?: Record<string, string | number>) => i18n.t("vi", key, vars);
  const pendingKey = (msg: InboundMessage) => redisKeys.questionPending(deps.prefix, msg.channel, msg.userId);
  // "hủy" from the same word list as the conversation and the review reasons.
  const CANCEL = new Set(
    LANGS.flatMap((lang) => i18n.t(lang, "conversation.words.cancel").split("\n")).map((w) => fold(w)),
  );

  const describe = (ref: string, action: QuestionAction, r: QuestionResult): Reply[] => {
    if (r.ok) return [{ text: t(`questions.official.done_${action}`, { ref }) }];
    if (r.reason === "not_found") return [{ text: t("questions.official.not_found", { ref }) }];
    const status = t(`questions.status.${r.current}`);
    return [
      {
        text: r.by
          ? t("questions.official.conflict", { ref, who: r.by, status })
          : t("questions.official.conflict_unknown", { ref, status }),
      },
    ];
  };

  async function act(
    reviewer: ReviewerView,
    questionId: string,
    action: QuestionAction,
    extra: { text?: string; duplicateOfId?: string } = {},
  ): Promise<QuestionResult> {
    const r = await actOnQuestion(db, {
      questionId,
      action,
      actor: { id: reviewer.id, name: reviewer.name },
      unit: deps.answerUnit,
      ...extra,
    });
    if (r.ok) deps.pokeOutbox?.();
    log.info({ questionId, action, reviewerId: reviewer.id, ok: r.ok }, "question card action");
    return r;
  }

  async function onPress(msg: InboundMessage, id: string): Promise<Reply[]> {
    const reviewer = await findActiveReviewer(db, msg.channel, msg.userId);
    if (!reviewer) {
      log.warn({ channel: msg.channel }, "question card press from a non-official refused");
      return [{ text: t("review.reviewer.not_registered") }];
    }
    const dot = id.indexOf(".");
    const action = id.slice(0, dot) as QuestionCardAction;
    const questionId = id.slice(dot + 1);
    if (dot < 0 || !QUESTION_CARD_ACTIONS.includes(action) || !UUID_RE.test(questionId)) return [];
    const ref = shortId(questionId);
    // "Trả lời" claims the question first, so two officials do not write the same answer.
    if (action === "ans") {
      const q = await db.forwardedQuestion.findUnique({
        where: { id: questionId },
        select: { status: true, claimedById: true },
      });
      if (!q) return [{ text: t("questions.official.not_found", { ref }) }];
      if (!(q.status === "claimed" && q.claimedById === reviewer.id)) {
        const claimed = await act(reviewer, questionId, "claim");
        if (!claimed.ok) return describe(ref, "claim", claimed);
      }
    } else {
      const q = await db.forwardedQuestion.findUnique({
        where: { id: questionId },
        select: { status: true, claimedById: true },
      });
      if (!q) return [{ text: t("questions.official.not_found", { ref }) }];
      const open = q.status === "new" || (q.status === "claimed" && q.claimedById === reviewer.id);
      if (!open) {
        const by = q.claimedById
          ? (await db.reviewer.findUnique({ where: { id: q.claimedById }, select: { name: true } }))?.name
          : undefined;
        return describe(ref, "answer", { ok: false, reason: "conflict", current: q.status, by });
      }
    }
    await redis.set(
      pendingKey(msg),
      JSON.stringify({ action, questionId } satisfies Pending),
      "EX",
      PENDING_TTL_S,
    );
    return [{ text: t(`questions.official.ask_${action}`, { ref }) }];
  }

  async function onNext(msg: InboundMessage, pending: Pending, text: string): Promise<Reply[]> {
    const ref = shortId(pending.questionId);
    const reviewer = await findActiveReviewer(db, msg.channel, msg.userId);
    if (CANCEL.has(fold(text))) {
      await redis.del(pendingKey(msg));
      // Cancelling an answer gives the question back to the others.
      if (reviewer && pending.action === "ans")
        await actOnQuestion(db, {
          questionId: pending.questionId,
          action: "release",
          actor: { id: reviewer.id, name: reviewer.name },
        }).then((r) => r.ok && deps.pokeOutbox?.());
      return [{ text: t("questions.official.cancelled", { ref }) }];
    }
    const max = pending.action === "ans" ? MAX_ANSWER_LENGTH : MAX_REASON_LENGTH;
    if (text.trim().length > max) return [{ text: t("questions.official.too_long", { max }) }];
    if (!reviewer) {
      await redis.del(pendingKey(msg));
      return [{ text: t("review.reviewer.not_registered") }];
    }
    try {
      if (pending.action === "dup") {
        const target = await findByShortId(db, text);
        if (!target || target === pending.questionId)
          return [{ text: t("questions.official.duplicate_unknown", { ref: text.trim().slice(0, 40) }) }];
        await redis.del(pendingKey(msg));
        return describe(
          ref,
          "duplicate",
          await act(reviewer, pending.questionId, "duplicate", { duplicateOfId: target }),
        );
      }
      await redis.del(pendingKey(msg));
      const action: QuestionAction = pending.action === "ans" ? "answer" : "dismiss";
      return describe(ref, action, await act(reviewer, pending.questionId, action, { text }));
    } catch (err) {
      if (err instanceof QuestionInputError)
        return [{ text: t(`questions.official.input_${err.reason}`, { ref }) }];
      throw err;
    }
  }

  return async (msg, next) => {
    // Officials are registered on Telegram only: other channels pass straight on (no Redis read).
    if (msg.channel !== "telegram") return next();
    if (msg.choice?.token === QUESTION_CARD_TOKEN) return onPress(msg, msg.choice.id);
    const text = msg.text?.trim();
    if (!text || (text.startsWith("/") && !CANCEL.has(fold(text)))) return next();
    const raw = await redis.get(pendingKey(msg));
    if (!raw) return next();
    return onNext(msg, JSON.parse(raw) as Pending, text);
  };
}
