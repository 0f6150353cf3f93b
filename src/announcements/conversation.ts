/**
 * Subscriptions in the conversation: "nhận tin" / "hủy nhận tin" (with or without diacritics) on
 * every channel, /nhantin and /huynhantin on Telegram, "nhận tin hạn nộp" for one topic, and the
 * one-time offer after a completed nomination or self-report (never repeated after a refusal,
 * nor after being ignored). Wording in locales/<lang>/announcements.yaml.
 */
import type {
  ConversationPlugin,
  PersonContext,
  PluginQuestion,
  PluginTurn,
} from "../conversation/extensions.js";
import type { Lang, Translator } from "../i18n/locales.js";
import { normalizeVietnamese } from "../knowledge/index.js";
import type { Subscriptions } from "./subscriptions.js";
import { TOPICS, isTopic, type Topic } from "./topics.js";

export const SUBSCRIBE_COMMAND = "/nhantin";
export const UNSUBSCRIBE_COMMAND = "/huynhantin";
/** The PluginQuestion owner of the topic question. */
const OWNER = "subscribe";
/** Flows after which the offer is made (flow ids of flows/*.yaml). */
const OFFER_AFTER = new Set(["nomination", "self-report"]);

/** Every phrase that means "subscribe" or "unsubscribe", in both languages (from the locales). */
export function subscriptionPhrases(i18n: Translator): {
  subscribe: string[];
  unsubscribe: string[];
  topic: Record<Topic, string[]>;
} {
  const list = (key: string) =>
    (["vi", "en"] as Lang[]).flatMap((l) =>
      i18n
        .t(l, key)
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean),
    );
  return {
    subscribe: list("announcements.words.subscribe"),
    unsubscribe: list("announcements.words.unsubscribe"),
    topic: Object.fromEntries(
      TOPICS.map((t) => [
        t,
        [...list(`announcements.topic.${t}`), ...list(`announcements.topic_aliases.${t}`)],
      ]),
    ) as Record<Topic, string[]>,
  };
}

/** @example engine.use(createSubscriptionPlugin({ subscriptions, i18n })) */
export function createSubscriptionPlugin(deps: {
  subscriptions: Subscriptions;
  i18n: Translator;
}): ConversationPlugin {
  const { subscriptions, i18n } = deps;
  const phrases = subscriptionPhrases(i18n);
  const t = (ctx: PersonContext, key: string, vars?: Record<string, string | number>) =>
    i18n.t(ctx.lang, `announcements.${key}`, vars);
  const topicNames = (ctx: PersonContext, topics: readonly Topic[]) =>
    topics.map((x) => t(ctx, `topic.${x}`)).join(", ");

  function topicQuestion(ctx: PersonContext, text: string, offer: boolean): PluginQuestion {
    return {
      owner: OWNER,
      text,
      data: { offer },
      choices: [
        {
          id: "all",
          label: t(ctx, "choice.all"),
          aliases: ["tất cả", "tat ca", "all", "có", "co", "yes", "đồng ý", "dong y"],
        },
        ...TOPICS.map((x) => ({ id: x, label: t(ctx, `topic.${x}`), aliases: phrases.topic[x] })),
        {
          id: "no",
          label: t(ctx, offer ? "choice.no_thanks" : "choice.not_now"),
          aliases: ["không", "khong", "no", "không cảm ơn", "khong cam on", "thôi", "thoi"],
        },
      ],
    };
  }

  async function subscribe(ctx: PersonContext, add: readonly Topic[], source: string): Promise<PluginTurn> {
    const before = await subscriptions.get(ctx.personId);
    const s = await subscriptions.subscribe(ctx.personId, [...before.topics, ...add], source);
    ctx.logger.info({ topics: s.topics }, "subscribed to announcements");
    return { replies: [{ text: t(ctx, "subscribed", { topics: topicNames(ctx, s.topics) }) }] };
  }

  const commands: NonNullable<ConversationPlugin["commands"]> = {};
  commands[SUBSCRIBE_COMMAND] = {
    words: "announcements.words.subscribe",
    run: async (args, ctx) => {
      const wanted = topicFromText(args, phrases.topic);
      if (wanted) return subscribe(ctx, [wanted], "chat");
      const current = await subscriptions.get(ctx.personId);
      const lead = current.topics.length
        ? t(ctx, "already", { topics: topicNames(ctx, current.topics) })
        : t(ctx, "ask_topics");
      return { replies: [], question: topicQuestion(ctx, lead, false) };
    },
  };
  commands[UNSUBSCRIBE_COMMAND] = {
    words: "announcements.words.unsubscribe",
    run: async (_args, ctx) => {
      const { wasSubscribed } = await subscriptions.unsubscribe(ctx.personId);
      ctx.logger.info({ wasSubscribed }, "unsubscribed from announcements");
      return [{ text: t(ctx, wasSubscribed ? "unsubscribed" : "not_subscribed") }];
    },
  };
  // "nhận tin hạn nộp": one topic at once (word lists announcements.words.subscribe_<topic>).
  for (const topic of TOPICS)
    commands[`${SUBSCRIBE_COMMAND}_${topic}`] = {
      words: `announcements.words.subscribe_${topic}`,
      run: (_args, ctx) => subscribe(ctx, [topic], "chat"),
    };

  return {
    commands,
    answers: {
      [OWNER]: async (id, data, ctx) => {
        const offer = data?.offer === true;
        if (id === "no") {
          if (offer) await subscriptions.decline(ctx.personId);
          return { replies: [{ text: t(ctx, offer ? "declined" : "not_now") }] };
        }
        return subscribe(ctx, id === "all" ? TOPICS : isTopic(id) ? [id] : TOPICS, offer ? "offer" : "chat");
      },
    },
    async afterSubmit(flowId, ctx) {
      if (!OFFER_AFTER.has(flowId) || !(await subscriptions.shouldOffer(ctx.personId))) return undefined;
      // Marked before it is shown: asked once, whether it is answered, refused or ignored.
      await subscriptions.markOffered(ctx.personId, ctx.now);
      return topicQuestion(ctx, t(ctx, "offer"), true);
    },
  };
}

/** The topic a free text names ("hạn nộp", "han nop", "tin phong trào"), if any. */
function topicFromText(text: string, names: Record<Topic, string[]>): Topic | undefined {
  const n = normalizeVietnamese(text);
  if (!n) return undefined;
  for (const topic of TOPICS) if (names[topic].some((name) => normalizeVietnamese(name) === n)) return topic;
  return undefined;
}
