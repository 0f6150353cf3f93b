/**
 * The FAQ's seat in the conversation: consulted only after the plan declined a question, it answers
 * with a published official answer that passes the coverage check, under its own source line. The
 * plan's confident answer always wins; the FAQ never speaks when the plan does.
 */
import type { ConversationPlugin } from "../conversation/extensions.js";
import type { Translator } from "../i18n/locales.js";
import { formatFaqAnswer } from "./answer.js";
import type { LiveFaq } from "./live.js";

/** @example engine.use(createFaqPlugin({ faq, i18n })) */
export function createFaqPlugin(deps: { faq: LiveFaq; i18n: Translator }): ConversationPlugin {
  return {
    fallbackAnswerers: [
      async (question, ctx) => {
        // A failing FAQ lookup must not cost the citizen the plan's honest decline and the offer to forward.
        const hit = await deps.faq.search(question).catch((err: unknown) => {
          ctx.logger.warn({ err: (err as Error).name }, "faq lookup failed; the plan's decline is shown");
          return undefined;
        });
        if (!hit) return null;
        ctx.logger.info(
          { faqEntryId: hit.entry.id, coverage: Math.round(hit.entryCoverage * 100) / 100 },
          "answered from an official FAQ entry",
        );
        return { text: formatFaqAnswer(deps.i18n, ctx.lang, hit.entry) };
      },
    ],
  };
}
