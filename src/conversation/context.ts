/**
 * What every part of the engine shares: the dependencies, the turn being processed (one inbound
 * message and the replies it gets), and the kit — saying, asking, the person's context and the
 * other parts — so each part is a small factory over one `Kit` instead of one big closure.
 */
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import type { Choice, FetchedMedia, InboundMessage, MediaRef, Reply } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Lang, Translator } from "../i18n/locales.js";
import type { Knowledge } from "../knowledge/index.js";
import type { ConversationPlugin, PersonContext } from "./extensions.js";
import type { LoadedFlow } from "./flow-schema.js";
import type { Pending, Session } from "./session.js";
import type { PluginRegistry } from "./registry.js";
import type { Vocabulary } from "./vocabulary.js";
import type { Menu } from "./menu.js";
import type { FlowRunner } from "./flow-runner.js";
import type { AccountActions } from "./account.js";
import type { EvidenceIntake } from "./evidence.js";
import type { KnowledgeView } from "./knowledge-view.js";
import type { PendingQuestions } from "./pending-questions.js";
import type { Router } from "./router.js";
import type { SubmissionQuota } from "./submission-quota.js";

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
  /** The typed words (shared with middlewares that must let commands pass); built from i18n and flows when absent. */
  vocabulary?: Vocabulary;
  /** A channel's limit on submissions beyond the per-person one (the web chat's per-address quota). */
  submissionQuota?: SubmissionQuota;
}

/** One inbound message being processed: its session, the language replied in, and the replies so far. */
export interface Turn {
  msg: InboundMessage;
  session: Session;
  lang: Lang;
  replies: Reply[];
  now: number;
}

export type Vars = Record<string, string | number>;

/** The shared toolkit every part of the engine receives. */
export interface Kit {
  deps: EngineDeps;
  registry: PluginRegistry;
  vocab: Vocabulary;
  t(turn: Turn, key: string, vars?: Vars): string;
  say(turn: Turn, text: string): void;
  /** Shows `text` with `choices`; `pending` is what the next answer refers to. Every question gets a fresh token, so older buttons go stale. */
  ask(turn: Turn, text: string, choices: Choice[], pending: Pending, tag?: string): void;
  person(turn: Turn): PersonContext;
  log(turn: Turn): Logger;
  menu: Menu;
  runner: FlowRunner;
  account: AccountActions;
  evidence: EvidenceIntake;
  knowledge: KnowledgeView;
  questions: PendingQuestions;
  router: Router;
}

/**
 * The kit's own tools; the parts are attached by the engine right after.
 *
 * @example const k = kitTools(deps, registry, vocab) as Kit; k.menu = createMenu(k);
 */
export function kitTools(
  deps: EngineDeps,
  registry: PluginRegistry,
  vocab: Vocabulary,
): Pick<Kit, "deps" | "registry" | "vocab" | "t" | "say" | "ask" | "person" | "log"> {
  const log = (turn: Turn) =>
    deps.logger.child({
      channel: turn.msg.channel,
      chatId: turn.msg.chatId,
      messageId: turn.msg.messageId,
      personId: turn.session.personId,
    });
  return {
    deps,
    registry,
    vocab,
    t: (turn, key, vars) => deps.i18n.t(turn.lang, key, vars),
    say: (turn, text) => void turn.replies.push({ text }),
    ask(turn, text, choices, pending, tag = pending.kind) {
      turn.session.counter += 1;
      const token = `${tag.replace(/[^A-Za-z0-9]/g, "").slice(0, 12)}.${turn.session.counter.toString(36)}`;
      turn.session.token = token;
      turn.session.pending = pending;
      turn.replies.push(choices.length ? { text, choices, choiceToken: token } : { text });
    },
    person: (turn) => ({
      personId: turn.session.personId,
      channel: turn.msg.channel,
      chatId: turn.msg.chatId,
      lang: turn.lang,
      db: deps.db,
      i18n: deps.i18n,
      logger: log(turn),
      now: new Date(turn.now),
    }),
    log,
  };
}

/** An error's class and driver code, safe to log (no message text, which may quote personal data). */
export function errorKind(err: unknown): string {
  const e = err as { name?: string; code?: unknown; constructor?: { name?: string } };
  return [e?.constructor?.name ?? e?.name ?? typeof err, typeof e?.code === "string" ? e.code : undefined]
    .filter(Boolean)
    .join(":");
}
