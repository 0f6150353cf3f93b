/**
 * What a typed answer to a flow step means. One rule holds for every step: whatever the step
 * shows as a choice (a button on Telegram and the web, a numbered line on Zalo) is accepted by its
 * number ("2", "số 2", "hai"), its label with or without diacritics, and the words the prompt
 * suggests ("bỏ qua", "xong", "quay lại"). Pure: the flow runner applies the result.
 */
import { fold } from "../i18n/fold.js";
import type { Lang } from "../i18n/locales.js";
import type { LoadedFlow, Step } from "./flow-schema.js";
import { applies, offeredOptions } from "./flow-position.js";
import {
  cleanText,
  matchChoice,
  parseLink,
  validateDate,
  validateEmail,
  validateNumber,
  validatePhone,
  validateText,
  type Matchable,
} from "./input.js";
import type { Answer, FlowRun } from "./session.js";
import type { Vocabulary } from "./vocabulary.js";

/** What a step's text and buttons are written with. */
export interface StepView {
  lang: Lang;
  t(key: string, vars?: Record<string, string | number>): string;
  vocab: Vocabulary;
  now: number;
}

/** The ids of the two choices the engine itself adds to a step. */
export const SKIP = "_skip";
export const DONE = "_done";

export type StepInput =
  | { kind: "back" }
  | { kind: "skip" }
  | { kind: "done" }
  | { kind: "option"; option: Matchable }
  | { kind: "answer"; answer: Answer }
  | { kind: "link"; url: string }
  | { kind: "edit"; stepId: string }
  | { kind: "invalid"; key: string; vars?: Record<string, string | number> };

const labelOf = (v: StepView, label: string | { vi: string; en: string }) =>
  typeof label === "string" ? v.t(label) : label[v.lang];

/** Every option of the step that can be matched from text, shown or not (the localities list is not shown). */
export function stepOptions(
  v: StepView,
  flow: LoadedFlow,
  step: Step,
  answers: Record<string, Answer>,
): Matchable[] {
  const two = (yes: string, yesWords: string[], no: string, noWords: string[]): Matchable[] => [
    { id: "yes", label: v.t(yes), aliases: yesWords },
    { id: "no", label: v.t(no), aliases: noWords },
  ];
  switch (step.kind) {
    case "choice":
      return offeredOptions(flow, step, answers).map((o) => ({
        id: o.id,
        label: labelOf(v, o.label),
        aliases: typeof o.label === "string" ? undefined : [o.label.vi, o.label.en, ...(o.aliases ?? [])],
      }));
    case "yesno":
      return two("conversation.yes", v.vocab.words("yes"), "conversation.no", v.vocab.words("no"));
    case "consent":
      return two(
        "conversation.consent.agree",
        v.vocab.words("yes"),
        "conversation.consent.disagree",
        v.vocab.words("no"),
      );
    case "confirm":
      return [
        { id: "confirm", label: v.t("conversation.summary.confirm"), aliases: v.vocab.words("confirm") },
        { id: "edit", label: v.t("conversation.summary.edit"), aliases: v.vocab.words("edit") },
        { id: "cancel", label: v.t("conversation.summary.cancel"), aliases: v.vocab.words("cancel") },
      ];
    default:
      return [];
  }
}

/**
 * The choices the step shows, in order, with the words that also pick them. A media step offers
 * "Xong" once something was sent and "Bỏ qua" before (never both); an optional step ends with "Bỏ qua".
 */
export function stepChoices(
  v: StepView,
  flow: LoadedFlow,
  step: Step,
  answers: Record<string, Answer>,
): Matchable[] {
  const skip = { id: SKIP, label: v.t("conversation.skip"), aliases: v.vocab.words("skip") };
  if (step.kind === "media") {
    if (evidenceItems(answers[step.id]).length)
      return [{ id: DONE, label: v.t("conversation.media.done"), aliases: v.vocab.words("done") }];
    return step.optional ? [{ ...skip, aliases: [...skip.aliases, ...v.vocab.words("done")] }] : [];
  }
  const shown = step.kind === "choice" && !step.show ? [] : stepOptions(v, flow, step, answers);
  return step.optional ? [...shown, skip] : shown;
}

