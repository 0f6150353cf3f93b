/**
 * The main menu: the engine's own items (questions, looking up a code, one's submissions,
 * language) and whatever flows and plugins declare (`menu:` in a flow file, a command's `menu`),
 * ordered by `order`. A menu item and the words typed for it reach the same feature.
 */
import type { Choice } from "../channels/types.js";
import type { Kit, Turn } from "./context.js";
import type { Matchable } from "./input.js";

export interface Menu {
  choices(turn: Turn): Matchable[];
  show(turn: Turn, lead?: string): void;
  onChoice(turn: Turn, id: string): Promise<void> | void;
}

interface Item {
  id: string;
  label: string;
  order: number;
}

/** Menu item ids: fixed words for the core items, `flow:<id>` and `cmd:<command>` for declared ones. */
const FLOW = "flow:";
const COMMAND = "cmd:";

/** @example k.menu = createMenu(k); k.menu.show(turn, k.t(turn, "conversation.welcome")) */
export function createMenu(k: Kit): Menu {
  function items(turn: Turn): Item[] {
    const list: Item[] = [
      { id: "ask", label: k.t(turn, "conversation.menu.ask"), order: 10 },
      { id: "status", label: k.t(turn, "conversation.menu.status"), order: 60 },
      { id: "mine", label: k.t(turn, "conversation.menu.mine"), order: 65 },
      { id: "language", label: k.t(turn, "conversation.menu.language"), order: 90 },
    ];
    for (const flow of k.deps.flows.values()) {
      if (flow.menu && k.registry.available(flow.id))
        list.push({ id: `${FLOW}${flow.id}`, label: k.t(turn, flow.menu.label), order: flow.menu.order });
    }
    for (const [command, spec] of k.registry.commands) {
      if (spec.menu)
        list.push({ id: `${COMMAND}${command}`, label: k.t(turn, spec.menu.label), order: spec.menu.order });
    }
    return list.sort((a, b) => a.order - b.order);
  }

  const self: Menu = {
    choices(turn) {
      const run = turn.session.flow;
      const flow = run && k.deps.flows.get(run.flowId);
      const head: Matchable[] = flow
        ? [
            {
              id: "continue",
              label: k.t(turn, "conversation.menu.continue", { flow: k.t(turn, flow.title) }),
              aliases: k.vocab.words("continue"),
            },
          ]
        : [];
      return [...head, ...items(turn).map(({ id, label }) => ({ id, label }))];
    },
    show(turn, lead) {
      const text = [lead, k.t(turn, "conversation.menu.title")].filter(Boolean).join("\n\n");
      k.ask(
        turn,
        text,
        self.choices(turn).map(({ id, label }): Choice => ({ id, label })),
        { kind: "menu" },
      );
    },
    onChoice(turn, id) {
      if (id === "continue") return turn.session.flow ? k.runner.prompt(turn) : self.show(turn);
      if (id === "ask") return k.knowledge.levels(turn);
      if (id === "status") return k.say(turn, k.t(turn, "conversation.status.how"));
      if (id === "mine") return k.account.mine(turn);
      if (id === "language") return k.account.askLanguage(turn);
      if (id.startsWith(FLOW)) return k.runner.start(turn, id.slice(FLOW.length));
      if (id.startsWith(COMMAND)) return k.router.runCommand(turn, id.slice(COMMAND.length), "");
      return self.show(turn);
    },
  };
  return self;
}
