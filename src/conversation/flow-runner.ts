/**
 * Running a flow: starting it (or asking before replacing a half-finished one), prompting the
 * current step with "Bước n/total", applying a typed or pressed answer, going back, editing a
 * field from the summary, and submitting through the flow's hooks.
 */
import { randomBytes } from "node:crypto";
import { capabilitiesOf } from "../channels/capabilities.js";
import { askPluginQuestion, questionAfterSubmit } from "./plugin-questions.js";
import { inGroup, sendToPrivateChat } from "./chat-scope.js";
import type { Kit, Turn } from "./context.js";
import { errorKind } from "./context.js";
import { SubmissionRefusedError } from "./extensions.js";
import type { LoadedFlow, Step } from "./flow-schema.js";
import { applies, position } from "./flow-position.js";
import { questionForm, treatAsQuestion } from "./step-question.js";
import { matchChoice, type Matchable } from "./input.js";
import type { Answer, FlowRun } from "./session.js";
import {
  DONE,
  evidenceItems,
  parseStepText,
  SKIP,
  stepChoices,
  stepOptions,
  summarySteps,
  takesFreeText,
  type StepInput,
  type StepView,
} from "./step-input.js";

export interface FlowRunner {
  /** Starts `flowId`; a run with answers is replaced only after the user agrees (unless `force`). */
  start(turn: Turn, flowId: string, opts?: { force?: boolean }): Promise<void>;
  /** Abandons the current run and starts `flowId` afresh. */
  restart(turn: Turn, flowId: string): Promise<void>;
  /** Asks the current step again, after an optional lead; `short` replaces the full prompt (e.g. "received 1/5"). */
  prompt(turn: Turn, lead?: string, short?: string): void;
  /** The choices the current step shows. */
  choices(turn: Turn): Matchable[];
  onText(turn: Turn, text: string): Promise<void>;
  onChoice(turn: Turn, id: string): Promise<void>;
  /** Moves past the current step (its answer already stored), with an optional lead. */
  advance(turn: Turn, info?: string): void;
  /** The run, its flow and the step it waits on (only while a flow runs). */
  current(turn: Turn): { run: FlowRun; flow: LoadedFlow; step: Step };
  /** The step's number, and the flow's total once it can no longer change. */
  position(turn: Turn): { n: number; total?: number };
  /** "Bước 3/11", or "Bước 3" while the total still depends on answers to come. */
  stepLabel(turn: Turn): string;
  edit(turn: Turn, stepId: string): void;
  fieldChoices(turn: Turn, fields: string[]): Matchable[];
  askCancel(turn: Turn): void;
  /** Cancels after the confirmation. */
  cancel(turn: Turn): Promise<void>;
  /** The user declined to go on after a warning. */
  stop(turn: Turn): Promise<void>;
  acceptWarning(turn: Turn, warningId: string): void;
  abandon(turn: Turn): Promise<void>;
}

/**
 * A message this soon after one refused as too long, at the same step, is read as the rest of that
 * message (clients send the parts of a split paste within a second or two; nobody shortens and
 * re-sends a long text that fast).
 */
const SPLIT_PASTE_MS = 5_000;

