/**
 * "Câu hỏi của tôi": a citizen sees the questions they forwarded, newest first, with where each
 * stands and, once answered, the answer. Plugged into the conversation as a command.
 */
import type { ConversationPlugin, PersonContext } from "../conversation/extensions.js";
import type { Reply } from "../channels/types.js";
import { shortId } from "./transitions.js";

/** How many questions the list shows (a phone screen). */
const SHOWN = 5;
const PREVIEW = 160;

function shorten(s: string, max: number): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function day(d: Date): string {
  return new Intl.DateTimeFormat("vi-VN", {
    timeZone: "Asia/Ho_Chi_Minh",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  }).format(d);
}

/** The list of the person's own questions. */
export async function myQuestions(ctx: PersonContext): Promise<Reply[]> {
  const t = (key: string, vars?: Record<string, string | number>) => ctx.i18n.t(ctx.lang, key, vars);
  const [rows, total] = await Promise.all([
    ctx.db.forwardedQuestion.findMany({
      where: { personId: ctx.personId },
      orderBy: { createdAt: "desc" },
      take: SHOWN,
      include: {
        duplicateOf: { select: { status: true, answer: true, answerUnit: true, answeredAt: true } },
      },
    }),
    ctx.db.forwardedQuestion.count({ where: { personId: ctx.personId } }),
  ]);
  if (!rows.length) return [{ text: t("questions.mine.none") }];
  const lines = rows.map((q, i) => {
    // A duplicate is answered by its original's answer.
    const source =
      q.status === "duplicate" && q.duplicateOf?.status === "answered"
        ? q.duplicateOf
        : q.status === "answered"
          ? q
          : undefined;
    const status = source
      ? t("questions.mine.answered", {
          date: day(source.answeredAt ?? q.updatedAt),
          unit: source.answerUnit ?? "",
        })
      : t(`questions.mine.status_${q.status}`);
    const head = t("questions.mine.item", {
      n: i + 1,
      ref: shortId(q.id),
      date: day(q.createdAt),
      question: shorten(q.question, PREVIEW),
      status,
    });
    return source?.answer
      ? `${head}\n${t("questions.mine.answer", { answer: shorten(source.answer, 400) })}`
      : head;
  });
  const more = total > rows.length ? [t("questions.mine.more", { shown: rows.length, total })] : [];
  return [{ text: [t("questions.mine.title"), ...lines, ...more].join("\n\n") }];
}

/** @example engine.use(createMyQuestionsPlugin()) */
export function createMyQuestionsPlugin(): ConversationPlugin {
  return {
    commands: {
      // Not a menu item (the menu stays short on Zalo): the help text and the forwarding confirmation name it.
      "/cauhoi": { run: (_args, ctx) => myQuestions(ctx), words: "questions.words.mine", personal: true },
    },
  };
}
