/**
 * The plan's knowledge in the chat: answers to typed questions, browsing levels and their entries
 * from the menu, and the offer to forward a question the plan does not answer. A list stays
 * usable after one of its items was read (its buttons keep working, and every entry offers the
 * way back to the list), so reading a second item never means asking again.
 */
import { capabilitiesOf } from "../channels/capabilities.js";
import type { AnswerChoice, Knowledge } from "../knowledge/index.js";
import type { Kit, Turn } from "./context.js";

export interface KnowledgeView {
  /**
   * Answers a typed question; when the plan declines, a plugged-in second opinion (officials' FAQ)
   * may answer instead, still offering to forward; on a first contact with nothing found, greets
   * with the menu.
   */
  answer(turn: Turn, question: string, firstContact: boolean): Promise<void>;
  /**
   * The plan's answer to a question asked while a flow step waits, as plain text (the step stays
   * the open question, so no list or "forward?" offer is opened): `confident` when the plan (or a
   * plugged-in second opinion) answers it, otherwise a short "not in the plan" note.
   */
  aside(turn: Turn, question: string): Promise<{ text: string; confident: boolean }>;
  /** The levels to browse (the menu's "Hỏi đáp"). */
  levels(turn: Turn): void;
  /** Opens a choice of a shown list: a level's entries or one entry. */
  open(turn: Turn, choice: AnswerChoice | undefined): void;
  /** Shows the last list again. */
  reshow(turn: Turn): void;
  /** Whether a button press belongs to the last list shown (then it is not stale). */
  isListToken(turn: Turn, token: string): boolean;
}

/** @example k.knowledge = createKnowledgeView(k); k.knowledge.answer(turn, "chỉ tiêu cấp xã", false) */
export function createKnowledgeView(k: Kit): KnowledgeView {
  const kb = (): Knowledge => k.deps.knowledge;

  /**
   * Without buttons (Zalo) the choices already arrive as a numbered list, one line per item: the
   * answer's own numbered lines of the same items are left out, so a level's targets are sent once
   * (they came twice, ~1,900 + 1,400 characters; black-box finding). The plan's wording of each
   * item is one number away.
   */
  function forChannel(turn: Turn, text: string, choices: AnswerChoice[]): string {
    if (capabilitiesOf(turn.msg.channel).buttons || !choices.length) return text;
    const lines = text.split("\n");
    const numbered = (l: string) => /^\d+\. /.test(l);
    if (lines.filter(numbered).length !== choices.length) return text;
    return lines.filter((l) => !numbered(l)).join("\n");
  }

  function list(turn: Turn, text: string, choices: AnswerChoice[]) {
    k.questions.ask(turn, forChannel(turn, text, choices), { kind: "knowledge", choices });
    turn.session.browse = { token: turn.session.token!, text, choices };
  }

  function show(turn: Turn, answer: ReturnType<Knowledge["show"]>) {
    if (answer.choices?.length) return list(turn, answer.text, answer.choices);
    // One entry of a list: the way back to it goes with the text.
    if (turn.session.browse) return k.questions.ask(turn, answer.text, { kind: "entry" });
    k.say(turn, answer.text);
  }

  const self: KnowledgeView = {
    async answer(turn, question, firstContact) {
      const answer = kb().ask(question, turn.lang);
      // "Did you mean", or the nearest the plan has ("no targets for villages; the commune's are"):
      // the plan is not sure what it shows is what was asked, so an official is offered too.
      const unsure = !answer.answered && answer.kind !== "none";
      if (answer.kind !== "none" && !unsure) {
        turn.session.browse = undefined; // a new answer: the old list is no longer what "back" means
        return show(turn, answer);
      }
      // The plan declined or is unsure: only now may a plugin answer (a confident plan answer always
      // wins), e.g. an official's published answer to this very question.
      let text: string | undefined;
      for (const f of k.registry.fallbacks) if ((text = (await f(question, k.person(turn)))?.text)) break;
      if (text) {
        turn.session.browse = undefined;
        return k.questions.ask(turn, text, { kind: "kb-none", question: question.slice(0, 2000) });
      }
      if (unsure && !answer.choices?.length)
        return k.questions.ask(turn, answer.text, { kind: "kb-none", question: question.slice(0, 2000) });
      if (unsure) {
        // None of the offered items may be what was asked, so forwarding is offered too.
        k.questions.ask(turn, forChannel(turn, answer.text, answer.choices!), {
          kind: "knowledge",
          choices: answer.choices!,
          question: question.slice(0, 2000),
        });
        turn.session.browse = { token: turn.session.token!, text: answer.text, choices: answer.choices! };
        return;
      }
      if (firstContact) return k.menu.show(turn, k.t(turn, "conversation.welcome"));
      k.questions.ask(turn, answer.text, { kind: "kb-none", question: question.slice(0, 2000) });
    },
    async aside(turn, question) {
      const answer = kb().ask(question, turn.lang);
      const unsure = !answer.answered && answer.kind !== "none";
      if (answer.kind !== "none" && !unsure) return { text: answer.text, confident: true };
      for (const f of k.registry.fallbacks) {
        const text = (await f(question, k.person(turn)))?.text;
        if (text) return { text, confident: true };
      }
      return { text: k.t(turn, "conversation.question_in_flow.not_answered"), confident: false };
    },
    levels(turn) {
      list(turn, k.t(turn, "conversation.ask_intro"), kb().levels(turn.lang));
    },
    open(turn, choice) {
      if (!choice) return k.menu.show(turn);
      if (
        kb()
          .levels(turn.lang)
          .some((l) => l.id === choice.id)
      ) {
        const entries = kb().entriesOf(choice.id, turn.lang);
        if (entries.length) return list(turn, kb().show(choice.id, turn.lang).text, entries);
      }
      show(turn, kb().show(choice.id, turn.lang));
    },
    reshow(turn) {
      const b = turn.session.browse;
      if (!b) return k.menu.show(turn);
      list(turn, b.text, b.choices);
    },
    isListToken: (turn, token) => turn.session.browse?.token === token,
  };
  return self;
}
