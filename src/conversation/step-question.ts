/**
 * A question typed while a flow waits for a step's answer ("chỉ tiêu cấp xã là gì?" at an optional
 * note). People ask in the middle of a form; storing the question as the answer, or only asking
 * the step again, loses it. The rule, one for every step: text that reads as a question is
 * answered from the plan and the step is asked again, and nothing is stored — but a typed choice
 * always wins, and a long answer that merely contains a question ("… đạt bao nhiêu? Năm 2024 đạt
 * 95%…") stays an answer.
 */
import { fold } from "../i18n/fold.js";
import type { Step } from "./flow-schema.js";
import type { StepInput } from "./step-input.js";
import { takesFreeText } from "./step-input.js";
import type { Vocabulary } from "./vocabulary.js";

/** Longer than this, a text is an account of something (an achievement), not a question to the bot. */
const MAX_QUESTION_CHARS = 160;

/**
 * How the text reads: "asked" ends with a question mark (one sentence); "worded" is one short
 * sentence with a question word ("là gì", "bao nhiêu"), without the mark; null is not a question.
 *
 * @example questionForm("chỉ tiêu cấp xã là gì?", vocab) // "asked"
 * @example questionForm("chi tieu cap xa la gi", vocab) // "worded"
 * @example questionForm("Đạt bao nhiêu? Năm 2024 đạt 95%.", vocab) // null (an answer quoting a question)
 */
export function questionForm(text: string, vocab: Vocabulary): "asked" | "worded" | null {
  const t = text.trim();
  if (!t || t.length > MAX_QUESTION_CHARS || t.startsWith("/")) return null;
  // One sentence only: a full stop, "!" or a second "?" before the end makes it an account.
  const body = t.replace(/[?？\s]+$/u, "");
  if (/[.!?？;]\s/u.test(body) || body.includes("\n")) return null;
  if (/[?？]\s*$/u.test(t)) return "asked";
  return vocab.contains("question", fold(t)) ? "worded" : null;
}

/**
 * Whether typed text at `step` should be treated as a question rather than the step's answer,
 * given what the step made of it and whether the plan answers it with confidence.
 *
 * - A choice, "skip", "back", "done", a field to edit: never (what the step offers wins).
 * - The plan answers it with confidence and it reads as a question: yes, at every step.
 * - The step could not use the text anyway (not one of its choices, not a link): yes when it reads
 *   as a question or the plan answers it — the person then gets something instead of "choose one";
 *   at a free-text step (too short) only when it reads as a question.
 * - An optional free-text step and a text ending in "?": yes even when the plan cannot answer (an
 *   optional note is almost never a question, and storing one is the finding this guards).
 */
export function treatAsQuestion(args: {
  step: Step;
  input: StepInput;
  form: "asked" | "worded" | null;
  planAnswers: boolean;
}): boolean {
  const { step, input, form, planAnswers } = args;
  if (input.kind !== "answer" && input.kind !== "invalid") return false;
  if (input.kind === "invalid") {
    // Too long is about the answer's size, told as such (a long account is no question).
    if (input.key === "conversation.invalid.too_long") return false;
    // Too short at a free-text step is an answer begun ("hướng dẫn dân dùng VNeID" for an
    // achievement), even when the plan has something on its words: only a question reads as one.
    if (takesFreeText(step)) return form !== null;
    return form !== null || planAnswers;
  }
  if (form !== null && planAnswers) return true;
  return form === "asked" && step.optional === true && takesFreeText(step);
}
