/**
 * Reviewer cards on Telegram: one message per new nomination in each reviewer's private chat
 * (and the review group), with buttons that act on it; edited in place to show the outcome and
 * who decided, after which it has no buttons. The card message ids are stored (ReviewCard) so a
 * retried event sends no second card.
 */
import type { Logger } from "pino";
import { PermanentSendError, RecipientUnreachableError } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import type { Status } from "./transitions.js";
import { REVIEW_CHOICE_TOKEN } from "../channels/types.js";

/** The part of the Telegram channel the review module needs (src/channels/telegram/cards.ts). */
export interface CardSender {
  sendCard(chatId: string, html: string, buttons: { label: string; data: string }[][]): Promise<number>;
  editCard(
    chatId: string,
    messageId: number,
    html: string,
    buttons: { label: string; data: string }[][],
  ): Promise<void>;
}

/** Callback data token of card buttons: `rv|<action>.<code>`. */
export const CARD_TOKEN = REVIEW_CHOICE_TOKEN;
export const CARD_ACTIONS = {
  claim: "claim",
  approve: "approve",
  reject: "reject",
  info: "request_info",
} as const;
export type CardAction = keyof typeof CARD_ACTIONS;

const ACHIEVEMENTS_PREVIEW = 300;

/** Telegram's HTML mode knows &lt; &gt; &amp; &quot; — enough to show any text as text. */
function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function shorten(s: string, max: number): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export interface CardDeps {
  db: Db;
  i18n: Translator;
  cards: CardSender;
  /** TELEGRAM_REVIEW_CHAT_ID, the shared reviewers' group. */
  reviewChatId?: string;
  logger: Logger;
}

/** The card's text and buttons for the nomination's current state. */
export async function renderCard(
  deps: Pick<CardDeps, "db" | "i18n">,
  nominationId: string,
): Promise<{ html: string; buttons: { label: string; data: string }[][] } | undefined> {
  const n = await deps.db.nomination.findUnique({
    where: { id: nominationId },
    include: {
      _count: { select: { attachments: true } },
      decidedBy: { select: { name: true } },
      claimedBy: { select: { name: true } },
    },
  });
  if (!n) return undefined;
  const t = (key: string, vars?: Record<string, string | number>) => deps.i18n.t("vi", key, vars);
  const status = n.status as Status;
  const lines = [
    `<b>${esc(t("review.card.title"))}</b>`,
    `${esc(t("review.card.code"))}: <code>${esc(n.code)}</code>`,
    `${esc(t("review.card.category"))}: ${esc(t(`review.category.${n.category}`))}`,
    `${esc(t("review.card.nominee"))}: ${esc(n.nomineeName)} — ${esc(n.nomineeUnit)}`,
    `${esc(t("review.card.locality"))}: ${esc(n.locality)}`,
    `${esc(t("review.card.achievements"))}: ${esc(shorten(n.achievements, ACHIEVEMENTS_PREVIEW))}`,
    `${esc(t("review.card.evidence"))}: ${esc(t("review.card.evidence_count", { count: n._count.attachments }))}`,
    `${esc(t("review.card.status"))}: <b>${esc(t(`review.status.${status}`))}</b>`,
  ];
  const who = n.decidedBy?.name ?? (status === "in_review" ? n.claimedBy?.name : undefined);
  if (who) lines.push(`${esc(t("review.card.by"))}: ${esc(who)}`);
  if (status === "needs_info" && n.infoRequestNote)
    lines.push(`${esc(t("review.card.note"))}: ${esc(shorten(n.infoRequestNote, 300))}`);
  if (status === "rejected" && n.decisionNote)
    lines.push(`${esc(t("review.card.note"))}: ${esc(shorten(n.decisionNote, 300))}`);
  const answers = Array.isArray(n.infoAnswers) ? (n.infoAnswers as Array<{ text?: string }>) : [];
  const lastAnswer = answers[answers.length - 1]?.text;
  // An answer returns the nomination to the pool, or to its holder ("in_review"): either way it is news.
  if ((status === "submitted" || status === "in_review") && lastAnswer)
    lines.push(`${esc(t("review.card.answer"))}: ${esc(shorten(lastAnswer, 300))}`);

  const button = (action: CardAction) => ({
    label: t(`review.button.${action}`),
    data: `${CARD_TOKEN}|${action}.${n.code}`,
  });
  const buttons =
    status === "submitted"
      ? [
          [button("claim"), button("approve")],
          [button("reject"), button("info")],
        ]
      : status === "in_review"
        ? [[button("approve"), button("reject")], [button("info")]]
        : [];
  return { html: lines.join("\n"), buttons };
}

