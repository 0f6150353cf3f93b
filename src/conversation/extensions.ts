/**
 * How other concerns plug into the conversation without the engine knowing them: a flow's
 * submission hooks, extra commands ("/thongke") with their words and menu items, status lookups
 * and withdrawals per code prefix ("TD"), the person's submission list, and evidence storage.
 */
import type { Logger } from "pino";
import type { Choice, InboundMessage, Reply } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Lang, Translator } from "../i18n/locales.js";
import type { Answer } from "./session.js";

/** What every hook receives about the person talking. */
export interface PersonContext {
  personId: string;
  channel: InboundMessage["channel"];
  chatId: string;
  lang: Lang;
  db: Db;
  i18n: Translator;
  logger: Logger;
  now: Date;
}

export interface SubmitContext extends PersonContext {
  flowId: string;
  /** Unique per flow run: store it in a unique column so a retried confirmation cannot insert twice. */
  idempotencyKey: string;
  answers: Record<string, Answer>;
}

/** The result of a submission; `text` is shown to the user only after the transaction committed. */
export interface SubmitResult {
  code: string;
  replies: Reply[];
}

/** A submission refused for a reason the user can understand (e.g. the daily limit); the flow stays at the summary. */
export class SubmissionRefusedError extends Error {
  override name = "SubmissionRefusedError";
  constructor(
    readonly localeKey: string,
    readonly vars?: Record<string, string | number>,
  ) {
    super(`submission refused: ${localeKey}`);
  }
}

export interface FlowHooks {
  /**
   * Before the flow starts: return a locale key (with vars) to refuse politely (e.g. daily limit),
   * or undefined to go on.
   */
  canStart?(ctx: PersonContext): Promise<{ key: string; vars?: Record<string, string | number> } | undefined>;
  /**
   * After a step is answered: an optional text to show (e.g. the plan's criterion for a category),
   * or a warning the user must accept before going on (e.g. a duplicate nominee). A warning has an
   * id so it is asked only once per run.
   */
  afterAnswer?(
    stepId: string,
    answers: Record<string, Answer>,
    ctx: PersonContext,
  ): Promise<{ info?: string; warning?: { id: string; text: string } } | undefined>;
  /** Writes the submission (in one transaction with its outbox row). Throw SubmissionRefusedError to refuse politely. */
  submit(ctx: SubmitContext): Promise<SubmitResult>;
}

/**
 * A question a plugin asks with choices (e.g. "which topics?"). The engine shows it, keeps it as the
 * pending question (kind "plugin"), and hands the chosen id (a press, a number, a label or an alias
 * typed with or without diacritics) to the plugin's `answers[owner]`. It does not block: typing
 * something else simply moves on.
 */
export interface PluginQuestion {
  owner: string;
  text: string;
  choices: Array<Choice & { aliases?: string[] }>;
  data?: Record<string, unknown>;
}

/** What a plugin's command or answer handler returns when it has a follow-up question. */
export interface PluginTurn {
  replies: Reply[];
  question?: PluginQuestion;
}

/** A command handler: `args` is the text after the command word. */
export type CommandHandler = (args: string, ctx: PersonContext) => Promise<Reply[] | PluginTurn>;

/** Receives the answer to a PluginQuestion: `choiceId` is one of its choices' ids. */
export type AnswerHandler = (
  choiceId: string,
  data: Record<string, unknown> | undefined,
  ctx: PersonContext,
) => Promise<PluginTurn>;

/** Runs after a flow's submission committed; may ask one question instead of showing the menu. */
export type AfterSubmitHook = (flowId: string, ctx: PersonContext) => Promise<PluginQuestion | undefined>;

/**
 * Live options of a free-text choice step whose list is managed elsewhere (e.g. localities in the
 * database), read when the step is answered, so a change is used by the next answer without a
 * restart. `other` formats a typed answer that matches none (e.g. "khác: …").
 */
export type ChoiceSource = (ctx: PersonContext) => Promise<{
  options: Array<{ id: string; label: { vi: string; en: string }; aliases?: string[]; for?: string[] }>;
  other?: (typed: string, lang: Lang) => string;
}>;

/** A command another module adds ("/thongke"): what it does, the words that also run it, its menu item. */
export interface CommandSpec {
  run: CommandHandler;
  /** Locale key of a word list ("selfreport.words.stats"): typing one of them runs the command too. */
  words?: string;
  /** Shown in the main menu; lower `order` is higher (flows use 20–39, core items 10 and 60+). */
  menu?: { label: string; order: number };
  /** It shows or changes the person's own records: asked in a group, the person is sent to a private chat instead. */
  personal?: boolean;
}

/** What a status lookup tells the owner of a code; null = not found (or not theirs: same answer). */
export interface StatusAnswer {
  text: string;
  /** Whether the owner may still withdraw it (then "Rút hồ sơ" is offered; the plugin's `withdraw` does it). */
  withdrawable?: boolean;
}
export type StatusLookup = (code: string, ctx: PersonContext) => Promise<StatusAnswer | null>;

/** Withdraws the owner's submission `code`; false when it is no longer possible (decided, not theirs). */
export type Withdrawal = (code: string, ctx: PersonContext) => Promise<boolean>;

/** One line of "hồ sơ của tôi". */
export interface SubmissionLine {
  code: string;
  at: Date;
  text: string;
}

/** Keeps evidence files from the moment they arrive until the submission links them (or the flow is abandoned). */
export interface EvidenceStore {
  store(file: {
    kind: "photo" | "document";
    bytes: Buffer;
    mime: string;
    fileName?: string;
  }): Promise<string>;
  discard(ids: string[]): Promise<void>;
}

/**
 * Asked, in registration order, only after the plan's knowledge declined a question; the first
 * reply given is shown instead of the decline (with the same "forward to an official" offer).
 * Never consulted when the plan answers: the plan's answer always wins.
 */
export type FallbackAnswerer = (question: string, ctx: PersonContext) => Promise<Reply | null>;

/**
 * A bundle another module registers with `engine.use(plugin)`.
 *
 * @example engine.use({ flowHooks: { "self-report": hooks }, commands: { "/thongke": { run, words: "selfreport.words.stats" } }, statusLookups: { TD: lookup } })
 */
export interface ConversationPlugin {
  /** Keyed by the flow file's `submit` name. */
  flowHooks?: Record<string, FlowHooks>;
  /** Keyed by the command as typed, lower case, starting with "/" (e.g. "/thongke"). */
  commands?: Record<string, CommandSpec>;
  /** Keyed by the two-letter code prefix ("TD"). */
  statusLookups?: Record<string, StatusLookup>;
  /** Keyed by the two-letter code prefix, for codes whose status answer is `withdrawable`. */
  withdrawals?: Record<string, Withdrawal>;
  /** The person's own submissions, for "hồ sơ của tôi". */
  submissions?: (ctx: PersonContext) => Promise<SubmissionLine[]>;
  /** Where media steps keep files (one plugin provides it). */
  evidence?: EvidenceStore;
  /** Second opinions when the plan has none (e.g. officials' published FAQ answers). */
  fallbackAnswerers?: FallbackAnswerer[];
  /** Answer handlers of this plugin's questions, keyed by `PluginQuestion.owner`. */
  answers?: Record<string, AnswerHandler>;
  /** Called after every committed submission (e.g. to offer announcements once). */
  afterSubmit?: AfterSubmitHook;
  /** Live option lists, keyed by the step's `optionsFile` they replace (e.g. "data/localities.yaml"). */
  choiceSources?: Record<string, ChoiceSource>;
}
