/**
 * The review module's part of the inbound pipeline, before the conversation engine:
 *  - presses of reviewer card buttons (token "rv"), honoured only for registered active reviewers;
 *  - a reviewer's next message as the reason for a rejection or information request;
 *  - "/dangnhap" from a reviewer in a private chat: a one-time sign-in link for the panel;
 *  - a submitter's answer to an information request.
 * Everything else passes on to the engine.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { InboundMessage, Reply } from "../channels/types.js";
import type { Db } from "../db/client.js";
import { LANGS, type Translator } from "../i18n/locales.js";
import type { Middleware } from "../conversation/pipeline.js";
import { fold as foldText } from "../i18n/fold.js";
import { CARD_ACTIONS, CARD_TOKEN, type CardAction } from "./cards.js";
import {
  answerInfoRequest,
  decideNomination,
  MAX_NOTE_LENGTH,
  type HeldByOther,
  type ReviewAction,
} from "./decisions.js";
import { createLoginLink } from "./login-links.js";
import { awaitingAnswerKey, langOf } from "./notifications.js";
import { findActiveReviewer, type ReviewerView } from "./reviewers.js";
import type { TransitionResult } from "./transitions.js";
import { redisKeys } from "../redis/keys.js";

export interface ReviewerMiddlewareDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  i18n: Translator;
  /** Base URL of the panel for sign-in links (PUBLIC_URL or http://localhost:PORT). */
  panelUrl: string;
  logger: Logger;
  /** Nudges the outbox relay after a decision, so notifications go out at once. */
  pokeOutbox?: () => void;
  /** Whether text is a command ("đề cử", "trạng thái …", "/menu"): it passes on even while an answer is awaited. */
  isCommand?: (text: string) => boolean;
}

/** How long the bot waits for a reviewer's reason after "Từ chối" / "Yêu cầu bổ sung". */
const REASON_TTL_S = 30 * 60;
const CODE_RE = /^(DC|TD)-\d{4}-\d{6}$/;

/** Folded the engine's way, keeping the "/" of a command, so "Hủy", "huy" and "HỦY" read alike. */
const fold = (s: string) => foldText(s, "/");

/**
 * @example middlewares.push(createReviewerMiddleware({ db, redis, prefix, i18n, panelUrl, logger }))
 */
