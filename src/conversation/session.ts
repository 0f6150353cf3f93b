/**
 * A chat's conversation state, kept in Redis with a 24-hour TTL so a restart, a deploy or a second
 * worker changes nothing for the user. Read through zod: a corrupt or outdated session is
 * discarded (the user is told politely), never a crash.
 */
import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "../redis/keys.js";

export const SESSION_TTL_SECONDS = 24 * 60 * 60;

const replySchema = z.object({
  text: z.string(),
  choices: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
  choiceToken: z.string().optional(),
  lang: z.enum(["vi", "en"]).optional(),
  // A retried job must give the same replies, the private-chat link of a group included.
  openPrivate: z.object({ label: z.string(), start: z.string() }).optional(),
});

/** An answer as stored: the value the submission uses and what the summary shows. */
export const answerSchema = z.object({
  value: z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(z.object({ kind: z.enum(["attachment", "link"]), ref: z.string(), name: z.string().optional() })),
  ]),
  display: z.string(),
  /** For choice steps: the option id (null when typed freely). */
  optionId: z.string().nullable().optional(),
  skipped: z.boolean().optional(),
  /** For consent steps: version and time of the consent. */
  version: z.string().optional(),
  at: z.number().optional(),
});
export type Answer = z.infer<typeof answerSchema>;

export const flowRunSchema = z.object({
  flowId: z.string(),
  /** Unique per run: the submission's idempotency key is derived from it. */
  runId: z.string(),
  stepId: z.string(),
  answers: z.record(z.string(), answerSchema),
  /** Steps answered, in order, for "quay lại". */
  history: z.array(z.string()),
  /** Set while a field is being edited from the summary: after it, go back to the summary. */
  editing: z.boolean().optional(),
  startedAt: z.number(),
  /**
   * When a text was refused as too long at this step: a platform splits a long paste into several
   * messages (Telegram at 4,096 characters), and the rest arriving just after must not be stored
   * as the answer on its own (half an achievement).
   */
  tooLong: z.object({ stepId: z.string(), at: z.number() }).optional(),
  /** Warnings the user already accepted (e.g. a duplicate nominee), so they are not asked twice. */
  accepted: z.array(z.string()).optional(),
});
export type FlowRun = z.infer<typeof flowRunSchema>;

const choicesSchema = z.array(z.object({ id: z.string(), label: z.string() }));

/**
 * The question the user's next answer refers to, beyond the flow step itself. Each kind's choices
 * and handling live in one table (pending-questions.ts).
 */
export const pendingSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("step") }),
  z.object({ kind: z.literal("menu") }),
  /** `question`: set when the choices are a "did you mean" list, which also offers forwarding it to an official. */
  z.object({
    kind: z.literal("knowledge"),
    choices: choicesSchema,
    question: z.string().max(2000).optional(),
  }),
  z.object({ kind: z.literal("entry") }),
  z.object({ kind: z.literal("kb-none"), question: z.string().max(2000) }),
  z.object({ kind: z.literal("forward-consent"), question: z.string().max(2000) }),
  z.object({ kind: z.literal("cancel-confirm") }),
  z.object({ kind: z.literal("resume") }),
  z.object({ kind: z.literal("restart-confirm"), flowId: z.string() }),
  z.object({ kind: z.literal("warning"), warning: z.string() }),
  z.object({ kind: z.literal("edit-field"), fields: z.array(z.string()) }),
  z.object({ kind: z.literal("withdraw-confirm"), code: z.string() }),
  z.object({ kind: z.literal("status"), code: z.string() }),
  z.object({ kind: z.literal("delete-confirm") }),
  /** "Ngôn ngữ / Language": Tiếng Việt or English, chosen explicitly. */
  z.object({ kind: z.literal("language") }),
  /** A plugin's own question (PluginQuestion): the answer goes to the plugin named `owner`. */
  z.object({
    kind: z.literal("plugin"),
    owner: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
    choices: z.array(
      z.object({ id: z.string(), label: z.string(), aliases: z.array(z.string()).optional() }),
    ),
  }),
]);
export type Pending = z.infer<typeof pendingSchema>;