/** The chats that receive cards: every active reviewer registered on Telegram, plus the review group. */
async function cardChats(deps: CardDeps): Promise<string[]> {
  const reviewers = await deps.db.reviewer.findMany({
    where: { active: true, channel: "telegram", externalId: { not: null } },
    select: { externalId: true },
  });
  const chats = new Set(reviewers.map((r) => r.externalId!));
  if (deps.reviewChatId) chats.add(deps.reviewChatId);
  return [...chats];
}

/**
 * Sends the card of a new nomination to every reviewer chat that has none yet. Safe to call
 * again after a failure: chats that already got their card are skipped.
 */
export async function sendCards(deps: CardDeps, nominationId: string): Promise<void> {
  const card = await renderCard(deps, nominationId);
  if (!card) return;
  const have = new Set(
    (await deps.db.reviewCard.findMany({ where: { nominationId }, select: { chatId: true } })).map(
      (c) => c.chatId,
    ),
  );
  const failures: string[] = [];
  for (const chatId of await cardChats(deps)) {
    if (have.has(chatId)) continue;
    try {
      const messageId = await deps.cards.sendCard(chatId, card.html, card.buttons);
      await deps.db.reviewCard.create({ data: { nominationId, chatId, messageId } });
    } catch (err) {
      const final = err instanceof RecipientUnreachableError || err instanceof PermanentSendError;
      deps.logger.warn(
        { nominationId, chatId, err: (err as Error).message, final },
        final ? "reviewer card cannot be delivered to this chat" : "reviewer card not sent; will retry",
      );
      if (!final) failures.push(chatId);
    }
  }
  // Each failed card is retried on its own: the event runs again (with backoff) and skips the chats
  // that have their card. A chat that can never be reached (blocked, removed) is not retried.
  if (failures.length) throw new Error(`${failures.length} reviewer card(s) not sent yet; retrying them`);
}

/**
 * After an erasure: every card of these nominations is edited to say only the code and "đã xóa
 * theo yêu cầu", without buttons, so reviewers' chats keep no copy of the person's data.
 */
export async function eraseCards(deps: CardDeps, nominationIds: string[]): Promise<void> {
  const cards = await deps.db.reviewCard.findMany({
    where: { nominationId: { in: nominationIds } },
    include: { nomination: { select: { code: true } } },
  });
  const failures: string[] = [];
  for (const c of cards) {
    const text = `<code>${esc(c.nomination.code)}</code>: ${esc(deps.i18n.t("vi", "review.card.erased"))}`;
    await deps.cards.editCard(c.chatId, c.messageId, text, []).catch((err: unknown) => {
      const message = (err as Error).message;
      // A deleted message or one already edited: nothing left to erase there.
      if (/not modified|not found|can't be edited/i.test(message)) return;
      deps.logger.warn({ nominationId: c.nominationId, err: message }, "reviewer card not erased");
      failures.push(c.id);
    });
  }
  if (failures.length) throw new Error(`${failures.length} reviewer card(s) not erased yet`);
}

/** Edits every card of a nomination to its current state (outcome, who decided; no buttons once decided). */
export async function refreshCards(deps: CardDeps, nominationId: string): Promise<void> {
  const card = await renderCard(deps, nominationId);
  if (!card) return;
  for (const c of await deps.db.reviewCard.findMany({ where: { nominationId } })) {
    await deps.cards.editCard(c.chatId, c.messageId, card.html, card.buttons).catch((err: unknown) => {
      // "message is not modified" after a retry, or a deleted message: nothing to do.
      deps.logger.warn({ nominationId, err: (err as Error).message }, "reviewer card not edited");
    });
  }
}
