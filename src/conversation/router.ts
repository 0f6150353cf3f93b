/**
 * Where typed text goes: commands and the words that stand for them ("menu", "hủy", "thống kê",
 * "hồ sơ của tôi", a bare code), flow triggers ("đề cử"), the answer to a pending question, the
 * current flow step, and — for everything else — the plan's knowledge. A command nobody knows
 * gets the list of commands, never a search of the plan.
 */
import { capabilitiesOf } from "../channels/capabilities.js";
import { fold } from "../i18n/fold.js";
import { applyPluginTurn } from "./plugin-questions.js";
import { inGroup, sendToPrivateChat } from "./chat-scope.js";
import type { Kit, Turn } from "./context.js";
import { choiceNumber, cleanText } from "./input.js";
import type { WordList } from "./vocabulary.js";

/** Numbers up to this are read as a choice; larger ones ("154", "2025") may be what is asked about. */
const MAX_LISTED_CHOICE = 20;

export interface Router {
  onText(turn: Turn, raw: string, firstContact: boolean): Promise<void>;
  /** Runs a registered command ("/thongke") with the text after it. */
  runCommand(turn: Turn, command: string, args: string): Promise<void>;
}

/** A reference code on its own ("DC-2026-000001"), as pasted after "Tra cứu hồ sơ". */
const BARE_CODE = /^[A-Za-z]{2}-?\d{4}-?\d{6}$/;

/** Word lists a slash command may be written with ("/huy", "/trangthai …"), so it is not unknown. */
const SLASH_LISTS: readonly WordList[] = [
  "menu",
  "help",
  "cancel",
  "language",
  "english",
  "vietnamese",
  "deletion",
  "status",
  "withdraw",
  "ask",
  "mine",
  "back",
  "skip",
  "done",
];

/** @example k.router = createRouter(k); await k.router.onText(turn, "thống kê", false) */
export function createRouter(k: Kit): Router {
  /** A registered command named by a slash ("/thongke") or by one of its words ("thống kê"). */
  function commandOf(slash: string | null, folded: string): string | undefined {
    if (slash && k.registry.commands.has(slash)) return slash;
    for (const [command, spec] of k.registry.commands)
      if (spec.words && k.vocab.is(spec.words, folded)) return command;
    return undefined;
  }

  /** Every slash command a user can type, for the reply to an unknown one. */
  function knownCommands(): string[] {
    const words = [
      ...SLASH_LISTS.flatMap((l) => k.vocab.words(l)),
      ...[...k.deps.flows.values()].filter((f) => k.registry.available(f.id)).flatMap((f) => f.triggers),
      ...k.registry.commands.keys(),
    ];
    return [...new Set(words.filter((w) => w.startsWith("/")))];
  }

  const self: Router = {
    async runCommand(turn, command, args) {
      const spec = k.registry.commands.get(command);
      if (!spec) return k.menu.show(turn);
      if (spec.personal && inGroup(turn.msg)) return sendToPrivateChat(k, turn);
      applyPluginTurn(k, turn, await spec.run(args, k.person(turn)));
    },

    async onText(turn, raw, firstContact) {
      const text = cleanText(raw);
      const n = fold(text);
      const slash = text.startsWith("/") ? text.split(/\s+/)[0]!.toLowerCase().replace(/@\w+$/, "") : null;
      const s = turn.session;
      const v = k.vocab;

      // Nothing readable (spaces, an emoji): inside a flow the step is asked again, never the menu.
      if (!n) {
        if (s.flow && s.pending && s.pending.kind !== "step" && k.questions.isBlocking(turn))
          return k.questions.remind(turn);
        if (!s.flow) return k.menu.show(turn);
        s.pending = { kind: "step" };
        return k.runner.prompt(turn, k.t(turn, "conversation.empty_text"));
      }
      if (slash === "/start") {
        // "/start nomination": a deep link from a group ("t.me/<bot>?start=nomination") opens that flow here.
        const arg = text.slice(text.split(/\s+/)[0]!.length).trim();
        if (arg && k.deps.flows.has(arg)) return k.runner.start(turn, arg);
        return k.menu.show(turn, firstContact ? k.t(turn, "conversation.welcome") : undefined);
      }
      if (v.is("menu", n))
        return k.menu.show(turn, firstContact ? k.t(turn, "conversation.welcome") : undefined);
      if (v.is("help", n)) return k.menu.show(turn, k.t(turn, "conversation.help"));
      if (v.is("cancel", n)) return k.runner.askCancel(turn);
      if (v.is("english", n)) return k.account.setLanguage(turn, "en");
      if (v.is("vietnamese", n)) return k.account.setLanguage(turn, "vi");
      if (v.is("language", n)) return k.account.askLanguage(turn);
      if (slash && v.is("ask", fold(slash))) {
        const q = text.slice(slash.length).trim();
        return q ? k.knowledge.answer(turn, q, false) : k.say(turn, k.t(turn, "conversation.ask_how"));
      }
      if (v.after("status", n) !== null || BARE_CODE.test(text)) return k.account.status(turn, text);
      if (v.after("withdraw", n) !== null) return k.account.askWithdraw(turn, text);
      if (v.after("deletion", n) !== null) return k.account.askDeletion(turn);
      if (v.is("mine", n)) return k.account.mine(turn);
      // A plugin's open question answered with one of its own choices ("gương điển hình", a topic)
      // wins over the menu word that reads the same.
      if (
        s.pending?.kind === "plugin" &&
        s.pending.choices.some((c) => [c.label, ...(c.aliases ?? [])].some((w) => fold(w) === n)) &&
        (await k.questions.answerTyped(turn, text))
      )
        return;
      const command = commandOf(slash, n);
      if (command) return self.runCommand(turn, command, slash ? text.slice(slash.length).trim() : "");
      const flowId = v.flowTriggered(n);
      if (flowId) return k.runner.start(turn, flowId);
      if (slash && !SLASH_LISTS.some((l) => v.is(l, fold(slash)))) {
        // Slash commands are offered only where the platform has them (Telegram); elsewhere the
        // words that do the same, which every channel understands.
        k.say(
          turn,
          capabilitiesOf(turn.msg.channel).slashCommands
            ? k.t(turn, "conversation.unknown_command", {
                command: slash,
                commands: knownCommands().join(", "),
              })
            : `${k.t(turn, "conversation.unknown_command_words", { command: slash })} ${k.t(turn, "conversation.help")}`,
        );
        return s.flow && s.pending?.kind === "step" ? k.runner.prompt(turn) : k.menu.show(turn);
      }

      if (s.pending && s.pending.kind !== "step") {
        if (await k.questions.answerTyped(turn, text)) return;
        // A bare number that is not on the list ("7" of five choices) was meant as a choice: the
        // question is shown again rather than dropped for a search of the plan.
        const n = choiceNumber(text);
        if (n !== null && n <= MAX_LISTED_CHOICE) return k.questions.outOfRange(turn, n);
        if (k.questions.isBlocking(turn)) return k.questions.remind(turn);
        // The user moved on: the open question is dropped and the text handled as usual (in a
        // flow, as the answer to its step again).
        s.pending = s.flow ? { kind: "step" } : undefined;
      }
      if (s.flow && s.pending?.kind === "step") return k.runner.onText(turn, text);
      if (v.is("greeting", n)) return k.menu.show(turn, k.t(turn, "conversation.welcome"));
      return k.knowledge.answer(turn, text, firstContact);
    },
  };
  return self;
}
