/**
 * Every question the engine itself asks (beyond a flow's own steps), as one table: for each kind,
 * the choices it offers (which are exactly what is shown and what typed text is matched against),
 * what a choice does, and whether other text must wait until it is answered.
 */
import type { Choice } from "../channels/types.js";
import type { Kit, Turn } from "./context.js";
import type { Matchable } from "./input.js";
import { matchChoice } from "./input.js";
import type { Pending } from "./session.js";
import type { WordList } from "./vocabulary.js";
import { applyPluginTurn } from "./plugin-questions.js";

type Of<K extends Pending["kind"]> = Extract<Pending, { kind: K }>;

/** How one kind of pending question behaves. */
export interface PendingKind<P extends Pending> {
  choices(k: Kit, turn: Turn, p: P): Matchable[];
  onChoice(k: Kit, turn: Turn, p: P, id: string): Promise<void> | void;
  /**
   * A blocking question must be answered first: other text gets a reminder and nothing is lost
   * (cancel? resume?). A non-blocking one is dropped when the user moves on to something else
   * (a new question while "forward this?" is open is simply answered).
   */
  blocking: boolean;
  /** Match labels by prefix and contained phrase too (long labels); short yes/no labels match exactly. */
  loose?: boolean;
}

/** A two-way choice whose labels come from locales and whose typed words come from word lists. */
function twoWay(
  k: Kit,
  turn: Turn,
  a: { id: string; label: string; words: WordList[] },
  b: { id: string; label: string; words: WordList[] },
): Matchable[] {
  return [a, b].map((c) => ({
    id: c.id,
    label: k.t(turn, c.label),
    aliases: c.words.flatMap((w) => k.vocab.words(w)),
  }));
}
const yes = (label: string, ...words: WordList[]) => ({
  id: "yes",
  label,
  words: ["yes", ...words] as WordList[],
});
const no = (label: string, ...words: WordList[]) => ({
  id: "no",
  label,
  words: ["no", ...words] as WordList[],
});
const resumeChoices = (k: Kit, turn: Turn) =>
  twoWay(
    k,
    turn,
    { id: "continue", label: "conversation.resume.continue", words: ["continue"] },
    { id: "restart", label: "conversation.resume.restart", words: ["restart"] },
  );
/** Back to where the user was: the flow's current step, or the menu. */
const backToWork = (k: Kit, turn: Turn) => (turn.session.flow ? k.runner.prompt(turn) : k.menu.show(turn));

