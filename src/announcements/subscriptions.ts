/**
 * Subscriptions to announcements: "nhận tin" / "hủy nhận tin" in the chat, the one-time offer after
 * a submission, and the follow/unfollow of another channel (e.g. a Zalo OA's events) through the
 * same service. An unsubscription is honoured at once: the person's pending deliveries of running
 * broadcasts are skipped in the same transaction, and an opt-out marker in Redis stops a send that
 * a worker has already claimed (the dispatcher checks it just before calling the platform).
 */
import type { Redis } from "ioredis";
import type { Db } from "../db/client.js";
import { announcementKeys } from "./keys.js";
import { TOPICS, type Topic } from "./topics.js";

export interface SubscriptionState {
  topics: Topic[];
  offeredAt: Date | null;
  declinedAt: Date | null;
}

/** What other concerns (a channel's follow events, the conversation) use. */
export interface Subscriptions {
  /** The person's current state (no row = never asked, not subscribed). */
  get(personId: string): Promise<SubscriptionState>;
  /** Subscribes to `topics` (default: all), replacing the earlier choice. */
  subscribe(personId: string, topics?: readonly Topic[], source?: string): Promise<SubscriptionState>;
  /** Unsubscribes from everything, at once, including broadcasts already running. */
  unsubscribe(personId: string): Promise<{ wasSubscribed: boolean }>;
  /** Whether the one-time offer after a submission should be made (never offered, never refused, not subscribed). */
  shouldOffer(personId: string): Promise<boolean>;
  /** Records that the offer was made (so it is made only once). */
  markOffered(personId: string, at?: Date): Promise<void>;
  /** Records a refusal of the offer: never asked again. */
  decline(personId: string, at?: Date): Promise<void>;
}

/**
 * @example
 * const subs = createSubscriptions({ db, redis, prefix });
 * await subs.subscribe(personId, ["deadlines"], "zalo_oa_follow"); // a follow event
 * await subs.unsubscribe(personId);                                 // an unfollow event
 */
export function createSubscriptions(deps: { db: Db; redis: Redis; prefix: string }): Subscriptions {
  const { db, redis, prefix } = deps;
  const state = (
    row: { topics: string[]; offeredAt: Date | null; declinedAt: Date | null } | null,
  ): SubscriptionState => ({
    topics: (row?.topics ?? []).filter((t): t is Topic => (TOPICS as readonly string[]).includes(t)),
    offeredAt: row?.offeredAt ?? null,
    declinedAt: row?.declinedAt ?? null,
  });

  return {
    async get(personId) {
      return state(await db.subscription.findUnique({ where: { personId } }));
    },

    async subscribe(personId, topics = TOPICS, source = "chat") {
      const list = [...new Set(topics)].filter((t) => (TOPICS as readonly string[]).includes(t));
      if (!list.length) throw new RangeError("subscribe needs at least one known topic");
      const now = new Date();
      const row = await db.subscription.upsert({
        where: { personId },
        create: { personId, topics: list, source, subscribedAt: now },
        update: { topics: list, source, subscribedAt: now, unsubscribedAt: null },
      });
      // They just wrote to us: reachable again (e.g. unblocked the bot since a failed send).
      await db.person.updateMany({
        where: { id: personId, unreachableAt: { not: null } },
        data: { unreachableAt: null },
      });
      // The marker goes after the row: a broadcast materialised meanwhile reads the new row.
      await redis.del(announcementKeys.optOut(prefix, personId));
      return state(row);
    },

    async unsubscribe(personId) {
      // The marker first: a worker that already claimed this person's delivery checks it just
      // before the platform call, so the send stops even before the transaction below commits.
      await redis.set(announcementKeys.optOut(prefix, personId), "1");
      const wasSubscribed = await db.$transaction(async (tx) => {
        const before = await tx.subscription.findUnique({ where: { personId }, select: { topics: true } });
        if (before)
          await tx.subscription.update({
            where: { personId },
            data: { topics: [], unsubscribedAt: new Date() },
          });
        await tx.announcementDelivery.updateMany({
          where: { personId, state: "pending" },
          data: { state: "skipped", reason: "unsubscribed", doneAt: new Date() },
        });
        return (before?.topics.length ?? 0) > 0;
      });
      return { wasSubscribed };
    },

    async shouldOffer(personId) {
      const row = await db.subscription.findUnique({
        where: { personId },
        select: { offeredAt: true, declinedAt: true, topics: true },
      });
      return !row || (!row.offeredAt && !row.declinedAt && row.topics.length === 0);
    },

    async markOffered(personId, at = new Date()) {
      await db.subscription.upsert({
        where: { personId },
        create: { personId, offeredAt: at },
        update: { offeredAt: at },
      });
    },

    async decline(personId, at = new Date()) {
      await db.subscription.upsert({
        where: { personId },
        create: { personId, offeredAt: at, declinedAt: at },
        update: { declinedAt: at },
      });
    },
  };
}

/**
 * A channel's follow/unfollow (e.g. a Zalo OA's `follow` / `unfollow` events) as a subscription:
 * following is the person's own request for the account's news, so it subscribes to every topic;
 * unfollowing unsubscribes at once. The person row is created if the follow is their first contact.
 *
 * @example onFollow: (e) => followToSubscription(db, subscriptions, "zalo_oa", e.userId, e.followed)
 */
export async function followToSubscription(
  db: Db,
  subscriptions: Subscriptions,
  channel: "zalo_oa",
  userId: string,
  followed: boolean,
): Promise<void> {
  const id = userId.slice(0, 128);
  const person = await db.person.upsert({
    where: { channel_externalId: { channel, externalId: id } },
    create: { channel, externalId: id, chatId: id },
    update: {},
    select: { id: true },
  });
  if (followed) await subscriptions.subscribe(person.id, TOPICS, `${channel}_follow`);
  else await subscriptions.unsubscribe(person.id);
}
