/**
 * The conversation engine's core: one channel-neutral `handle(msg) → replies`. It holds the chat's
 * session for the length of one message (one transaction in Redis), decides the reply language,
 * and hands the message to the part that owns it: a button press to the pending question, media
 * to evidence intake, text to the router. The plugin registry is how other modules join in.
 */
import { REVIEW_CHOICE_TOKEN, type InboundMessage, type Reply } from "../channels/types.js";
import { createAccountActions } from "./account.js";
import { inGroup, privateChatIdOf, sessionChatKey } from "./chat-scope.js";
import { kitTools, type EngineDeps, type Kit, type Turn } from "./context.js";
import { createEvidenceIntake } from "./evidence.js";
import type { ConversationPlugin } from "./extensions.js";
import { createFlowRunner } from "./flow-runner.js";
import { createKnowledgeView } from "./knowledge-view.js";
import { languageOfHint, languageOfText } from "./language.js";
import { createMenu } from "./menu.js";
import { createPendingQuestions } from "./pending-questions.js";
import { PluginRegistry } from "./registry.js";
import { createRouter } from "./router.js";
import { SessionStore } from "./session.js";
import { takesFreeText } from "./step-input.js";
import { Vocabulary } from "./vocabulary.js";

export type { EngineDeps } from "./context.js";

export interface Engine {
  handle(msg: InboundMessage): Promise<Reply[]>;
  /** Registers another module's flow hooks, commands, status lookups, withdrawals and evidence store. */
  use(plugin: ConversationPlugin): void;
  /** Flows whose `submit` hooks nobody registered (they are not offered); for a start-up warning. */
  flowsWithoutHooks(): string[];
  /**
   * Whether the message's chat waits for the answer to a flow step: middlewares that answer typed
   * text on their own (a statistics question) must then leave it to the step — an achievement
   * "đạt 95% hồ sơ trực tuyến" is an answer, not a question.
   */
  isAnsweringStep(msg: InboundMessage): Promise<boolean>;
}

/**
 * @example
 * const engine = createEngine({ db, redis, prefix, i18n, knowledge, flows, config, logger });
 * engine.use(createNominationPlugin({ knowledge, maxSubmissionsPerDay: 5 }));
 * const replies = await engine.handle(msg);
 */
