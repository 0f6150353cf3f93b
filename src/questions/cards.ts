/**
 * Officials' Telegram cards for forwarded questions: one message per question in each official's
 * private chat (and the review group), with the buttons Trả lời / Trùng / Bỏ qua; edited in place
 * once the question is handled. Message ids are stored (QuestionCard) so a retried event sends no
 * second card.
 */
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import type { CardSender } from "../review/cards.js";
import { shortId, type QuestionStatus } from "./transitions.js";

/** Callback data token of question card buttons: `qa|<action>.<question id>`. */
export const QUESTION_CARD_TOKEN = "qa";
export const QUESTION_CARD_ACTIONS = ["ans", "dup", "dis"] as const;
export type QuestionCardAction = (typeof QUESTION_CARD_ACTIONS)[number];

const QUESTION_PREVIEW = 1_500;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function shorten(s: string, max: number): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export interface QuestionCardDeps {
  db: Db;
  i18n: Translator;
  cards: CardSender;
  reviewChatId?: string;
  logger: Logger;
}

/** The card's text and buttons for the question's current state. */
export async function renderQuestionCard(
  deps: Pick<QuestionCardDeps, "db" | "i18n">,
  questionId: string,
): Promise<{ html: string; buttons: { label: string; data: string }[][] } | undefined> {
  const q = await deps.db.forwardedQuestion.findUnique({ where: { id: questionId } });
  if (!q) return undefined;
  const t = (key: string, vars?: Record<string, string | number>) => deps.i18n.t("vi", key, vars);
  const names = new Map(
    (
      await deps.db.reviewer.findMany({
        where: { id: { in: [q.claimedById, q.answeredById].filter((x): x is string => !!x) } },
        select: { id: true, name: true },
      })
    ).map((r) => [r.id, r.name]),
  );
  const status = q.status as QuestionStatus;
  const lines = [
    `<b>${esc(t("questions.card.title"))}</b> <code>#${shortId(q.id)}</code>`,
    `${esc(t("questions.card.channel"))}: ${esc(q.channel ?? "")}`,
    `${esc(t("questions.card.question"))}: ${esc(shorten(q.question, QUESTION_PREVIEW))}`,
    `${esc(t("questions.card.status"))}: <b>${esc(t(`questions.status.${status}`))}</b>`,
  ];
  const who =
    (q.answeredById && names.get(q.answeredById)) ||
    (status === "claimed" && q.claimedById && names.get(q.claimedById));
  if (who) lines.push(`${esc(t("questions.card.by"))}: ${esc(who)}`);
  if (status === "answered" && q.answer)
    lines.push(`${esc(t("questions.card.answer"))}: ${esc(shorten(q.answer, 500))}`);
  if (status === "dismissed" && q.dismissReason)
    lines.push(`${esc(t("questions.card.reason"))}: ${esc(shorten(q.dismissReason, 300))}`);
  if (status === "duplicate" && q.duplicateOfId)
    lines.push(`${esc(t("questions.card.duplicate_of"))}: <code>#${shortId(q.duplicateOfId)}</code>`);
  const button = (action: QuestionCardAction) => ({
    label: t(`questions.button.${action}`),
    data: `${QUESTION_CARD_TOKEN}|${action}.${q.id}`,
  });
  const buttons =
    status === "new" || status === "claimed" ? [[button("ans"), button("dup"), button("dis")]] : [];
  return { html: lines.join("\n"), buttons };
}

/** The chats that receive question cards and reminders: every active official on Telegram, plus the review group. */
export async function officialChats(db: Db, reviewChatId?: string): Promise<string[]> {
  const reviewers = await db.reviewer.findMany({
    where: { active: true, channel: "telegram", externalId: { not: null } },
    select: { externalId: true },
  });
  const chats = new Set(reviewers.map((r) => r.externalId!));
  if (reviewChatId) chats.add(reviewChatId);
  return [...chats];
}

/** Sends the card of a new question to every official chat that has none yet (safe to repeat). */
export async function sendQuestionCards(deps: QuestionCardDeps, questionId: string): Promise<void> {
  const card = await renderQuestionCard(deps, questionId);
  if (!card) return;
  const have = new Set(
    (await deps.db.questionCard.findMany({ where: { questionId }, select: { chatId: true } })).map(
      (c) => c.chatId,
    ),
  );
  let failures = 0;
  for (const chatId of await officialChats(deps.db, deps.reviewChatId)) {
    if (have.has(chatId)) continue;
    try {
      const messageId = await deps.cards.sendCard(chatId, card.html, card.buttons);
      await deps.db.questionCard.create({ data: { questionId, chatId, messageId } });
    } catch (err) {
      deps.logger.warn({ questionId, err: (err as Error).message }, "question card not sent");
      failures += 1;
    }
  }
  // One unreachable official must not block the others; retried only if no card went out at all.
  if (failures && (await deps.db.questionCard.count({ where: { questionId } })) === 0)
    throw new Error("no question card could be sent");
}

/** Edits every card of a question to its current state (no buttons once handled). */
export async function refreshQuestionCards(deps: QuestionCardDeps, questionId: string): Promise<void> {
  const card = await renderQuestionCard(deps, questionId);
  if (!card) return;
  for (const c of await deps.db.questionCard.findMany({ where: { questionId } })) {
    await deps.cards.editCard(c.chatId, c.messageId, card.html, card.buttons).catch((err: unknown) => {
      deps.logger.warn({ questionId, err: (err as Error).message }, "question card not edited");
    });
  }
}