export function createReviewerMiddleware(deps: ReviewerMiddlewareDeps): Middleware {
  const { db, redis, prefix, i18n } = deps;
  const log = deps.logger.child({ concern: "review" });
  const t = (key: string, vars?: Record<string, string | number>) => i18n.t("vi", key, vars);
  // "hủy" and "bỏ qua" in every language, from the same word lists the conversation uses.
  const wordSet = (list: string) =>
    new Set(
      LANGS.flatMap((lang) => i18n.t(lang, `conversation.words.${list}`).split("\n")).map((w) => fold(w)),
    );
  const CANCEL = wordSet("cancel");
  const SKIP = wordSet("skip");
  const reasonKey = (msg: InboundMessage) => redisKeys.reviewReason(prefix, msg.channel, msg.userId);

  const describe = (code: string, action: ReviewAction, r: TransitionResult | HeldByOther): Reply[] => {
    if (r.ok) return [{ text: t(`review.reviewer.done_${action}`, { code }) }];
    if (r.reason === "not_found") return [{ text: t("review.reviewer.not_found", { code }) }];
    if (r.reason === "held") return [{ text: t("review.reviewer.held", { code, who: r.holder }) }];
    const who =
      r.decidedBy ??
      (r.current === "in_review" ? r.claimedBy : undefined) ??
      (r.current !== "submitted" ? r.lastActor : undefined);
    const status = t(`review.status.${r.current}`);
    return [
      {
        text: who
          ? t("review.reviewer.conflict", { code, who, status })
          : t("review.reviewer.conflict_unknown", { code, status }),
      },
    ];
  };

  async function act(
    reviewer: ReviewerView,
    code: string,
    action: ReviewAction,
    note?: string,
  ): Promise<Reply[]> {
    const n = await db.nomination.findUnique({ where: { code }, select: { id: true } });
    if (!n) return [{ text: t("review.reviewer.not_found", { code }) }];
    // A card press respects a colleague's claim just as the panel does: taking over is done, explicitly, in the panel.
    const result = await decideNomination(db, {
      nominationId: n.id,
      action,
      reviewer: { id: reviewer.id, name: reviewer.name },
      note,
      respectClaim: true,
    });
    if (result.ok) deps.pokeOutbox?.();
    log.info({ code, action, reviewerId: reviewer.id, ok: result.ok }, "card action");
    return describe(code, action, result);
  }

  async function onCardPress(msg: InboundMessage, id: string): Promise<Reply[]> {
    const reviewer = await findActiveReviewer(db, msg.channel, msg.userId);
    if (!reviewer) {
      log.warn({ channel: msg.channel, chatId: msg.chatId }, "card press from a non-reviewer refused");
      return [{ text: t("review.reviewer.not_registered") }];
    }
    const dot = id.indexOf(".");
    const cardAction = id.slice(0, dot) as CardAction;
    const code = id.slice(dot + 1);
    if (dot < 0 || !(cardAction in CARD_ACTIONS) || !CODE_RE.test(code)) return [];
    const action = CARD_ACTIONS[cardAction];
    if (action === "reject" || action === "request_info") {
      await redis.set(reasonKey(msg), JSON.stringify({ action, code }), "EX", REASON_TTL_S);
      return [
        {
          text: t(
            action === "reject" ? "review.reviewer.ask_reason_reject" : "review.reviewer.ask_reason_info",
            { code },
          ),
        },
      ];
    }
    return act(reviewer, code, action);
  }

  async function onReason(
    msg: InboundMessage,
    pending: { action: ReviewAction; code: string },
    text: string,
  ): Promise<Reply[]> {
    if (CANCEL.has(fold(text))) {
      await redis.del(reasonKey(msg));
      return [{ text: t("review.reviewer.reason_cancelled", { code: pending.code }) }];
    }
    if (text.trim().length > MAX_NOTE_LENGTH)
      return [{ text: t("review.reviewer.reason_too_long", { max: MAX_NOTE_LENGTH }) }];
    const reviewer = await findActiveReviewer(db, msg.channel, msg.userId);
    await redis.del(reasonKey(msg));
    if (!reviewer) return [{ text: t("review.reviewer.not_registered") }];
    return act(reviewer, pending.code, pending.action, text);
  }

  async function onSignInRequest(msg: InboundMessage): Promise<Reply[]> {
    const reviewer = await findActiveReviewer(db, msg.channel, msg.userId);
    if (!reviewer) return [{ text: t("review.reviewer.not_registered") }];
    // A link posted in a group could be used by anyone in it.
    if (msg.chatId !== msg.userId) return [{ text: t("review.reviewer.login_private_only") }];
    const { url } = await createLoginLink(db, reviewer.id, deps.panelUrl, {
      reviewerId: reviewer.id,
      label: reviewer.name,
    });
    log.info({ reviewerId: reviewer.id }, "sign-in link issued in chat");
    return [{ text: t("review.reviewer.login_link", { url }) }];
  }

  async function onAnswer(msg: InboundMessage, nominationId: string, text: string): Promise<Reply[]> {
    const person = await db.person.findUnique({
      where: { channel_externalId: { channel: msg.channel, externalId: msg.userId } },
      select: { language: true },
    });
    const lang = langOf(person?.language ?? msg.languageHint);
    const key = awaitingAnswerKey(prefix, msg.channel, msg.chatId);
    const n = await db.nomination.findUnique({ where: { id: nominationId }, select: { code: true } });
    if (!n) {
      await redis.del(key);
      return [];
    }
    const folded = fold(text);
    if (SKIP.has(folded) || CANCEL.has(folded)) {
      await redis.del(key);
      return [{ text: i18n.t(lang, "review.notify.answer_skipped", { code: n.code }) }];
    }
    // Commands typed as words keep working while an answer is awaited.
    if (deps.isCommand?.(text)) return [];
    const result = await answerInfoRequest(db, { nominationId, text, at: new Date(msg.at) });
    await redis.del(key);
    if (!result.ok) return []; // no longer waiting (withdrawn, decided): the engine handles the text
    deps.pokeOutbox?.();
    log.info({ nominationId, code: n.code }, "information request answered");
    return [{ text: i18n.t(lang, "review.notify.answer_received", { code: n.code }) }];
  }

  return async (msg, next) => {
    if (msg.choice?.token === CARD_TOKEN) return onCardPress(msg, msg.choice.id);
    const text = msg.text?.trim();
    if (!text) return next();

    // Both states are read in one round trip: this runs before every text message.
    const [pendingRaw, awaiting] = await redis.mget(
      reasonKey(msg),
      awaitingAnswerKey(prefix, msg.channel, msg.chatId),
    );
    if (pendingRaw)
      return onReason(msg, JSON.parse(pendingRaw) as { action: ReviewAction; code: string }, text);

    const command = fold(text).split(/\s+/)[0]?.replace(/@\w+$/, "");
    if (command === "/dangnhap" || command === "/login") return onSignInRequest(msg);

    if (!text.startsWith("/")) {
      if (awaiting) {
        const replies = await onAnswer(msg, awaiting, text);
        if (replies.length) return replies;
      }
    }
    return next();
  };
}
