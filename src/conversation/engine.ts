/**
 * The conversation engine: one channel-neutral `handle(msg) → replies`. It routes a message to the
 * running flow's current step, a pending question (cancel? resume? withdraw?), a command, or the
 * knowledge base, and keeps everything the user typed in the Redis session until it is submitted.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import type { Choice, FetchedMedia, InboundMessage, MediaRef, Reply } from "../channels/types.js";
import { MediaRejectedError } from "../channels/types.js";
import type { Db } from "../db/client.js";
import { parseCode } from "../db/codes.js";
import type { Lang, Translator } from "../i18n/locales.js";
import { normalizeVietnamese, type Knowledge } from "../knowledge/index.js";
import { discardPendingEvidence, storePendingEvidence } from "../nominations/submissions.js";
import { publishedExamples, withdrawNomination } from "../nominations/lookup.js";
import { requestDeletion, forwardQuestion } from "./data-requests.js";
import type { LoadedFlow, Step } from "./flow-schema.js";
import { SubmissionRefusedError, type CommandHandler, type ConversationPlugin, type FlowHooks, type PersonContext, type StatusLookup } from "./extensions.js";
import { cleanText, matchChoice, parseLink, validateDate, validateEmail, validateNumber, validatePhone, validateText, type Matchable } from "./input.js";
import { SessionStore, type Answer, type FlowRun, type Pending, type Session } from "./session.js";

export interface EngineDeps {
  db: Db;
  /** A worker connection (waits out a Redis blip rather than failing the job at once). */
  redis: Redis;
  prefix: string;
  i18n: Translator;
  knowledge: Knowledge;
  flows: Map<string, LoadedFlow>;
  config: { maxSubmissionsPerDay: number; evidenceMaxBytes: number };
  /** Downloads a media reference through the channel it came from; throws MediaRejectedError. */
  fetchMedia?: (channel: InboundMessage["channel"], ref: MediaRef, maxBytes: number) => Promise<FetchedMedia>;
  /** Wakes the outbox relay after a submission commits. */
  pokeOutbox?: () => void;
  logger: Logger;
  /** Epoch milliseconds; tests inject a clock to travel in time. */
  clock?: () => number;
  plugins?: ConversationPlugin[];
  /** A user silent this long inside a flow is asked whether to continue or start over (default 30 min). */
  resumeAfterMs?: number;
  sessionTtlSeconds?: number;
}

export interface Engine {
  handle(msg: InboundMessage): Promise<Reply[]>;
  /** Registers another module's flow hooks, commands and status lookups. */
  use(plugin: ConversationPlugin): void;
  /** Flows whose `submit` hooks nobody registered (they are not offered); for a start-up warning. */
  flowsWithoutHooks(): string[];
}

/** Words every channel shares (matched after normalizeVietnamese). */
const WORDS = {
  back: ["quay lai", "tro lai", "back", "/back", "/quaylai"],
  skip: ["bo qua", "skip", "/skip", "/boqua"],
  cancel: ["huy", "/huy", "huy bo", "cancel", "/cancel"],
  menu: ["/start", "/menu", "menu", "start", "bat dau"],
  help: ["/help", "help", "tro giup", "huong dan", "/huongdan"],
  language: ["/ngonngu", "ngon ngu", "/language", "language", "english", "tieng viet"],
  english: ["english", "tieng anh"],
  vietnamese: ["tieng viet", "vietnamese"],
  done: ["xong", "done", "tiep", "tiep tuc", "het", "/xong"],
  greeting: ["xin chao", "chao", "chao ban", "hi", "hello", "alo", "chao bot"],
  deletion: ["xoa du lieu", "xoa du lieu cua toi", "/xoadulieu", "delete my data"],
} as const;

const STATUS_PREFIXES = ["/trangthai", "trang thai", "tra cuu", "/status", "status"];
const WITHDRAW_PREFIXES = ["rut ho so", "/ruthoso", "withdraw"];
const ASK_PREFIXES = ["/hoi", "/ask"];

interface Turn {
  msg: InboundMessage;
  session: Session;
  lang: Lang;
  replies: Reply[];
  now: number;
}

/**
 * @example
 * const engine = createEngine({ db, redis, prefix, i18n, knowledge, flows, config, logger });
 * engine.use(createNominationPlugin({ knowledge, maxPerDay: 5 }));
 * const replies = await engine.handle(msg);
 */
