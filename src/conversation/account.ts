/**
 * What a person does about their own things: the status of a code (only its owner learns
 * anything), withdrawing a submission, listing their submissions, asking for their data to be
 * deleted, forwarding an unanswered question to an official, and choosing the language.
 */
import { parseCode } from "../db/codes.js";
import type { Lang } from "../i18n/locales.js";
import { inGroup, sendToPrivateChat } from "./chat-scope.js";
import type { Kit, Turn } from "./context.js";
import { forwardQuestion, pendingDeletionSince, requestDeletion } from "./data-requests.js";

export interface AccountActions {
  /** "trạng thái DC-…", or a bare code: its status, with "Rút hồ sơ" when still possible. */
  status(turn: Turn, text: string): Promise<void>;
  /** "rút hồ sơ DC-…": asks to confirm. */
  askWithdraw(turn: Turn, text: string): Promise<void>;
  withdraw(turn: Turn, code: string): Promise<void>;
  /** "hồ sơ của tôi": every submission of the person, newest first, with its status. */
  mine(turn: Turn): Promise<void>;
  askDeletion(turn: Turn): void;
  requestDeletion(turn: Turn): Promise<void>;
  forward(turn: Turn, question: string): Promise<void>;
  /** Asks which language (Tiếng Việt / English) instead of toggling blindly. */
  askLanguage(turn: Turn): void;
  /** Switches to the language chosen; only unmistakable text in the other language overrides it. */
  setLanguage(turn: Turn, to: Lang): Promise<void>;
}

/** dd/mm/yyyy in Vietnam's time zone (what the person saw on their phone when they asked). */
const vnDate = (d: Date) =>
  new Intl.DateTimeFormat("vi-VN", {
    timeZone: "Asia/Ho_Chi_Minh",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  }).format(d);

/** The most submissions "hồ sơ của tôi" lists (the newest). */
const MINE_LIMIT = 10;

/** @example k.account = createAccountActions(k); await k.account.status(turn, "DC-2026-000001") */
export function createAccountActions(k: Kit): AccountActions {
  const { db } = k.deps;

  async function lookup(turn: Turn, text: string, how: string) {
    const parsed = parseCode(text);
    if (!parsed) {
      k.say(turn, k.t(turn, how));
      return undefined;
    }
    const answer = await k.registry.lookups.get(parsed.prefix)?.(parsed.code, k.person(turn));
    if (!answer) k.say(turn, k.t(turn, "conversation.status.not_found", { code: parsed.code }));
    return answer ? { ...answer, code: parsed.code } : undefined;
  }

  return {
    async status(turn, text) {
      if (inGroup(turn.msg)) return sendToPrivateChat(k, turn);
      const answer = await lookup(turn, text, "conversation.status.how");
      if (!answer) return;
      if (answer.withdrawable && k.registry.withdrawals.has(answer.code.slice(0, 2)))
        return k.questions.ask(turn, answer.text, { kind: "status", code: answer.code });
      k.say(turn, answer.text);
    },
    async askWithdraw(turn, text) {
      if (inGroup(turn.msg)) return sendToPrivateChat(k, turn);
      const answer = await lookup(turn, text, "conversation.withdraw.how");
      if (!answer) return;
      if (!answer.withdrawable)
        return k.say(turn, k.t(turn, "conversation.withdraw.not_possible", { code: answer.code }));
      k.questions.ask(turn, k.t(turn, "conversation.withdraw.confirm", { code: answer.code }), {
        kind: "withdraw-confirm",
        code: answer.code,
      });
    },
    async withdraw(turn, code) {
      const done = (await k.registry.withdrawals.get(code.slice(0, 2))?.(code, k.person(turn))) ?? false;
      if (done) k.log(turn).info({ code }, "submission withdrawn by its submitter");
      k.say(
        turn,
        k.t(turn, done ? "conversation.withdraw.done" : "conversation.withdraw.not_possible", { code }),
      );
    },
    async mine(turn) {
      // The list names the person's submissions and their status: not for the group to read.
      if (inGroup(turn.msg)) return sendToPrivateChat(k, turn);
      const ctx = k.person(turn);
      const [lists, deletionSince] = await Promise.all([
        Promise.all(k.registry.submissionLists.map((list) => list(ctx))),
        pendingDeletionSince(db, turn.session.personId),
      ]);
      const lines = lists.flat().sort((a, b) => b.at.getTime() - a.at.getTime());
      // "My data" must say that the data is about to be erased: a person who asked and then looks
      // would otherwise think the request was lost (black-box finding).
      const deletion = deletionSince
        ? k.t(turn, "conversation.mine.deletion_pending", { date: vnDate(deletionSince) })
        : undefined;
      if (!lines.length)
        return k.menu.show(
          turn,
          [k.t(turn, "conversation.mine.none"), deletion].filter(Boolean).join("\n\n"),
        );
      k.say(
        turn,
        [
          k.t(turn, "conversation.mine.title"),
          ...lines.slice(0, MINE_LIMIT).map((l) => `• ${l.text}`),
          ...(deletion ? ["", deletion] : []),
          k.t(turn, "conversation.status.how"),
        ].join("\n"),
      );
    },
    askDeletion(turn) {
      if (inGroup(turn.msg)) return sendToPrivateChat(k, turn);
      k.questions.ask(turn, k.t(turn, "conversation.deletion.confirm"), { kind: "delete-confirm" });
    },
    async requestDeletion(turn) {
      await requestDeletion(db, {
        personId: turn.session.personId,
        channel: turn.msg.channel,
        chatId: turn.msg.chatId,
      });
      k.deps.pokeOutbox?.();
      k.log(turn).info("deletion requested");
      k.say(turn, k.t(turn, "conversation.deletion.queued"));
    },
    async forward(turn, question) {
      await forwardQuestion(db, { personId: turn.session.personId, question, language: turn.lang });
      k.deps.pokeOutbox?.();
      k.say(turn, k.t(turn, "conversation.forward.done"));
    },
    askLanguage(turn) {
      k.questions.ask(turn, k.t(turn, "conversation.language_question"), { kind: "language" });
    },
    async setLanguage(turn, to) {
      turn.lang = to;
      turn.session.lang = turn.lang;
      turn.session.langChosen = true;
      await db.person.update({ where: { id: turn.session.personId }, data: { language: turn.lang } });
      k.menu.show(turn, k.t(turn, "conversation.language_set"));
    },
  };
}