/** The table. */
export const PENDING_KINDS: { [K in Pending["kind"]]: PendingKind<Of<K>> } = {
  step: {
    choices: (k, turn) => k.runner.choices(turn),
    onChoice: (k, turn, _p, id) => (turn.session.flow ? k.runner.onChoice(turn, id) : k.menu.show(turn)),
    blocking: false,
    loose: true,
  },
  menu: {
    choices: (k, turn) => k.menu.choices(turn),
    onChoice: (k, turn, _p, id) => k.menu.onChoice(turn, id),
    blocking: false,
    loose: true,
  },
  knowledge: {
    // A "did you mean" list (it carries the question) also offers forwarding it to an official.
    choices: (k, turn, p) => [
      ...p.choices.map((c, i) => ({ id: String(i), label: c.label })),
      ...(p.question
        ? [
            {
              id: "forward",
              label: k.t(turn, "conversation.forward.offer"),
              aliases: k.vocab.words("forward"),
            },
          ]
        : []),
    ],
    onChoice: (k, turn, p, id) =>
      id === "forward" && p.question
        ? k.questions.ask(turn, k.t(turn, "conversation.forward.consent"), {
            kind: "forward-consent",
            question: p.question,
          })
        : k.knowledge.open(turn, p.choices[Number(id)]),
    blocking: false,
    loose: true,
  },
  entry: {
    choices: (k, turn) => [
      { id: "list", label: k.t(turn, "conversation.back_to_list"), aliases: k.vocab.words("list") },
    ],
    onChoice: (k, turn) => k.knowledge.reshow(turn),
    blocking: false,
  },
  "kb-none": {
    choices: (k, turn) =>
      twoWay(
        k,
        turn,
        { id: "menu", label: "conversation.open_menu", words: ["menu"] },
        { id: "forward", label: "conversation.forward.offer", words: ["forward"] },
      ),
    onChoice: (k, turn, p, id) =>
      id === "forward"
        ? k.questions.ask(turn, k.t(turn, "conversation.forward.consent"), {
            kind: "forward-consent",
            question: p.question,
          })
        : k.menu.show(turn),
    blocking: false,
  },
  "forward-consent": {
    choices: (k, turn) => twoWay(k, turn, yes("conversation.forward.yes"), no("conversation.no")),
    onChoice: (k, turn, p, id) =>
      id === "yes"
        ? k.account.forward(turn, p.question)
        : k.menu.show(turn, k.t(turn, "conversation.forward.declined")),
    blocking: false,
  },
  "cancel-confirm": {
    choices: (k, turn) =>
      twoWay(k, turn, yes("conversation.cancel.yes", "cancel"), no("conversation.cancel.no", "continue")),
    onChoice: (k, turn, _p, id) => (id === "yes" ? k.runner.cancel(turn) : backToWork(k, turn)),
    blocking: true,
  },
  resume: {
    choices: resumeChoices,
    onChoice: (k, turn, _p, id) =>
      id === "restart" && turn.session.flow
        ? k.runner.restart(turn, turn.session.flow.flowId)
        : backToWork(k, turn),
    blocking: true,
  },
  "restart-confirm": {
    choices: resumeChoices,
    onChoice: (k, turn, p, id) => (id === "restart" ? k.runner.restart(turn, p.flowId) : backToWork(k, turn)),
    blocking: true,
  },
  warning: {
    choices: (k, turn) =>
      twoWay(
        k,
        turn,
        yes("conversation.warning.continue", "continue"),
        no("conversation.warning.stop", "stop"),
      ),
    onChoice: (k, turn, p, id) =>
      id === "yes" ? k.runner.acceptWarning(turn, p.warning) : k.runner.stop(turn),
    blocking: true,
  },
  "edit-field": {
    choices: (k, turn, p) => k.runner.fieldChoices(turn, p.fields),
    onChoice: (k, turn, p, id) =>
      turn.session.flow && p.fields[Number(id)]
        ? k.runner.edit(turn, p.fields[Number(id)]!)
        : backToWork(k, turn),
    blocking: true,
    loose: true,
  },
  "withdraw-confirm": {
    choices: (k, turn) =>
      twoWay(k, turn, yes("conversation.withdraw.yes", "withdraw"), no("conversation.no")),
    onChoice: (k, turn, p, id) =>
      id === "yes"
        ? k.account.withdraw(turn, p.code)
        : k.say(turn, k.t(turn, "conversation.withdraw.kept", { code: p.code })),
    blocking: false,
  },
  status: {
    choices: (k, turn) => [
      {
        id: "withdraw",
        label: k.t(turn, "conversation.withdraw.button"),
        aliases: k.vocab.words("withdraw"),
      },
    ],
    onChoice: (k, turn, p) =>
      k.questions.ask(turn, k.t(turn, "conversation.withdraw.confirm", { code: p.code }), {
        kind: "withdraw-confirm",
        code: p.code,
      }),
    blocking: false,
  },
  "delete-confirm": {
    choices: (k, turn) => twoWay(k, turn, yes("conversation.deletion.yes"), no("conversation.no")),
    onChoice: (k, turn, _p, id) =>
      id === "yes" ? k.account.requestDeletion(turn) : k.say(turn, k.t(turn, "conversation.deletion.kept")),
    blocking: false,
  },
  language: {
    // Each language named in itself, so whoever reads either finds theirs.
    choices: (k) => [
      { id: "vi", label: "Tiếng Việt", aliases: k.vocab.words("vietnamese") },
      { id: "en", label: "English", aliases: k.vocab.words("english") },
    ],
    onChoice: (k, turn, _p, id) => k.account.setLanguage(turn, id === "en" ? "en" : "vi"),
    blocking: false,
  },
  plugin: {
    choices: (_k, _turn, p) => p.choices,
    async onChoice(k, turn, p, id) {
      const handler = k.registry.answers.get(p.owner);
      turn.session.pending = undefined;
      if (!handler || !p.choices.some((c) => c.id === id)) return k.menu.show(turn);
      applyPluginTurn(k, turn, await handler(id, p.data, k.person(turn)));
    },
    blocking: false,
  },
};