export const sessionSchema = z.object({
  v: z.literal(1),
  lang: z.enum(["vi", "en"]),
  /**
   * Set once the user chose a language (the menu's "Ngôn ngữ / Language"): then only text that is
   * unmistakably the other language switches it (see followTypedLanguage), and clears this.
   */
  langChosen: z.boolean().optional(),
  personId: z.string(),
  flow: flowRunSchema.optional(),
  pending: pendingSchema.optional(),
  /** The token of the current question's buttons; a press with another token is stale. */
  token: z.string().optional(),
  counter: z.number().int(),
  lastMessageId: z.string().optional(),
  lastReplies: z.array(replySchema).optional(),
  /** The knowledge list shown last: its buttons stay usable after one item was read. */
  browse: z.object({ token: z.string(), text: z.string(), choices: choicesSchema }).optional(),
  updatedAt: z.number(),
});
export type Session = z.infer<typeof sessionSchema>;

export type LoadResult = { session: Session; corrupt: false } | { session: undefined; corrupt: boolean };

/** Thrown when a chat's lock cannot be had: the job is retried by the queue. */
export class SessionBusyError extends Error {
  override name = "SessionBusyError";
}

export class SessionStore {
  constructor(private readonly deps: { redis: Redis; prefix: string; ttlSeconds?: number }) {}

  key(channel: string, chatId: string): string {
    return redisKeys.session(this.deps.prefix, channel, chatId);
  }

  async load(channel: string, chatId: string): Promise<LoadResult> {
    return parseSession(await this.deps.redis.get(this.key(channel, chatId)));
  }

  /**
   * Runs `fn` holding the chat's lock, with the chat's session loaded, and saves the session `fn`
   * returns — so two messages of one chat are never processed at once even by two engine
   * instances (the queue already orders them; this guards everything else). Taking the lock and
   * reading the session go to Redis together, as do the save and the release: one round trip each
   * instead of two, on every message (Redis runs them in order, so the read follows the lock).
   */
  async transact<T>(
    channel: string,
    chatId: string,
    fn: (loaded: LoadResult) => Promise<{ value: T; save?: Session }>,
    opts: { ttlMs?: number; waitMs?: number } = {},
  ): Promise<T> {
    const { redis } = this.deps;
    const key = this.key(channel, chatId);
    const lockKey = redisKeys.sessionLock(this.deps.prefix, channel, chatId);
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const deadline = Date.now() + (opts.waitMs ?? 20_000);
    let raw: string | null;
    for (;;) {
      const [locked, value] = await Promise.all([
        redis.set(lockKey, token, "PX", opts.ttlMs ?? 30_000, "NX"),
        redis.get(key),
      ]);
      if (locked === "OK") {
        raw = value;
        break;
      }
      if (Date.now() > deadline) throw new SessionBusyError(`chat ${channel}:${chatId} is busy`);
      await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
    }
    const unlock = () =>
      redis
        .eval(
          `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`,
          1,
          lockKey,
          token,
        )
        .catch(() => 0);
    let out: { value: T; save?: Session };
    try {
      out = await fn(parseSession(raw));
    } catch (err) {
      await unlock();
      throw err;
    }
    await Promise.all([
      out.save && redis.set(key, JSON.stringify(out.save), "EX", this.deps.ttlSeconds ?? SESSION_TTL_SECONDS),
      unlock(),
    ]);
    return out.value;
  }
}

function parseSession(raw: string | null): LoadResult {
  if (raw === null) return { session: undefined, corrupt: false };
  try {
    const parsed = sessionSchema.safeParse(JSON.parse(raw));
    if (parsed.success) return { session: parsed.data, corrupt: false };
  } catch {
    // fall through
  }
  return { session: undefined, corrupt: true };
}
