/**
 * Anonymous OA visitors (`anonymous_send_text`): people who write without following the OA. They
 * get the question-and-answer part only — no flow that collects personal data starts for them,
 * and no session or person row is created. Runs before the conversation engine.
 */
import type { Middleware } from "../../conversation/pipeline.js";
import type { Lang, Translator } from "../../i18n/locales.js";
import type { Knowledge } from "../../knowledge/index.js";

/** @example middlewares.push(createAnonymousQa({ knowledge, i18n })) */
export function createAnonymousQa(deps: { knowledge: Pick<Knowledge, "ask">; i18n: Translator }): Middleware {
  return async (msg, next) => {
    if (msg.channel !== "zalo_oa" || msg.platform?.anonymous !== true) return next();
    const text = msg.text?.trim() ?? "";
    const lang = guessLang(text);
    const note = deps.i18n.t(lang, "zalo_oa.anonymous_note");
    if (!text) return [{ text: note }];
    const answer = deps.knowledge.ask(text, lang);
    let body: string;
    if (answer.answered || answer.choices?.length) {
      // Choices cannot be pressed or numbered here (no session): they are topics to ask next.
      const topics = answer.choices?.length
        ? `\n\n${deps.i18n.t(lang, "zalo_oa.anonymous_related")}\n${answer.choices.map((c) => `– ${c.label}`).join("\n")}`
        : "";
      body = `${answer.text}${topics}`;
    } else body = deps.i18n.t(lang, "zalo_oa.anonymous_no_answer");
    // One message: the answer and what an anonymous visitor can do, together.
    return [{ text: `${body}\n\n${note}` }];
  };
}

/** English when the text has no Vietnamese letters and reads like English; Vietnamese otherwise. */
function guessLang(text: string): Lang {
  if (/[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i.test(text)) return "vi";
  return /\b(what|how|which|who|when|is|are|the|target|targets|criteria|nominate)\b/i.test(text)
    ? "en"
    : "vi";
}