/** Asking, answering and reminding, for every kind in the table. */
export interface PendingQuestions {
  /** Asks a question of a table kind: its buttons are the kind's choices. */
  ask(turn: Turn, text: string, pending: Exclude<Pending, { kind: "step" }>): void;
  /** The kind's choices for the question now pending. */
  choices(turn: Turn): Matchable[];
  /** Applies a pressed or typed choice to the pending question. */
  choose(turn: Turn, id: string): Promise<void>;
  /** Matches typed text to the pending question's choices: true when it was an answer and was applied. */
  answerTyped(turn: Turn, text: string): Promise<boolean>;
  isBlocking(turn: Turn): boolean;
  /** Shows the pending question again after a reminder. */
  remind(turn: Turn): void;
  /** "7" typed when the open question lists fewer choices: says so and shows the choices again. */
  outOfRange(turn: Turn, n: number): void;
}

const spec = (p: Pending) => PENDING_KINDS[p.kind] as PendingKind<Pending>;
const buttons = (m: Matchable[]): Choice[] => m.map(({ id, label }) => ({ id, label }));

/** @example k.questions = createPendingQuestions(k); k.questions.ask(turn, text, { kind: "delete-confirm" }) */
export function createPendingQuestions(k: Kit): PendingQuestions {
  const self: PendingQuestions = {
    ask(turn, text, pending) {
      turn.session.pending = pending; // choices() may read it
      k.ask(turn, text, buttons(spec(pending).choices(k, turn, pending)), pending);
    },
    choices: (turn) =>
      turn.session.pending ? spec(turn.session.pending).choices(k, turn, turn.session.pending) : [],
    async choose(turn, id) {
      const p = turn.session.pending;
      if (!p) return k.menu.show(turn);
      // A one-shot question is over once answered; a list (menu, knowledge) is replaced by what it opens.
      if (p.kind !== "step") turn.session.pending = undefined;
      await spec(p).onChoice(k, turn, p, id);
      // A side question answered during a flow (delete my data? withdraw?): back to the step.
      if (!turn.session.pending && turn.session.flow) k.runner.prompt(turn);
    },
    async answerTyped(turn, text) {
      const p = turn.session.pending;
      if (!p || p.kind === "step") return false;
      const hit = matchChoice(text, spec(p).choices(k, turn, p), { loose: spec(p).loose === true });
      if (!hit) return false;
      await self.choose(turn, hit.id);
      return true;
    },
    isBlocking: (turn) => (turn.session.pending ? spec(turn.session.pending).blocking : false),
    outOfRange(turn, n) {
      const p = turn.session.pending;
      if (!p || p.kind === "step") return backToWork(k, turn);
      const max = spec(p).choices(k, turn, p).length;
      // Asked again with only the list (a menu's long greeting is not repeated on a phone screen).
      self.ask(turn, k.t(turn, "conversation.choice_out_of_range", { n, max }), p);
    },
    remind(turn) {
      const last = turn.session.lastReplies?.filter((r) => r.choiceToken === turn.session.token).at(-1);
      if (last) turn.replies.push({ text: k.t(turn, "conversation.choose_one") }, last);
      else backToWork(k, turn);
    },
  };
  return self;
}