export function createEngine(deps: EngineDeps): Engine {
  const store = new SessionStore({
    redis: deps.redis,
    prefix: deps.prefix,
    ttlSeconds: deps.sessionTtlSeconds,
  });
  const clock = deps.clock ?? Date.now;
  const resumeAfter = deps.resumeAfterMs ?? 30 * 60_000;
  const registry = new PluginRegistry(deps.flows);
  const vocab = deps.vocabulary ?? new Vocabulary(deps.i18n, deps.flows);
  const { db, logger } = deps;

  // The parts reach each other through the kit at call time, so the order they are made in does not matter.
  const k = kitTools(deps, registry, vocab) as Kit;
  k.questions = createPendingQuestions(k);
  k.menu = createMenu(k);
  k.runner = createFlowRunner(k);
  k.account = createAccountActions(k);
  k.evidence = createEvidenceIntake(k);
  k.knowledge = createKnowledgeView(k);
  k.router = createRouter(k);

  function use(plugin: ConversationPlugin) {
    registry.use(plugin);
    for (const spec of Object.values(plugin.commands ?? {})) if (spec.words) vocab.addCommandList(spec.words);
  }
  for (const p of deps.plugins ?? []) use(p);

  /**
   * A press of an older button. Still meaningful, it is taken: a list stays browsable, and an older
   * menu's item does what the current menu's does (the menu never changes meaning; refusing it as
   * "already answered" was wrong — that menu was never answered). Anything else re-shows the
   * current question, saying the older options are out of date.
   */
  async function onStalePress(turn: Turn, token: string, id: string) {
    const browse = turn.session.browse;
    if (browse && k.knowledge.isListToken(turn, token))
      return k.knowledge.open(turn, browse.choices[Number(id)]);
    const olderMenu = token.split(".")[0] === "menu" && k.menu.choices(turn).some((c) => c.id === id);
    if (olderMenu && !k.questions.isBlocking(turn)) {
      // Whatever was open is left for the menu's choice (a flow keeps its step: "Tiếp tục" returns to it).
      turn.session.pending = turn.session.flow ? { kind: "step" } : undefined;
      return k.menu.onChoice(turn, id);
    }
    const stale = k.t(turn, "conversation.stale");
    const current = turn.session.lastReplies?.filter((r) => r.choiceToken === turn.session.token).at(-1);
    // One message: the note above the question still open, with its buttons.
    turn.replies.push(current ? { ...current, text: `${stale}\n\n${current.text}` } : { text: stale });
  }

  /**
   * Follows the language typed; over a language the person chose, only unmistakable text (see
   * language.ts). The person's row follows too (notifications use it). A step's own words (a
   * Vietnamese name typed by an English speaker) say nothing about the language the person reads.
   */
  async function followTypedLanguage(turn: Turn, text: string) {
    const step =
      turn.session.flow && turn.session.pending?.kind === "step" ? k.runner.current(turn).step : undefined;
    if (step && (takesFreeText(step) || (step.kind === "choice" && step.free))) return;
    const chosen = turn.session.langChosen === true;
    const lang = languageOfText(text, vocab, { unmistakable: chosen });
    if (!lang || lang === turn.lang) return;
    // The person now writes the other language: their typing leads again.
    turn.session.langChosen = undefined;
    turn.lang = turn.session.lang = lang;
    await db.person.update({ where: { id: turn.session.personId }, data: { language: lang } });
  }

  async function process(turn: Turn, firstContact: boolean, previousAt: number | undefined) {
    const { msg, session: s } = turn;
    if (msg.edited) {
      // An edit is not re-read (the answer was already taken); a person waiting in a flow is told how to change it.
      if (s.flow && s.pending?.kind === "step") k.say(turn, k.t(turn, "conversation.edited"));
      return;
    }
    if (msg.unsupported) {
      k.say(
        turn,
        k.t(
          turn,
          msg.unsupported === "link"
            ? "core.unsupported_link"
            : msg.unsupported === "protected"
              ? "core.protected_sender"
              : "core.unsupported",
        ),
      );
      if (s.flow && s.pending?.kind === "step") k.runner.prompt(turn);
      return;
    }
    if (msg.choice) {
      if (msg.choice.token === REVIEW_CHOICE_TOKEN) return; // reviewer buttons belong to the review middleware
      if (s.token && msg.choice.token === s.token && s.pending)
        return k.questions.choose(turn, msg.choice.id);
      return onStalePress(turn, msg.choice.token, msg.choice.id);
    }
    if (msg.text !== undefined) await followTypedLanguage(turn, msg.text);
    // Someone coming back to a half-finished flow after a while is asked before anything is used.
    if (
      s.flow &&
      previousAt !== undefined &&
      turn.now - previousAt > resumeAfter &&
      s.pending?.kind === "step"
    ) {
      const flow = deps.flows.get(s.flow.flowId);
      return k.questions.ask(
        turn,
        k.t(turn, "conversation.resume.question", {
          flow: flow ? k.t(turn, flow.title) : s.flow.flowId,
          step: k.runner.stepLabel(turn).toLowerCase(),
        }),
        { kind: "resume" },
      );
    }
    if (msg.media) return k.evidence.onMedia(turn, msg.media);
    if (msg.text !== undefined) return k.router.onText(turn, msg.text, firstContact);
    k.say(turn, k.t(turn, "core.unsupported"));
  }

  /**
   * The person behind a new session: created on first contact, or found (a session that expired).
   * One INSERT … ON CONFLICT instead of Prisma's upsert: this runs for every new chat, and the
   * client-side query engine spent ~1 ms of CPU on the upsert against ~0.4 ms for the raw statement
   * (a sixth of the worker's CPU per update when every update is a new chat).
   */
  async function personFor(msg: InboundMessage) {
    // Met in a group: notifications still go to the person's private chat, never to the group.
    const keepChat = inGroup(msg);
    const rows = await db.$queryRaw<Array<{ id: string; language: string }>>`
      insert into "Person" (id, channel, "externalId", "chatId", language, "updatedAt")
      values (gen_random_uuid(), ${msg.channel}::"Channel", ${msg.userId}, ${privateChatIdOf(msg)},
              ${languageOfHint(msg.languageHint)}, now())
      on conflict (channel, "externalId") do update set
        "chatId" = case when ${keepChat} then "Person"."chatId" else ${msg.chatId} end,
        "updatedAt" = case when ${keepChat} then "Person"."updatedAt" else now() end
      returning id::text as id, language`;
    const p = rows[0]!;
    return { id: p.id, language: p.language === "en" ? ("en" as const) : ("vi" as const) };
  }

  async function handle(msg: InboundMessage): Promise<Reply[]> {
    return store.transact(msg.channel, sessionChatKey(msg), async (loaded) => {
      let session = loaded.session;
      // A retried job (the worker died after we saved): give the same replies, change nothing.
      if (session?.lastMessageId === msg.messageId && session.lastReplies)
        return { value: session.lastReplies };
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
        k.say(turn, k.t(turn, "conversation.session_lost"));
      }
      await process(turn, firstContact && !loaded.corrupt, previousAt);
      // Each reply says its language (the web chat's header and `lang` follow the conversation's).
      for (const r of turn.replies) r.lang ??= turn.lang;
      session.lastMessageId = msg.messageId;
      session.lastReplies = turn.replies;
      session.updatedAt = now;
      return { value: turn.replies, save: session };
    });
  }

  async function isAnsweringStep(msg: InboundMessage): Promise<boolean> {
    const { session } = await store.load(msg.channel, sessionChatKey(msg));
    return !!session?.flow && session.pending?.kind === "step";
  }

  return { handle, use, flowsWithoutHooks: () => registry.flowsWithoutHooks(), isAnsweringStep };
}