/** Whether the step's answer is the person's own words (a name, a unit, a phone number), not one of its choices. */
export function takesFreeText(step: Step): boolean {
  return (
    step.kind !== "choice" && step.kind !== "yesno" && step.kind !== "consent" && step.kind !== "confirm"
  );
}

/** The evidence items of a media answer. */
export function evidenceItems(
  answer: Answer | undefined,
): Array<{ kind: "attachment" | "link"; ref: string; name?: string }> {
  return Array.isArray(answer?.value) ? answer.value : [];
}

/**
 * Reads a typed answer to `step`.
 *
 * @example parseStepText(view, flow, step, run, "số 2") // { kind: "option", option: { id: "district", … } }
 */
export function parseStepText(
  v: StepView,
  flow: LoadedFlow,
  step: Step,
  run: FlowRun,
  text: string,
): StepInput {
  const folded = fold(text);
  if (v.vocab.is("back", folded)) return { kind: "back" };
  // "sửa 3" at the summary names a field, before "sửa" alone is read as the "Sửa thông tin" button.
  const edit = step.kind === "confirm" ? /^(.+)\s+(\d{1,2})$/.exec(folded) : null;
  if (edit && v.vocab.is("edit", edit[1]!)) {
    const field = summarySteps(flow, run.answers)[Number(edit[2]) - 1];
    return field
      ? { kind: "edit", stepId: field.id }
      : { kind: "invalid", key: "conversation.invalid.choice" };
  }
  // Free-text steps take only exact picks: a unit called "Bộ …" must not read as "Bỏ qua".
  const hit = matchChoice(text, stepChoices(v, flow, step, run.answers), { loose: !takesFreeText(step) });
  if (hit?.id === SKIP) return { kind: "skip" };
  if (hit?.id === DONE) return { kind: "done" };
  if (hit) return { kind: "option", option: hit };
  if (v.vocab.is("skip", folded)) return { kind: "skip" };
  const value = (
    r:
      | { ok: true; value: string | number }
      | { ok: false; reason: string; vars?: Record<string, string | number> },
    display?: (x: string | number) => string,
  ): StepInput =>
    r.ok
      ? { kind: "answer", answer: { value: r.value, display: display ? display(r.value) : String(r.value) } }
      : { kind: "invalid", key: r.reason, vars: r.vars };
  switch (step.kind) {
    case "text":
      return value(validateText(text, step.min, step.max));
    case "choice": {
      if (!step.show) {
        const typed = matchChoice(text, stepOptions(v, flow, step, run.answers), { numbers: false });
        // A long list matched from free text (localities): keep what was typed, remember the match.
        if (typed)
          return step.free
            ? {
                kind: "answer",
                answer: { value: cleanText(text), optionId: typed.id, display: cleanText(text) },
              }
            : { kind: "option", option: typed };
      }
      if (!step.free) return { kind: "invalid", key: "conversation.invalid.choice" };
      const r = validateText(text, step.min, step.max);
      return r.ok
        ? { kind: "answer", answer: { value: r.value, optionId: null, display: r.value } }
        : { kind: "invalid", key: r.reason, vars: r.vars };
    }
    case "phone":
      return value(validatePhone(text));
    case "email":
      return value(validateEmail(text));
    case "date":
      return value(
        validateDate(text, { past: step.past, future: step.future, today: new Date(v.now) }),
        (x) => String(x).split("-").reverse().join("/"),
      );
    case "number":
      return value(validateNumber(text, step));
    case "media": {
      if (v.vocab.is("done", folded)) return { kind: "done" };
      const url = step.links ? parseLink(text) : null;
      return url ? { kind: "link", url } : { kind: "invalid", key: "conversation.media.expected" };
    }
    case "confirm":
      return { kind: "invalid", key: "conversation.summary.how" };
    default:
      return { kind: "invalid", key: "conversation.invalid.choice" };
  }
}

/** The steps listed in the summary, in order (what "sửa 3" counts). */
export function summarySteps(flow: LoadedFlow, answers: Record<string, Answer>): Step[] {
  return flow.steps.filter((s) => s.kind !== "confirm" && s.kind !== "consent" && applies(s, answers));
}
