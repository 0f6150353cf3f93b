/**
 * Plugins' own questions (e.g. "which topics?" after "nhận tin", or the one-time offer after a
 * submission): shown like the engine's questions, kept as the pending kind "plugin", answered by
 * the plugin's `answers[owner]`.
 */
import type { Reply } from "../channels/types.js";
import type { Kit, Turn } from "./context.js";
import type { PluginQuestion, PluginTurn } from "./extensions.js";

/** Shows a plugin's replies and, when it has one, its question. */
export function applyPluginTurn(k: Kit, turn: Turn, result: Reply[] | PluginTurn): void {
  if (Array.isArray(result)) return void turn.replies.push(...result);
  turn.replies.push(...result.replies);
  if (result.question) askPluginQuestion(k, turn, result.question);
}

/** Asks a plugin's question; its typed aliases are kept with the pending question for matching. */
export function askPluginQuestion(k: Kit, turn: Turn, q: PluginQuestion): void {
  k.ask(
    turn,
    q.text,
    q.choices.map(({ id, label }) => ({ id, label })),
    { kind: "plugin", owner: q.owner, data: q.data, choices: q.choices },
    q.owner,
  );
}

/** The first question a plugin asks after a submission; a failing hook never spoils the confirmation. */
export async function questionAfterSubmit(
  k: Kit,
  turn: Turn,
  flowId: string,
): Promise<PluginQuestion | undefined> {
  for (const hook of k.registry.afterSubmits) {
    try {
      const q = await hook(flowId, k.person(turn));
      if (q) return q;
    } catch (err) {
      k.log(turn).warn({ err: (err as Error).name, flowId }, "after-submit hook failed; menu shown instead");
    }
  }
  return undefined;
}