export function createEngine(deps: EngineDeps): Engine {
  const store = new SessionStore({ redis: deps.redis, prefix: deps.prefix, ttlSeconds: deps.sessionTtlSeconds });
  const clock = deps.clock ?? Date.now;
  const resumeAfter = deps.resumeAfterMs ?? 30 * 60_000;
  const hooks = new Map<string, FlowHooks>();
  const commands = new Map<string, CommandHandler>();
  const aliases = new Map<string, string>();
  const lookups = new Map<string, StatusLookup>();
  const { i18n, db, logger } = deps;
  const t = (turn: Turn | Lang, key: string, vars?: Record<string, string | number>) => i18n.t(typeof turn === "string" ? turn : turn.lang, key, vars);

  function use(plugin: ConversationPlugin) {
    for (const [k, v] of Object.entries(plugin.flowHooks ?? {})) hooks.set(k, v);
    for (const [k, v] of Object.entries(plugin.commands ?? {})) commands.set(k.toLowerCase(), v);
    for (const [k, v] of Object.entries(plugin.aliases ?? {})) aliases.set(normalizeVietnamese(k), v.toLowerCase());
    for (const [k, v] of Object.entries(plugin.statusLookups ?? {})) lookups.set(k.toUpperCase(), v);
  }
  for (const p of deps.plugins ?? []) use(p);

  const available = (flowId: string) => {
    const f = deps.flows.get(flowId);
    return f && hooks.has(f.submit) ? f : undefined;
  };

  function personCtx(turn: Turn): PersonContext {
    return { personId: turn.session.personId, channel: turn.msg.channel, chatId: turn.msg.chatId, lang: turn.lang, db, i18n, logger: log(turn), now: new Date(turn.now) };
  }
  function log(turn: Turn) {
    return logger.child({ channel: turn.msg.channel, chatId: turn.msg.chatId, messageId: turn.msg.messageId, personId: turn.session.personId });
  }

  // ---- replies with choices: every question gets a fresh token, so older buttons go stale ----

  function ask(turn: Turn, text: string, choices: Choice[], pending: Pending, tag: string = pending.kind) {
    turn.session.counter += 1;
    const token = `${tag.replace(/[^A-Za-z0-9]/g, "").slice(0, 12)}.${turn.session.counter.toString(36)}`;
    turn.session.token = token;
    turn.session.pending = pending;
    turn.replies.push(choices.length ? { text, choices, choiceToken: token } : { text });
  }
  function say(turn: Turn, text: string) {
    turn.replies.push({ text });
  }
  const yesNo = (turn: Turn, yes = "conversation.yes", no = "conversation.no"): Choice[] => [
    { id: "yes", label: t(turn, yes) },
    { id: "no", label: t(turn, no) },
  ];

  // ---- the main menu ----

  function menuChoices(turn: Turn): Choice[] {
    const c: Choice[] = [];
    const run = turn.session.flow;
    if (run && deps.flows.get(run.flowId)) c.push({ id: "continue", label: t(turn, "conversation.menu.continue", { flow: t(turn, deps.flows.get(run.flowId)!.title) }) });
    c.push({ id: "ask", label: t(turn, "conversation.menu.ask") });
    if (available("nomination")) c.push({ id: "nominate", label: t(turn, "conversation.menu.nominate") });
    if (available("self-report")) c.push({ id: "selfreport", label: t(turn, "conversation.menu.selfreport") });
    if (commands.has("/thongke")) c.push({ id: "stats", label: t(turn, "conversation.menu.stats") });
    c.push({ id: "examples", label: t(turn, "conversation.menu.examples") });
    c.push({ id: "status", label: t(turn, "conversation.menu.status") });
    c.push({ id: "language", label: t(turn, "conversation.menu.language") });
    return c;
  }
  function showMenu(turn: Turn, lead?: string) {
    ask(turn, [lead, t(turn, "conversation.menu.title")].filter(Boolean).join("\n\n"), menuChoices(turn), { kind: "menu" });
  }

  async function onMenu(turn: Turn, id: string) {
    switch (id) {
      case "continue":
        if (turn.session.flow) return promptCurrent(turn);
        return showMenu(turn);
      case "ask": {
        const levels = deps.knowledge.levels(turn.lang);
        return ask(turn, `${t(turn, "conversation.ask_intro")}`, levels.map((l, i) => ({ id: String(i), label: l.label })), { kind: "knowledge", choices: levels });
      }
      case "nominate":
        return startFlow(turn, "nomination");
      case "selfreport":
        return startFlow(turn, "self-report");
      case "stats":
        return runCommand(turn, "/thongke", "");
      case "examples":
        return showExamples(turn);
      case "status":
        return say(turn, t(turn, "conversation.status.how"));
      case "language":
        return toggleLanguage(turn);
    }
    return showMenu(turn);
  }

  async function showExamples(turn: Turn) {
    const rows = await publishedExamples(db, 5);
    if (!rows.length) return showMenu(turn, t(turn, "conversation.examples.none"));
    const lines = rows.map((r, i) => {
      const short = [...r.achievements].length > 220 ? `${[...r.achievements].slice(0, 217).join("")}…` : r.achievements;
      return t(turn, "conversation.examples.item", { n: i + 1, name: r.nomineeName, unit: r.nomineeUnit, category: t(turn, `nomination.category.${r.category}`), achievements: short });
    });
    say(turn, [t(turn, "conversation.examples.title"), ...lines].join("\n\n"));
  }

  async function toggleLanguage(turn: Turn, to?: Lang) {
    turn.lang = to ?? (turn.lang === "vi" ? "en" : "vi");
    turn.session.lang = turn.lang;
    await db.person.update({ where: { id: turn.session.personId }, data: { language: turn.lang } });
    showMenu(turn, t(turn, "conversation.language_set"));
  }

  async function runCommand(turn: Turn, command: string, args: string) {
    const handler = commands.get(command);
    if (!handler) return showMenu(turn);
    turn.replies.push(...(await handler(args, personCtx(turn))));
  }

  // ---- knowledge ----

  function askKnowledge(turn: Turn, question: string, firstContact: boolean) {
    const answer = deps.knowledge.ask(question, turn.lang);
    if (answer.kind === "none") {
      if (firstContact) return showMenu(turn, t(turn, "conversation.welcome"));
      return ask(turn, answer.text, [
        { id: "menu", label: t(turn, "conversation.open_menu") },
        { id: "forward", label: t(turn, "conversation.forward.offer") },
      ], { kind: "kb-none", question: question.slice(0, 2000) });
    }
    showAnswer(turn, answer);
  }
  function showAnswer(turn: Turn, answer: ReturnType<Knowledge["show"]>) {
    if (answer.choices?.length) {
      return ask(turn, answer.text, answer.choices.map((c, i) => ({ id: String(i), label: c.label })), { kind: "knowledge", choices: answer.choices });
    }
    say(turn, answer.text);
  }

  // ---- status, withdrawal, deletion ----

  async function status(turn: Turn, args: string) {
    const parsed = parseCode(args);
    if (!parsed) return say(turn, t(turn, "conversation.status.how"));
    const lookup = lookups.get(parsed.prefix);
    const answer = lookup ? await lookup(parsed.code, personCtx(turn)) : null;
    if (!answer) return say(turn, t(turn, "conversation.status.not_found", { code: parsed.code }));
    const choices = [...(answer.withdrawable ? [{ id: "withdraw", label: t(turn, "conversation.withdraw.button") }] : []), ...(answer.choices ?? [])];
    if (choices.length) {
      const withdraw = answer.withdrawable ? { subject: answer.withdrawable.subject, id: answer.withdrawable.id, code: parsed.code } : undefined;
      return ask(turn, answer.text, choices, { kind: "status", choices, withdraw }, "status");
    }
    say(turn, answer.text);
  }

  async function askWithdraw(turn: Turn, args: string) {
    const parsed = parseCode(args);
    if (!parsed) return say(turn, t(turn, "conversation.withdraw.how"));
    const answer = await lookups.get(parsed.prefix)?.(parsed.code, personCtx(turn));
    if (!answer) return say(turn, t(turn, "conversation.status.not_found", { code: parsed.code }));
    if (!answer.withdrawable) return say(turn, t(turn, "conversation.withdraw.not_possible", { code: parsed.code }));
    ask(turn, t(turn, "conversation.withdraw.confirm", { code: parsed.code }), yesNo(turn, "conversation.withdraw.yes", "conversation.no"), {
      kind: "withdraw-confirm",
      subject: answer.withdrawable.subject,
      id: answer.withdrawable.id,
      code: parsed.code,
    }, "wd");
  }

  // ---- flows ----

  function applies(step: Step, answers: Record<string, Answer>): boolean {
    if (!step.when) return true;
    const a = answers[step.when.step];
    if (!a || a.skipped) return false;
    const v = a.optionId ?? String(a.value);
    return step.when.in ? step.when.in.includes(v) : !step.when.notIn!.includes(v);
  }
  const stepOf = (flow: LoadedFlow, id: string) => flow.steps.find((s) => s.id === id);

  function optionsOf(turn: Turn, flow: LoadedFlow, step: Step): Array<Matchable & { id: string }> {
    if (step.kind === "choice") {
      return (flow.options.get(step.id) ?? []).map((o) => ({ id: o.id, label: typeof o.label === "string" ? t(turn, o.label) : o.label[turn.lang], aliases: typeof o.label === "string" ? undefined : [o.label.vi, o.label.en, ...(o.aliases ?? [])] }));
    }
    if (step.kind === "yesno") return [{ id: "yes", label: t(turn, "conversation.yes"), aliases: ["có", "co", "yes", "đúng", "ừ", "vâng", "dạ có"] }, { id: "no", label: t(turn, "conversation.no"), aliases: ["không", "khong", "ko", "no", "k"] }];
    if (step.kind === "consent") return [{ id: "yes", label: t(turn, "conversation.consent.agree"), aliases: ["đồng ý", "dong y", "agree", "có", "yes", "ok"] }, { id: "no", label: t(turn, "conversation.consent.disagree"), aliases: ["không đồng ý", "khong dong y", "không", "no"] }];
    if (step.kind === "confirm") {
      return [
        { id: "confirm", label: t(turn, "conversation.summary.confirm"), aliases: ["xác nhận", "xac nhan", "confirm", "gửi", "gui", "đồng ý"] },
        { id: "edit", label: t(turn, "conversation.summary.edit"), aliases: ["sửa", "sua", "edit", "chỉnh sửa"] },
        { id: "cancel", label: t(turn, "conversation.summary.cancel"), aliases: ["hủy", "huy", "cancel"] },
      ];
    }
    if (step.kind === "media") return [{ id: "done", label: t(turn, "conversation.media.done"), aliases: ["xong", "done", "tiếp", "tiếp tục"] }];
    return [];
  }

  function buttonsOf(turn: Turn, flow: LoadedFlow, step: Step): Choice[] {
    const shown = step.kind === "choice" && !step.show ? [] : optionsOf(turn, flow, step).map((o) => ({ id: o.id, label: o.label }));
    if (step.kind === "media" && !(turn.session.flow?.answers[step.id]?.value as unknown[] | undefined)?.length) shown.length = 0;
    if (step.optional) shown.push({ id: "_skip", label: t(turn, "conversation.skip") });
    return shown;
  }

  function position(flow: LoadedFlow, run: FlowRun): { n: number; total: number } {
    // Branches that depend on a question not answered yet count once, so "Bước 1/11" does not
    // become "Bước 2/10" later.
    const undecided = new Set<string>();
    const active = flow.steps.filter((s) => {
      if (applies(s, run.answers)) return true;
      if (!s.when || run.answers[s.when.step] || undecided.has(s.when.step)) return false;
      undecided.add(s.when.step);
      return true;
    });
    const n = active.findIndex((s) => s.id === run.stepId) + 1;
    return { n: Math.max(n, 1), total: active.length };
  }

  function summaryFields(turn: Turn, flow: LoadedFlow, run: FlowRun) {
    return flow.steps.filter((s) => s.kind !== "confirm" && s.kind !== "consent" && applies(s, run.answers)).map((s) => ({
      step: s,
      label: t(turn, s.label ?? s.prompt),
      value: run.answers[s.id]?.skipped || !run.answers[s.id] ? t(turn, "conversation.summary.empty") : run.answers[s.id]!.display,
    }));
  }

  /** Asks the current step again (with where the user is), optionally after a lead text. */
  function promptCurrent(turn: Turn, lead?: string) {
    const { run, flow, step } = currentStep(turn);
    const { n, total } = position(flow, run);
    const parts: string[] = [];
    if (lead) parts.push(lead);
    parts.push(t(turn, "conversation.step", { n, total }));
    if (step.kind === "confirm") {
      const fields = summaryFields(turn, flow, run);
      parts.push(t(turn, step.prompt));
      parts.push(fields.map((f, i) => `${i + 1}. ${f.label}: ${f.value}`).join("\n"));
      parts.push(t(turn, "conversation.summary.how"));
    } else {
      parts.push(t(turn, step.prompt));
      if (step.hint) parts.push(t(turn, step.hint));
      const current = run.answers[step.id];
      if (current && !current.skipped && step.kind !== "media" && step.kind !== "consent") parts.push(t(turn, "conversation.current_answer", { value: current.display }));
      if (step.optional) parts.push(t(turn, "conversation.optional"));
      if (step.kind === "media") {
        const items = (current?.value as unknown[] | undefined)?.length ?? 0;
        parts.push(t(turn, "conversation.media.count", { n: items, max: step.max }));
      }
    }
    ask(turn, parts.join("\n\n"), buttonsOf(turn, flow, step), { kind: "step" }, step.id);
  }

  async function startFlow(turn: Turn, flowId: string, opts: { force?: boolean } = {}) {
    const flow = available(flowId);
    if (!flow) return showMenu(turn, t(turn, "conversation.flow_unavailable"));
    const run = turn.session.flow;
    if (run && !opts.force && Object.keys(run.answers).length > 0) {
      const title = t(turn, deps.flows.get(run.flowId)?.title ?? flow.title);
      return ask(turn, t(turn, "conversation.restart_question", { flow: title }), [
        { id: "continue", label: t(turn, "conversation.resume.continue") },
        { id: "restart", label: t(turn, "conversation.resume.restart") },
      ], { kind: "restart-confirm", flowId }, "restart");
    }
    const refusal = await hooks.get(flow.submit)!.canStart?.(personCtx(turn));
    if (refusal) {
      turn.session.flow = undefined;
      return showMenu(turn, t(turn, refusal.key, refusal.vars));
    }
    const first = flow.steps.find((s) => applies(s, {}))!;
    turn.session.flow = { flowId, runId: randomBytes(8).toString("hex"), stepId: first.id, answers: {}, history: [], startedAt: turn.now };
    log(turn).info({ flowId, runId: turn.session.flow.runId }, "flow started");
    promptCurrent(turn, flow.intro ? t(turn, flow.intro) : undefined);
  }

  function endFlow(turn: Turn) {
    turn.session.flow = undefined;
    turn.session.pending = undefined;
  }

  /** Ends a flow that will not be submitted, deleting the evidence files it had stored. */
  async function abandonFlow(turn: Turn) {
    const run = turn.session.flow;
    endFlow(turn);
    if (!run) return;
    const ids = Object.values(run.answers).flatMap((a) => (Array.isArray(a.value) ? a.value.filter((v) => v.kind === "attachment").map((v) => v.ref) : []));
    await discardPendingEvidence(db, ids).catch((err: unknown) => log(turn).warn({ err: errorKind(err) }, "could not discard pending evidence"));
  }

  /** Moves to the step after `from`; while editing from the summary, to the first missing step or back to the summary. */
  function nextStepId(flow: LoadedFlow, run: FlowRun, from: string): string {
    if (run.editing) {
      const missing = flow.steps.find((s) => s.kind !== "confirm" && applies(s, run.answers) && !run.answers[s.id]);
      return missing ? missing.id : flow.steps.at(-1)!.id;
    }
    const idx = flow.steps.findIndex((s) => s.id === from);
    return flow.steps.slice(idx + 1).find((s) => applies(s, run.answers))!.id;
  }

  async function acceptAnswer(turn: Turn, flow: LoadedFlow, step: Step, answer: Answer) {
    const run = turn.session.flow!;
    run.answers[step.id] = answer;
    const hook = hooks.get(flow.submit);
    const after = answer.skipped ? undefined : await hook?.afterAnswer?.(step.id, run.answers, personCtx(turn));
    if (after?.warning && !(run.accepted ?? []).includes(after.warning.id)) {
      return ask(turn, after.warning.text, yesNo(turn, "conversation.warning.continue", "conversation.warning.stop"), { kind: "warning", warning: after.warning.id }, "warn");
    }
    advance(turn, flow, step, after?.info);
  }

  function advance(turn: Turn, flow: LoadedFlow, step: Step, info?: string) {
    const run = turn.session.flow!;
    const next = nextStepId(flow, run, step.id);
    if (!run.editing) run.history.push(step.id);
    if (next === flow.steps.at(-1)!.id) run.editing = false;
    run.stepId = next;
    promptCurrent(turn, info);
  }

  function goBack(turn: Turn) {
    const run = turn.session.flow!;
    const flow = deps.flows.get(run.flowId)!;
    if (run.editing) {
      run.editing = false;
      run.stepId = flow.steps.at(-1)!.id;
      return promptCurrent(turn);
    }
    const prev = run.history.pop();
    if (!prev) return promptCurrent(turn, t(turn, "conversation.back_first"));
    run.stepId = prev;
    promptCurrent(turn);
  }

  /** The flow run in progress, its flow and the step it waits on (only called while a flow runs). */
  function currentStep(turn: Turn): { run: FlowRun; flow: LoadedFlow; step: Step } {
    const run = turn.session.flow!;
    const flow = deps.flows.get(run.flowId)!;
    return { run, flow, step: stepOf(flow, run.stepId)! };
  }

  async function handleStepChoice(turn: Turn, id: string) {
    const { flow, step } = currentStep(turn);
    if (id === "_skip") return skip(turn, flow, step);
    const option = optionsOf(turn, flow, step).find((o) => o.id === id);
    if (!option) return promptCurrent(turn, t(turn, "conversation.invalid.choice"));
    return answerWithOption(turn, flow, step, option);
  }

  async function skip(turn: Turn, flow: LoadedFlow, step: Step) {
    if (!step.optional) return promptCurrent(turn, t(turn, "conversation.not_optional"));
    const existing = turn.session.flow!.answers[step.id];
    if (step.kind === "media" && (existing?.value as unknown[] | undefined)?.length) return advance(turn, flow, step);
    return acceptAnswer(turn, flow, step, { value: null, display: t(turn, "conversation.summary.empty"), skipped: true });
  }

  async function answerWithOption(turn: Turn, flow: LoadedFlow, step: Step, option: { id: string; label: string }) {
    const run = turn.session.flow!;
    switch (step.kind) {
      case "choice":
        return acceptAnswer(turn, flow, step, { value: option.id, optionId: option.id, display: option.label });
      case "yesno":
        return acceptAnswer(turn, flow, step, { value: option.id === "yes", optionId: option.id, display: option.label });
      case "consent":
        if (option.id !== "yes") return promptCurrent(turn, t(turn, "conversation.consent.required"));
        return acceptAnswer(turn, flow, step, { value: true, display: option.label, version: step.version, at: turn.now });
      case "media":
        return advance(turn, flow, step);
      case "confirm":
        if (option.id === "confirm") return submit(turn, flow);
        if (option.id === "cancel") return askCancel(turn);
        return askEditField(turn, flow, run);
    }
    return promptCurrent(turn);
  }

  function askEditField(turn: Turn, flow: LoadedFlow, run: FlowRun) {
    const fields = summaryFields(turn, flow, run);
    ask(turn, t(turn, "conversation.summary.which"), fields.map((f, i) => ({ id: String(i), label: f.label })), { kind: "edit-field", fields: fields.map((f) => f.step.id) }, "edit");
  }

  function editField(turn: Turn, stepId: string) {
    const run = turn.session.flow!;
    run.editing = true;
    run.stepId = stepId;
    promptCurrent(turn);
  }

  async function handleStepText(turn: Turn, text: string) {
    const { run, flow, step } = currentStep(turn);
    const n = normalizeVietnamese(text);
    if ((WORDS.back as readonly string[]).includes(n)) return goBack(turn);
    if ((WORDS.skip as readonly string[]).includes(n)) return skip(turn, flow, step);
    const invalid = (key: string, vars?: Record<string, string | number>) => promptCurrent(turn, t(turn, key, vars));
    switch (step.kind) {
      case "text": {
        const v = validateText(text, step.min, step.max);
        return v.ok ? acceptAnswer(turn, flow, step, { value: v.value, display: v.value }) : invalid(v.reason, v.vars);
      }
      case "choice": {
        const options = optionsOf(turn, flow, step);
        const hit = matchChoice(text, options, { numbers: step.show });
        // A long list matched from free text (localities): keep what was typed, remember the match.
        if (hit && step.free && !step.show) return acceptAnswer(turn, flow, step, { value: cleanText(text), optionId: hit.id, display: cleanText(text) });
        if (hit) return answerWithOption(turn, flow, step, hit);
        if (!step.free) return invalid("conversation.invalid.choice");
        const v = validateText(text, step.min, step.max);
        return v.ok ? acceptAnswer(turn, flow, step, { value: v.value, optionId: null, display: v.value }) : invalid(v.reason, v.vars);
      }
      case "yesno":
      case "consent": {
        const hit = matchChoice(text, optionsOf(turn, flow, step));
        return hit ? answerWithOption(turn, flow, step, hit) : invalid("conversation.invalid.choice");
      }
      case "phone": {
        const v = validatePhone(text);
        return v.ok ? acceptAnswer(turn, flow, step, { value: v.value, display: v.value }) : invalid(v.reason);
      }
      case "email": {
        const v = validateEmail(text);
        return v.ok ? acceptAnswer(turn, flow, step, { value: v.value, display: v.value }) : invalid(v.reason);
      }
      case "date": {
        const v = validateDate(text, { past: step.past, future: step.future, today: new Date(turn.now) });
        return v.ok ? acceptAnswer(turn, flow, step, { value: v.value, display: v.value.split("-").reverse().join("/") }) : invalid(v.reason);
      }
      case "number": {
        const v = validateNumber(text, step);
        return v.ok ? acceptAnswer(turn, flow, step, { value: v.value, display: String(v.value) }) : invalid(v.reason, v.vars);
      }
      case "media": {
        if ((WORDS.done as readonly string[]).includes(n)) {
          const items = (run.answers[step.id]?.value as unknown[] | undefined) ?? [];
          if (items.length) return advance(turn, flow, step);
          return step.optional ? skip(turn, flow, step) : invalid("conversation.media.need_one");
        }
        const link = step.links ? parseLink(text) : null;
        if (!link) return invalid("conversation.media.expected");
        return addEvidence(turn, flow, step, { kind: "link", ref: link, name: link });
      }
      case "confirm": {
        const edit = /^(sua|edit)\s+(\d{1,2})$/.exec(n);
        const fields = summaryFields(turn, flow, run);
        if (edit) {
          const f = fields[Number(edit[2]) - 1];
          return f ? editField(turn, f.step.id) : invalid("conversation.invalid.choice");
        }
        const hit = matchChoice(text, optionsOf(turn, flow, step), { numbers: false });
        if (hit) return answerWithOption(turn, flow, step, hit);
        return invalid("conversation.summary.how");
      }
    }
  }

  function addEvidence(turn: Turn, flow: LoadedFlow, step: Step & { kind: "media" }, item: { kind: "attachment" | "link"; ref: string; name?: string }) {
    const run = turn.session.flow!;
    const items = [...((run.answers[step.id]?.value as Array<{ kind: "attachment" | "link"; ref: string; name?: string }> | undefined) ?? []), item];
    const display = items.map((i) => (i.kind === "link" ? i.ref : (i.name ?? t(turn, "conversation.media.file")))).join("; ");
    run.answers[step.id] = { value: items, display };
    if (items.length >= step.max) return advance(turn, flow, step, t(turn, "conversation.media.full", { max: step.max }));
    ask(turn, t(turn, "conversation.media.received", { n: items.length, max: step.max }), buttonsOf(turn, flow, step), { kind: "step" }, step.id);
  }

  async function handleMedia(turn: Turn, media: MediaRef) {
    const run = turn.session.flow;
    const flow = run && deps.flows.get(run.flowId);
    const step = flow && stepOf(flow, run.stepId);
    if (!step || step.kind !== "media" || turn.session.pending?.kind !== "step") {
      say(turn, t(turn, "conversation.media.unexpected"));
      if (run && turn.session.pending?.kind === "step") promptCurrent(turn);
      return;
    }
    const items = (run.answers[step.id]?.value as unknown[] | undefined) ?? [];
    if (items.length >= step.max) return promptCurrent(turn, t(turn, "conversation.media.full", { max: step.max }));
    if (media.size !== undefined && media.size > deps.config.evidenceMaxBytes) return promptCurrent(turn, t(turn, "conversation.media.too_large", { mb: Math.floor(deps.config.evidenceMaxBytes / 1_048_576) }));
    if (!deps.fetchMedia) return promptCurrent(turn, t(turn, "conversation.media.unavailable"));
    try {
      const file = await deps.fetchMedia(turn.msg.channel, media, deps.config.evidenceMaxBytes);
      if (file.bytes.length > deps.config.evidenceMaxBytes) throw new MediaRejectedError("too_large");
      if (!/^(image\/(jpeg|png|webp|heic|heif|gif)|application\/pdf|application\/(msword|vnd\.openxmlformats-officedocument\.(wordprocessingml\.document|spreadsheetml\.sheet|presentationml\.presentation)|vnd\.ms-excel))$/.test(file.mime)) throw new MediaRejectedError("bad_type");
      const id = await storePendingEvidence(db, { kind: media.kind, bytes: file.bytes, mime: file.mime, fileName: file.fileName ?? media.fileName });
      log(turn).info({ attachmentId: id, bytes: file.bytes.length }, "evidence stored");
      return addEvidence(turn, flow, step, { kind: "attachment", ref: id, name: file.fileName ?? media.fileName ?? undefined });
    } catch (err) {
      if (err instanceof MediaRejectedError) {
        const key = err.reason === "too_large" ? "conversation.media.too_large" : err.reason === "bad_type" ? "conversation.media.bad_type" : "conversation.media.unavailable";
        return promptCurrent(turn, t(turn, key, { mb: Math.floor(deps.config.evidenceMaxBytes / 1_048_576) }));
      }
      throw err;
    }
  }

  function askCancel(turn: Turn) {
    if (!turn.session.flow) return showMenu(turn, t(turn, "conversation.cancel.nothing"));
    ask(turn, t(turn, "conversation.cancel.confirm"), yesNo(turn, "conversation.cancel.yes", "conversation.cancel.no"), { kind: "cancel-confirm" }, "cancel");
  }

  async function submit(turn: Turn, flow: LoadedFlow) {
    const run = turn.session.flow!;
    const hook = hooks.get(flow.submit)!;
    const missing = flow.steps.find((s) => s.kind !== "confirm" && !s.optional && applies(s, run.answers) && !run.answers[s.id]);
    if (missing) return editField(turn, missing.id);
    try {
      const result = await hook.submit({ ...personCtx(turn), flowId: flow.id, idempotencyKey: `${turn.msg.channel}:${turn.msg.chatId}:${run.runId}`, answers: run.answers });
      log(turn).info({ flowId: flow.id, runId: run.runId, code: result.code }, "submission committed");
      deps.pokeOutbox?.();
      endFlow(turn);
      turn.replies.push(...result.replies);
      showMenu(turn);
    } catch (err) {
      if (err instanceof SubmissionRefusedError) return promptCurrent(turn, t(turn, err.localeKey, err.vars));
      // Only the error's class and code: a driver message may quote the values being written.
      log(turn).error({ err: errorKind(err), flowId: flow.id, runId: run.runId }, "submission failed; the user is asked to try again");
      promptCurrent(turn, t(turn, "core.try_again"));
    }
  }

  // ---- pending questions other than a flow step ----

  async function onPendingChoice(turn: Turn, pending: Pending, id: string): Promise<void> {
    const s = turn.session;
    switch (pending.kind) {
      case "step":
        if (!s.flow) return showMenu(turn);
        return handleStepChoice(turn, id);
      case "menu":
        return onMenu(turn, id);
      case "knowledge": {
        const c = pending.choices[Number(id)];
        if (!c) return showMenu(turn);
        if (deps.knowledge.levels(turn.lang).some((l) => l.id === c.id)) {
          const entries = deps.knowledge.entriesOf(c.id, turn.lang);
          if (entries.length) return ask(turn, deps.knowledge.show(c.id, turn.lang).text, entries.map((e, i) => ({ id: String(i), label: e.label })), { kind: "knowledge", choices: entries });
        }
        return showAnswer(turn, deps.knowledge.show(c.id, turn.lang));
      }
      case "kb-none":
        if (id === "forward") {
          return ask(turn, t(turn, "conversation.forward.consent"), yesNo(turn, "conversation.forward.yes", "conversation.no"), { kind: "forward-consent", question: pending.question }, "fwd");
        }
        return showMenu(turn);
      case "forward-consent":
        s.pending = undefined;
        if (id !== "yes") return showMenu(turn, t(turn, "conversation.forward.declined"));
        await forwardQuestion(db, { personId: s.personId, question: pending.question });
        deps.pokeOutbox?.();
        return say(turn, t(turn, "conversation.forward.done"));
      case "cancel-confirm":
        s.pending = undefined;
        if (id === "yes") {
          log(turn).info({ flowId: s.flow?.flowId, runId: s.flow?.runId }, "flow cancelled");
          await abandonFlow(turn);
          return showMenu(turn, t(turn, "conversation.cancel.done"));
        }
        return s.flow ? promptCurrent(turn) : showMenu(turn);
      case "resume":
        if (!s.flow) return showMenu(turn);
        if (id === "restart") {
          const flowId = s.flow.flowId;
          await abandonFlow(turn);
          return startFlow(turn, flowId, { force: true });
        }
        return promptCurrent(turn);
      case "restart-confirm":
        if (id === "restart") {
          await abandonFlow(turn);
          return startFlow(turn, pending.flowId, { force: true });
        }
        return s.flow ? promptCurrent(turn) : showMenu(turn);
      case "warning": {
        if (!s.flow) return showMenu(turn);
        if (id !== "yes") {
          await abandonFlow(turn);
          return showMenu(turn, t(turn, "conversation.warning.stopped"));
        }
        s.flow.accepted = [...(s.flow.accepted ?? []), pending.warning];
        const flow = deps.flows.get(s.flow.flowId)!;
        return advance(turn, flow, stepOf(flow, s.flow.stepId)!);
      }
      case "edit-field": {
        const stepId = pending.fields[Number(id)];
        if (!s.flow || !stepId) return s.flow ? promptCurrent(turn) : showMenu(turn);
        return editField(turn, stepId);
      }
      case "withdraw-confirm": {
        s.pending = undefined;
        if (id !== "yes") return say(turn, t(turn, "conversation.withdraw.kept", { code: pending.code }));
        const result = await withdrawFor(turn, pending.subject, pending.id);
        return say(turn, t(turn, result ? "conversation.withdraw.done" : "conversation.withdraw.not_possible", { code: pending.code }));
      }
      case "delete-confirm":
        s.pending = undefined;
        if (id !== "yes") return say(turn, t(turn, "conversation.deletion.kept"));
        await requestDeletion(db, { personId: s.personId, channel: turn.msg.channel, chatId: turn.msg.chatId });
        deps.pokeOutbox?.();
        log(turn).info("deletion requested");
        return say(turn, t(turn, "conversation.deletion.queued"));
      case "status":
        if (id === "withdraw" && pending.withdraw) {
          return ask(turn, t(turn, "conversation.withdraw.confirm", { code: pending.withdraw.code }), yesNo(turn, "conversation.withdraw.yes", "conversation.no"), { kind: "withdraw-confirm", ...pending.withdraw }, "wd");
        }
        return showMenu(turn);
      case "custom":
        return showMenu(turn);
    }
  }

  async function withdrawFor(turn: Turn, subject: string, id: string): Promise<boolean> {
    if (subject !== "nomination") return false;
    const r = await withdrawNomination(db, id, turn.session.personId);
    if (r.ok) log(turn).info({ nominationId: id }, "nomination withdrawn by submitter");
    return r.ok;
  }

  /** Choices of the pending question, for matching a typed answer. */
  function pendingChoices(turn: Turn): Matchable[] {
    const p = turn.session.pending;
    if (!p) return [];
    switch (p.kind) {
      case "menu":
        return menuChoices(turn);
      case "knowledge":
        return p.choices.map((c, i) => ({ id: String(i), label: c.label }));
      case "status":
        return p.choices.map((c) => ({ id: c.id, label: c.label, aliases: c.id === "withdraw" ? ["rút hồ sơ", "rut ho so", "rút", "withdraw"] : undefined }));
      case "kb-none":
        return [{ id: "menu", label: t(turn, "conversation.open_menu") }, { id: "forward", label: t(turn, "conversation.forward.offer"), aliases: ["chuyển", "chuyen", "forward", "chuyển câu hỏi"] }];
      case "edit-field":
        return p.fields.map((f, i) => {
          const flow = turn.session.flow && deps.flows.get(turn.session.flow.flowId);
          const step = flow && stepOf(flow, f);
          return { id: String(i), label: step ? t(turn, step.label ?? step.prompt) : f };
        });
      case "resume":
      case "restart-confirm":
        return [{ id: "continue", label: t(turn, "conversation.resume.continue"), aliases: ["tiếp tục", "tiep tuc", "continue"] }, { id: "restart", label: t(turn, "conversation.resume.restart"), aliases: ["làm lại", "lam lai", "bắt đầu lại", "restart"] }];
      case "withdraw-confirm":
        return [{ id: "yes", label: t(turn, "conversation.withdraw.yes"), aliases: ["có", "co", "yes", "đồng ý", "rút", "rut"] }, { id: "no", label: t(turn, "conversation.no"), aliases: ["không", "khong", "no"] }];
      case "cancel-confirm":
        return [{ id: "yes", label: t(turn, "conversation.cancel.yes"), aliases: ["có", "co", "yes", "hủy", "huy"] }, { id: "no", label: t(turn, "conversation.cancel.no"), aliases: ["không", "khong", "no", "tiếp tục", "tiep tuc"] }];
      case "warning":
        return [{ id: "yes", label: t(turn, "conversation.warning.continue"), aliases: ["có", "co", "yes", "tiếp tục", "tiep tuc"] }, { id: "no", label: t(turn, "conversation.warning.stop"), aliases: ["không", "khong", "no", "dừng", "dung"] }];
      case "forward-consent":
      case "delete-confirm":
        return [{ id: "yes", label: t(turn, p.kind === "delete-confirm" ? "conversation.deletion.yes" : "conversation.forward.yes"), aliases: ["có", "co", "yes", "đồng ý", "dong y"] }, { id: "no", label: t(turn, "conversation.no"), aliases: ["không", "khong", "no"] }];
      default:
        return [];
    }
  }

  /** Questions that must be answered before anything else (the user is reminded, nothing is lost). */
  const BLOCKING: ReadonlySet<Pending["kind"]> = new Set(["cancel-confirm", "resume", "restart-confirm", "warning", "edit-field", "withdraw-confirm", "delete-confirm", "forward-consent"]);

  function repeatPending(turn: Turn) {
    const last = turn.session.lastReplies?.filter((r) => r.choiceToken === turn.session.token).at(-1);
    if (last) turn.replies.push({ text: t(turn, "conversation.choose_one") }, last);
    else if (turn.session.flow) promptCurrent(turn);
    else showMenu(turn);
  }

  // ---- routing ----

  function startsWithAny(n: string, prefixes: readonly string[]): string | null {
    for (const p of prefixes) if (n === p || n.startsWith(`${p} `)) return p;
    return null;
  }

  async function onText(turn: Turn, raw: string, firstContact: boolean) {
    const text = cleanText(raw);
    const n = normalizeVietnamese(text);
    const slash = text.startsWith("/") ? text.split(/\s+/)[0]!.toLowerCase() : null;
    const s = turn.session;

    if ((WORDS.menu as readonly string[]).includes(n) || slash === "/start" || slash === "/menu") return showMenu(turn, firstContact ? t(turn, "conversation.welcome") : undefined);
    if ((WORDS.help as readonly string[]).includes(n)) return showMenu(turn, t(turn, "conversation.help"));
    if ((WORDS.cancel as readonly string[]).includes(n)) return askCancel(turn);
    if ((WORDS.english as readonly string[]).includes(n)) return toggleLanguage(turn, "en");
    if ((WORDS.vietnamese as readonly string[]).includes(n)) return toggleLanguage(turn, "vi");
    if ((WORDS.language as readonly string[]).includes(n) || slash === "/ngonngu") return toggleLanguage(turn);
    if (slash && ASK_PREFIXES.includes(slash)) {
      const q = text.slice(slash.length).trim();
      return q ? askKnowledge(turn, q, false) : say(turn, t(turn, "conversation.ask_how"));
    }
    const statusWord = slash === "/trangthai" || slash === "/status" ? slash : startsWithAny(n, STATUS_PREFIXES);
    if (statusWord) return status(turn, text);
    if (startsWithAny(n, WITHDRAW_PREFIXES)) return askWithdraw(turn, text);
    if ((WORDS.deletion as readonly string[]).some((w) => n === w || n.startsWith(`${w} `))) {
      return ask(turn, t(turn, "conversation.deletion.confirm"), yesNo(turn, "conversation.deletion.yes", "conversation.no"), { kind: "delete-confirm" }, "del");
    }
    const command = slash ? (commands.has(slash) ? slash : undefined) : aliases.get(n);
    if (command && commands.has(command)) return runCommand(turn, command, slash ? text.slice(slash.length).trim() : "");
    for (const flow of deps.flows.values()) {
      if (!available(flow.id)) continue;
      if (flow.triggers.some((tr) => normalizeVietnamese(tr) === n || (tr.startsWith("/") && slash === tr.toLowerCase()))) {
        if (s.flow?.flowId === flow.id && s.pending?.kind === "step") return startFlow(turn, flow.id);
        return startFlow(turn, flow.id);
      }
    }

    const pending = s.pending;
    if (pending && pending.kind !== "step") {
      const hit = matchChoice(text, pendingChoices(turn));
      if (hit) return onPendingChoice(turn, pending, hit.id);
      if (BLOCKING.has(pending.kind)) return repeatPending(turn);
    }
    if (s.flow && (!pending || pending.kind === "step" || !BLOCKING.has(pending.kind))) {
      if (pending?.kind === "step") return handleStepText(turn, text);
    }
    if (!n) return showMenu(turn);
    if ((WORDS.greeting as readonly string[]).includes(n)) return showMenu(turn, t(turn, "conversation.welcome"));
    return askKnowledge(turn, text, firstContact);
  }

  async function process(turn: Turn, firstContact: boolean, previousAt: number | undefined) {
    const { msg, session: s } = turn;
    if (msg.unsupported) {
      say(turn, t(turn, "core.unsupported"));
      if (s.flow && s.pending?.kind === "step") promptCurrent(turn);
      return;
    }
    if (msg.choice) {
      if (msg.choice.token === "rv") return; // reviewer buttons belong to the review middleware
      if (!s.token || msg.choice.token !== s.token || !s.pending) return say(turn, t(turn, "conversation.stale"));
      return onPendingChoice(turn, s.pending, msg.choice.id);
    }
    // Someone coming back to a half-finished flow after a while is asked before anything is used.
    if (s.flow && previousAt !== undefined && turn.now - previousAt > resumeAfter && s.pending?.kind === "step") {
      const flow = deps.flows.get(s.flow.flowId);
      const { n, total } = flow ? position(flow, s.flow) : { n: 1, total: 1 };
      return ask(turn, t(turn, "conversation.resume.question", { flow: flow ? t(turn, flow.title) : s.flow.flowId, n, total }), [
        { id: "continue", label: t(turn, "conversation.resume.continue") },
        { id: "restart", label: t(turn, "conversation.resume.restart") },
      ], { kind: "resume" }, "resume");
    }
    if (msg.media) return handleMedia(turn, msg.media);
    if (msg.text !== undefined) return onText(turn, msg.text, firstContact);
    say(turn, t(turn, "core.unsupported"));
  }

  async function personFor(msg: InboundMessage): Promise<{ id: string; language: Lang }> {
    const lang: Lang = msg.languageHint?.toLowerCase().startsWith("en") ? "en" : "vi";
    const p = await db.person.upsert({
      where: { channel_externalId: { channel: msg.channel, externalId: msg.userId } },
      create: { channel: msg.channel, externalId: msg.userId, chatId: msg.chatId, language: lang },
      update: { chatId: msg.chatId },
      select: { id: true, language: true },
    });
    return { id: p.id, language: p.language === "en" ? "en" : "vi" };
  }

  async function handle(msg: InboundMessage): Promise<Reply[]> {
    return store.transact(msg.channel, msg.chatId, async (loaded) => {
      let session = loaded.session;
      // A retried job (the worker died after we saved): give the same replies, change nothing.
      if (session?.lastMessageId === msg.messageId && session.lastReplies) return { value: session.lastReplies };
      const now = clock();
      const firstContact = !session;
      const previousAt = session?.updatedAt;
      if (!session) {
        const person = await personFor(msg);
        session = { v: 1, lang: person.language, personId: person.id, counter: 0, updatedAt: now };
      }
      const turn: Turn = { msg, session, lang: session.lang, replies: [], now };
      if (loaded.corrupt) {
        logger.warn({ channel: msg.channel, chatId: msg.chatId }, "discarded a corrupt session");
        say(turn, t(turn, "conversation.session_lost"));
      }
      await process(turn, firstContact && !loaded.corrupt, previousAt);
      session.lastMessageId = msg.messageId;
      session.lastReplies = turn.replies;
      session.updatedAt = now;
      return { value: turn.replies, save: session };
    });
  }

  return {
    handle,
    use,
    flowsWithoutHooks: () => [...deps.flows.values()].filter((f) => !hooks.has(f.submit)).map((f) => `${f.file} (submit: ${f.submit})`),
  };
}

/** An error's class and driver code, safe to log (no message text, which may quote personal data). */
function errorKind(err: unknown): string {
  const e = err as { name?: string; code?: unknown; constructor?: { name?: string } };
  return [e?.constructor?.name ?? e?.name ?? typeof err, typeof e?.code === "string" ? e.code : undefined].filter(Boolean).join(":");
}
