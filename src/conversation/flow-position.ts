/**
 * Where a run stands in its flow: which steps apply to the answers given so far, which options a
 * step offers, and "Bước n/total" — where total counts only the steps that can still apply, so a
 * citizen is never counted the steps only officials answer, and is shown only once it is certain.
 */
import type { LoadedFlow, LoadedOption, Step } from "./flow-schema.js";
import type { Answer } from "./session.js";

type Answers = Record<string, Answer>;

/** Whether `step` is asked given `answers` (a step behind an unanswered condition is not, yet). */
export function applies(step: Step, answers: Answers): boolean {
  if (!step.when) return true;
  const a = answers[step.when.step];
  if (!a || a.skipped) return false;
  const v = a.optionId ?? String(a.value);
  return step.when.in ? step.when.in.includes(v) : !step.when.notIn!.includes(v);
}

/** The options a choice step offers now: an `optionsFor` step narrows them to the rows for that answer. */
export function offeredOptions(flow: LoadedFlow, step: Step, answers: Answers): LoadedOption[] {
  const all = flow.options.get(step.id) ?? [];
  if (step.kind !== "choice" || !step.optionsFor) return all;
  const by = answers[step.optionsFor]?.optionId;
  return by ? all.filter((o) => !o.for || o.for.includes(by)) : all;
}

/** The values an unanswered step may take that some later condition tests, or undefined when none does. */
function branchValues(flow: LoadedFlow, step: Step, from: number, answers: Answers): string[] | undefined {
  if (!flow.steps.slice(from + 1).some((s) => s.when?.step === step.id)) return undefined;
  if (step.kind === "yesno") return ["yes", "no"];
  if (step.kind === "choice") return offeredOptions(flow, step, answers).map((o) => o.id);
  return undefined;
}

/**
 * How many steps from index `from` on will be asked, and whether that is certain: exact for
 * answered branches; for a branch not chosen yet, the count is certain only when every choice
 * leads to as many steps (the nomination's collective/individual paths), else it is the longest.
 */
export function stepsAhead(
  flow: LoadedFlow,
  answers: Answers,
  from: number,
): { count: number; certain: boolean } {
  let count = 0;
  for (let i = from; i < flow.steps.length; i++) {
    const s = flow.steps[i]!;
    if (!applies(s, answers)) continue;
    count++;
    const values = answers[s.id] ? undefined : branchValues(flow, s, i, answers);
    if (values?.length) {
      const paths = values.map((v) =>
        stepsAhead(flow, { ...answers, [s.id]: { value: v, optionId: v, display: v } }, i + 1),
      );
      const longest = Math.max(...paths.map((p) => p.count));
      return {
        count: count + longest,
        certain: paths.every((p) => p.certain && p.count === longest),
      };
    }
  }
  return { count, certain: true };
}

/**
 * "Bước n/total" of the run's current step. `total` is set only when it cannot change any more:
 * a total that shrank as answers came in (a citizen's self-report went 13 → 12 → 11) read as an
 * error to testers, so until the remaining path is known only "Bước n" is shown.
 */
export function position(
  flow: LoadedFlow,
  run: { stepId: string; answers: Answers },
): { n: number; total?: number } {
  const idx = Math.max(
    0,
    flow.steps.findIndex((s) => s.id === run.stepId),
  );
  const before = flow.steps.slice(0, idx).filter((s) => applies(s, run.answers)).length;
  const ahead = stepsAhead(flow, run.answers, idx);
  return ahead.certain ? { n: before + 1, total: before + ahead.count } : { n: before + 1 };
}