/** @example k.runner = createFlowRunner(k); await k.runner.start(turn, "nomination") */
export function createFlowRunner(k: Kit): FlowRunner {
  const view = (turn: Turn): StepView => ({
    lang: turn.lang,
    t: (key, vars) => k.t(turn, key, vars),
    vocab: k.vocab,
    now: turn.now,
  });
  const stepOf = (flow: LoadedFlow, id: string) => flow.steps.find((s) => s.id === id);
  const invalid = (turn: Turn, key: string, vars?: Record<string, string | number>) =>
    self.prompt(turn, k.t(turn, key, vars));

  /**
   * The answers to check before sending. With buttons, fields are numbered for "sửa 3". Without
   * (Zalo), the choices under the summary are the numbered list the person answers with "1", "2",
   * so the fields get bullets instead and "Sửa thông tin" asks which field by its own list:
   * one set of numbers on screen, never two (black-box finding).
   */
  function summary(turn: Turn, flow: LoadedFlow, run: FlowRun): string[] {
    const empty = k.t(turn, "conversation.summary.empty");
    const numbered = capabilitiesOf(turn.msg.channel).buttons;
    const lines = summarySteps(flow, run.answers).map((s, i) => {
      const a = run.answers[s.id];
      return `${numbered ? `${i + 1}.` : "•"} ${k.t(turn, s.label ?? s.prompt)}: ${!a || a.skipped ? empty : a.display}`;
    });
    return [lines.join("\n"), ...(numbered ? [k.t(turn, "conversation.summary.how")] : [])];
  }

  /** The step after the current one; while editing from the summary, the first missing step or the summary. */
  function nextStepId(flow: LoadedFlow, run: FlowRun): string {
    if (run.editing)
      return (
        flow.steps.find((s) => s.kind !== "confirm" && applies(s, run.answers) && !run.answers[s.id])?.id ??
        flow.steps.at(-1)!.id
      );
    const idx = flow.steps.findIndex((s) => s.id === run.stepId);
    return flow.steps.slice(idx + 1).find((s) => applies(s, run.answers))!.id;
  }

  async function accept(turn: Turn, answer: Answer) {
    const { run, flow, step } = self.current(turn);
    run.answers[step.id] = answer;
    const after = answer.skipped
      ? undefined
      : await k.registry.hooks.get(flow.submit)?.afterAnswer?.(step.id, run.answers, k.person(turn));
    if (after?.warning && !(run.accepted ?? []).includes(after.warning.id)) {
      return k.questions.ask(turn, after.warning.text, { kind: "warning", warning: after.warning.id });
    }
    self.advance(turn, after?.info);
  }

  async function skip(turn: Turn) {
    const { run, step } = self.current(turn);
    if (!step.optional) return invalid(turn, "conversation.not_optional");
    if (evidenceItems(run.answers[step.id]).length) return self.advance(turn);
    return accept(turn, { value: null, display: k.t(turn, "conversation.summary.empty"), skipped: true });
  }

  async function option(turn: Turn, picked: Matchable) {
    const { step } = self.current(turn);
    switch (step.kind) {
      case "choice":
        return accept(turn, { value: picked.id, optionId: picked.id, display: picked.label });
      case "yesno":
        return accept(turn, { value: picked.id === "yes", optionId: picked.id, display: picked.label });
      case "consent":
        if (picked.id !== "yes") return invalid(turn, "conversation.consent.required");
        return accept(turn, { value: true, display: picked.label, version: step.version, at: turn.now });
      case "confirm":
        if (picked.id === "confirm") return submit(turn);
        if (picked.id === "cancel") return self.askCancel(turn);
        return askEditField(turn);
    }
    return self.prompt(turn);
  }

  function askEditField(turn: Turn) {
    const { run, flow } = self.current(turn);
    k.questions.ask(turn, k.t(turn, "conversation.summary.which"), {
      kind: "edit-field",
      fields: summarySteps(flow, run.answers).map((s) => s.id),
    });
  }

  function goBack(turn: Turn) {
    const { run, flow } = self.current(turn);
    if (run.editing) {
      run.editing = false;
      run.stepId = flow.steps.at(-1)!.id;
      return self.prompt(turn);
    }
    const prev = run.history.pop();
    if (!prev) return invalid(turn, "conversation.back_first");
    run.stepId = prev;
    self.prompt(turn);
  }

  async function apply(turn: Turn, input: StepInput) {
    const { run, step } = self.current(turn);
    const refusedJustNow = run.tooLong?.stepId === step.id && turn.now - run.tooLong.at <= SPLIT_PASTE_MS;
    run.tooLong = undefined;
    if (input.kind === "invalid" && input.key === "conversation.invalid.too_long") {
      run.tooLong = { stepId: step.id, at: turn.now };
      return invalid(turn, input.key, input.vars);
    }
    // The rest of a long paste the platform split: refused with the part before, so nothing is half-saved.
    if (refusedJustNow && input.kind === "answer" && takesFreeText(step)) {
      run.tooLong = { stepId: step.id, at: turn.now };
      const max = "max" in step ? step.max : 0;
      return invalid(turn, "conversation.invalid.too_long_rest", { max });
    }
    switch (input.kind) {
      case "back":
        return goBack(turn);
      case "skip":
        return skip(turn);
      case "done": {
        const { run, step } = self.current(turn);
        if (evidenceItems(run.answers[step.id]).length) return self.advance(turn);
        return step.optional ? skip(turn) : invalid(turn, "conversation.media.need_one");
      }
      case "option":
        return option(turn, input.option);
      case "answer":
        return accept(turn, input.answer);
      case "link":
        return k.evidence.addLink(turn, input.url);
      case "edit":
        return self.edit(turn, input.stepId);
      case "invalid":
        return invalid(turn, input.key, input.vars);
    }
  }

  /**
   * A question typed at the step (see step-question.ts): answered from the plan, then the step is
   * asked again with nothing stored. The plan is consulted only for text the step could not use or
   * that reads as a question, so ordinary answers cost nothing.
   */
  async function answeredAsQuestion(turn: Turn, step: Step, input: StepInput, text: string) {
    const form = questionForm(text, k.vocab);
    // "chỉ tiêu cấp xã là gì?" contains the option "Cấp xã" but does not pick it: a question only
    // picks an option it names exactly (or by number).
    const looseOnly =
      input.kind === "option" &&
      form !== null &&
      !matchChoice(text, self.choices(turn), { loose: false }) &&
      !matchChoice(
        text,
        stepOptions(view(turn), self.current(turn).flow, step, self.current(turn).run.answers),
        {
          loose: false,
        },
      );
    const read: StepInput = looseOnly ? { kind: "invalid", key: "conversation.invalid.choice" } : input;
    if (read.kind !== "answer" && read.kind !== "invalid") return false;
    if (form === null && read.kind === "answer") return false;
    const aside = await k.knowledge.aside(turn, text);
    if (!treatAsQuestion({ step, input: read, form, planAnswers: aside.confident })) return false;
    k.log(turn).info({ stepId: step.id, confident: aside.confident }, "question answered at a flow step");
    k.say(turn, aside.text);
    self.prompt(turn, k.t(turn, "conversation.question_in_flow.resume"));
    return true;
  }

  async function submit(turn: Turn) {
    const { run, flow } = self.current(turn);
    const missing = flow.steps.find(
      (s) => s.kind !== "confirm" && !s.optional && applies(s, run.answers) && !run.answers[s.id],
    );
    if (missing) return self.edit(turn, missing.id);
    const slot = await k.deps.submissionQuota?.reserve(turn.msg);
    if (slot?.refused) return invalid(turn, slot.refused.key, slot.refused.vars);
    try {
      const result = await k.registry.hooks.get(flow.submit)!.submit({
        ...k.person(turn),
        flowId: flow.id,
        idempotencyKey: `${turn.msg.channel}:${turn.msg.chatId}:${run.runId}`,
        answers: run.answers,
      });
      k.log(turn).info({ flowId: flow.id, runId: run.runId, code: result.code }, "submission committed");
      k.deps.pokeOutbox?.();
      end(turn);
      turn.replies.push(...result.replies);
      const question = await questionAfterSubmit(k, turn, flow.id);
      if (question) askPluginQuestion(k, turn, question);
      else k.menu.show(turn);
    } catch (err) {
      await slot?.release().catch(() => {});
      if (err instanceof SubmissionRefusedError) return invalid(turn, err.localeKey, err.vars);
      // Only the error's class and code: a driver message may quote the values being written.
      k.log(turn).error(
        { err: errorKind(err), flowId: flow.id, runId: run.runId },
        "submission failed; the user is asked to try again",
      );
      invalid(turn, "core.try_again");
    }
  }

  function end(turn: Turn) {
    turn.session.flow = undefined;
    turn.session.pending = undefined;
  }

  const self: FlowRunner = {
    async start(turn, flowId, opts = {}) {
      const flow = k.registry.available(flowId);
      if (!flow) return k.menu.show(turn, k.t(turn, "conversation.flow_unavailable"));
      if (inGroup(turn.msg)) return sendToPrivateChat(k, turn, flowId);
      const run = turn.session.flow;
      if (run && !opts.force && Object.keys(run.answers).length > 0) {
        const title = k.t(turn, k.deps.flows.get(run.flowId)?.title ?? flow.title);
        return k.questions.ask(turn, k.t(turn, "conversation.restart_question", { flow: title }), {
          kind: "restart-confirm",
          flowId,
        });
      }
      const refusal =
        (await k.deps.submissionQuota?.check(turn.msg)) ??
        (await k.registry.hooks.get(flow.submit)!.canStart?.(k.person(turn)));
      if (refusal) {
        turn.session.flow = undefined;
        return k.menu.show(turn, k.t(turn, refusal.key, refusal.vars));
      }
      const first = flow.steps.find((s) => applies(s, {}))!;
      turn.session.flow = {
        flowId,
        runId: randomBytes(8).toString("hex"),
        stepId: first.id,
        answers: {},
        history: [],
        startedAt: turn.now,
      };
      k.log(turn).info({ flowId, runId: turn.session.flow.runId }, "flow started");
      self.prompt(turn, flow.intro ? k.t(turn, flow.intro) : undefined);
    },

    async restart(turn, flowId) {
      await self.abandon(turn);
      return self.start(turn, flowId, { force: true });
    },

    prompt(turn, lead, short) {
      const { run, flow, step } = self.current(turn);
      const parts = [lead];
      if (short !== undefined) parts.push(short);
      else {
        parts.push(self.stepLabel(turn), k.t(turn, step.prompt));
        if (step.kind === "confirm") parts.push(...summary(turn, flow, run));
        else {
          if (step.hint) parts.push(k.t(turn, step.hint));
          const current = run.answers[step.id];
          if (current && !current.skipped && step.kind !== "media" && step.kind !== "consent")
            parts.push(k.t(turn, "conversation.current_answer", { value: current.display }));
          if (step.optional) parts.push(k.t(turn, "conversation.optional"));
          if (step.kind === "media")
            parts.push(
              k.t(turn, "conversation.media.count", { n: evidenceItems(current).length, max: step.max }),
            );
        }
      }
      k.ask(
        turn,
        parts.filter(Boolean).join("\n\n"),
        self.choices(turn).map(({ id, label }) => ({ id, label })),
        { kind: "step" },
        step.id,
      );
    },

    choices(turn) {
      const { run, flow, step } = self.current(turn);
      return stepChoices(view(turn), flow, step, run.answers);
    },

    async onText(turn, text) {
      const { run, flow, step } = self.current(turn);
      // A list managed elsewhere (localities in the database) is read now: a change applies at once.
      const source =
        step.kind === "choice" && step.optionsFile
          ? k.registry.choiceSources.get(step.optionsFile)
          : undefined;
      if (!source) {
        const input = parseStepText(view(turn), flow, step, run, text);
        if (await answeredAsQuestion(turn, step, input, text)) return;
        return apply(turn, input);
      }
      const live = await source(k.person(turn));
      const input = parseStepText(
        view(turn),
        { ...flow, options: new Map(flow.options).set(step.id, live.options) },
        step,
        run,
        text,
      );
      if (await answeredAsQuestion(turn, step, input, text)) return;
      if (input.kind === "answer" && input.answer.optionId === null && live.other) {
        // The marker ("khác: …") is kept in the value for the reviewer; the person's summary shows
        // only what they typed.
        const marked = live.other(String(input.answer.value), turn.lang);
        return apply(turn, { kind: "answer", answer: { ...input.answer, value: marked } });
      }
      return apply(turn, input);
    },

    async onChoice(turn, id) {
      const { run, flow, step } = self.current(turn);
      if (id === SKIP) return apply(turn, { kind: "skip" });
      if (id === DONE) return apply(turn, { kind: "done" });
      const picked = stepOptions(view(turn), flow, step, run.answers).find((o) => o.id === id);
      return picked ? option(turn, picked) : invalid(turn, "conversation.invalid.choice");
    },

    advance(turn, info) {
      const { run, flow } = self.current(turn);
      const next = nextStepId(flow, run);
      if (!run.editing) run.history.push(run.stepId);
      if (next === flow.steps.at(-1)!.id) run.editing = false;
      run.stepId = next;
      self.prompt(turn, info);
    },

    current(turn) {
      const run = turn.session.flow!;
      const flow = k.deps.flows.get(run.flowId)!;
      return { run, flow, step: stepOf(flow, run.stepId)! };
    },

    position(turn) {
      const { run, flow } = self.current(turn);
      return position(flow, run);
    },

    stepLabel(turn) {
      const { n, total } = self.position(turn);
      return total === undefined
        ? k.t(turn, "conversation.step_open", { n })
        : k.t(turn, "conversation.step", { n, total });
    },

    edit(turn, stepId) {
      const run = turn.session.flow!;
      run.editing = true;
      run.stepId = stepId;
      self.prompt(turn);
    },

    fieldChoices(turn, fields) {
      const flow = turn.session.flow && k.deps.flows.get(turn.session.flow.flowId);
      return fields.map((f, i) => {
        const step = flow && stepOf(flow, f);
        return { id: String(i), label: step ? k.t(turn, step.label ?? step.prompt) : f };
      });
    },

    askCancel(turn) {
      if (!turn.session.flow) return k.menu.show(turn, k.t(turn, "conversation.cancel.nothing"));
      k.questions.ask(turn, k.t(turn, "conversation.cancel.confirm"), { kind: "cancel-confirm" });
    },

    async cancel(turn) {
      k.log(turn).info(
        { flowId: turn.session.flow?.flowId, runId: turn.session.flow?.runId },
        "flow cancelled",
      );
      await self.abandon(turn);
      k.menu.show(turn, k.t(turn, "conversation.cancel.done"));
    },

    async stop(turn) {
      await self.abandon(turn);
      k.menu.show(turn, k.t(turn, "conversation.warning.stopped"));
    },

    acceptWarning(turn, warningId) {
      const run = turn.session.flow;
      if (!run) return k.menu.show(turn);
      run.accepted = [...(run.accepted ?? []), warningId];
      self.advance(turn);
    },

    async abandon(turn) {
      const run = turn.session.flow;
      end(turn);
      if (run) await k.evidence.discard(turn, run);
    },
  };
  return self;
}
