/**
 * Announcements as data: compose (text, optional image, topics, channels), send now or schedule,
 * cancel, and read live progress. Starting an announcement fixes its recipients in the same
 * transaction (one AnnouncementDelivery row per subscribed person: the row is the per-recipient
 * idempotency key); the dispatcher (dispatcher.ts) then works through the rows.
 *
 * States: draft → scheduled → sending → done, and cancelled from any state before done; done →
 * sending again when an admin resends the uncertain deliveries (resend.ts).
 */
import type { Redis } from "ioredis";
import { z } from "zod";
import { CHANNELS, type ChannelName } from "../channels/types.js";
import type { Db } from "../db/client.js";
import { announcementKeys, MARKER_TTL_SECONDS } from "./keys.js";
import { TOPICS } from "./topics.js";

/** Longest text: Zalo takes 2,000 characters per message and Telegram 4,096; the footer needs room. */
export const MAX_TEXT = 1_800;

export const composeSchema = z.object({
  text: z.string().trim().min(1).max(MAX_TEXT),
  imageUrl: z
    .url({ protocol: /^https$/ })
    .max(2_000)
    .optional(),
  topics: z.array(z.enum(TOPICS)).min(1),
  channels: z.array(z.enum(CHANNELS)).min(1),
  /** Absent = send now. */
  sendAt: z.date().optional(),
});
export type Compose = z.infer<typeof composeSchema>;

/** Every reason a recipient may not be reached (AnnouncementDelivery.reason); each has wording in the admin locales. */
export const UNREACHED_REASONS = [
  "blocked",
  "unsubscribed",
  "quota_exceeded",
  "refused",
  "platform_error",
  "channel_disabled",
  "cancelled",
  "worker_stopped_during_send",
  /** Uncertain again during an admin's resend (resend.ts): never offered for another resend. */
  "worker_stopped_during_resend",
  "outside_reply_window",
] as const;

/** Thrown when an action does not fit the announcement's state (e.g. cancelling a finished one). */
export class AnnouncementStateError extends Error {
  override name = "AnnouncementStateError";
}

/**
 * Creates an announcement; it starts at once (status sending) unless `sendAt` is in the future.
 *
 * @example const a = await createAnnouncement(db, { text: "Hạn nộp hồ sơ là 30/6", topics: ["deadlines"], channels: ["telegram", "zalo"] }, "admin")
 */
export async function createAnnouncement(
  db: Db,
  input: Compose,
  createdBy: string,
  now = new Date(),
): Promise<{ id: string; status: string }> {
  const c = composeSchema.parse(input);
  const scheduled = c.sendAt && c.sendAt.getTime() > now.getTime();
  const a = await db.announcement.create({
    data: {
      text: c.text,
      imageUrl: c.imageUrl ?? null,
      topics: c.topics,
      channels: c.channels,
      status: scheduled ? "scheduled" : "draft",
      sendAt: c.sendAt ?? null,
      createdBy,
    },
  });
  if (!scheduled) await startSending(db, a.id);
  return { id: a.id, status: scheduled ? "scheduled" : "sending" };
}

/** The PostgreSQL NOTIFY channel told when an announcement starts sending (the dispatchers LISTEN on it). */
export const SENDING_CHANNEL = "announcement_sending";

/**
 * Moves a draft or due scheduled announcement to sending and fixes its recipients: every person
 * subscribed to one of its topics on one of its channels. People the platform already told us are
 * unreachable (blocked the bot) are recorded as skipped with the reason, not sent to.
 * Idempotent: a second call (another worker) finds nothing to start.
 */
export async function startSending(db: Db, id: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const started =
      await tx.$executeRaw`update "Announcement" set status = 'sending', "startedAt" = now() where id = ${id}::uuid and status in ('draft', 'scheduled')`;
    if (!started) return false;
    await tx.$executeRaw`
      insert into "AnnouncementDelivery" ("announcementId", "personId", channel, state, reason, "doneAt")
      select a.id, p.id, p.channel,
             case when p."unreachableAt" is not null then 'skipped'::"DeliveryState" else 'pending'::"DeliveryState" end,
             case when p."unreachableAt" is not null then 'blocked' end,
             case when p."unreachableAt" is not null then now() end
        from "Announcement" a
        join "Subscription" s on s.topics && a.topics
        join "Person" p on p.id = s."personId" and p.channel = any(a.channels)
       where a.id = ${id}::uuid
      on conflict ("announcementId", "personId") do nothing`;
    // Wakes every worker's dispatcher at commit, instead of at its next poll (up to a second later).
    await tx.$executeRaw`select pg_notify(${SENDING_CHANNEL}, ${id}::text)`;
    return true;
  });
}

/**
 * Cancels an announcement that has not finished. The Redis flag stops sends already claimed by a
 * worker (checked just before each platform call), the update stops the rest.
 */
export async function cancelAnnouncement(db: Db, redis: Redis, prefix: string, id: string): Promise<void> {
  await redis.set(announcementKeys.cancelled(prefix, id), "1", "EX", MARKER_TTL_SECONDS);
  await db.$transaction(async (tx) => {
    const n =
      await tx.$executeRaw`update "Announcement" set status = 'cancelled', "cancelledAt" = now() where id = ${id}::uuid and status in ('draft', 'scheduled', 'sending')`;
    if (!n) throw new AnnouncementStateError("the announcement has already finished or was cancelled");
    await tx.$executeRaw`update "AnnouncementDelivery" set state = 'cancelled', reason = 'cancelled', "doneAt" = now() where "announcementId" = ${id}::uuid and state = 'pending'`;
  });
}

export interface Progress {
  status: string;
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  cancelled: number;
  uncertain: number;
  /** Uncertain rows an admin may still resend (each row is resent at most once; resend.ts). */
  resendable: number;
  /** Rows an admin put back for one more send, whatever became of them. */
  resent: number;
  remaining: number;
  /** Messages per second (sent + failed) since the start, or since the latest resend. */
  rate: number;
  /** Seconds to go at that rate; null before the first send or when finished. */
  etaSeconds: number | null;
  /** Per channel and reason, the recipients not reached. */
  unreached: Array<{ channel: ChannelName; state: string; reason: string; count: number }>;
}

/** @example const p = await announcementProgress(db, id) // { sent: 1200, remaining: 3800, etaSeconds: 4, ... } */
export async function announcementProgress(db: Db, id: string, now = new Date()): Promise<Progress | null> {
  const a = await db.announcement.findUnique({
    where: { id },
    select: { status: true, startedAt: true, finishedAt: true },
  });
  if (!a) return null;
  // A resend starts a new round: the rate (and so the ETA) counts from it, not from a start that
  // may be days ago. `since` is the latest of the start and the latest resend. It is computed once
  // (MATERIALIZED): inlined, PostgreSQL ran its max() subquery again for every delivery row, a
  // query quadratic in the recipients (minutes of a core at 20,000, polled during the broadcast).
  const rows = await db.$queryRaw<
    Array<{
      channel: ChannelName;
      state: string;
      reason: string | null;
      resent: boolean;
      n: number;
      inRound: number;
      since: Date | null;
    }>
  >`
    with s as materialized (
      select greatest(a."startedAt", (select max(d."resentAt") from "AnnouncementDelivery" d where d."announcementId" = a.id)) as since
        from "Announcement" a where a.id = ${id}::uuid
    )
    select channel::text as channel, state::text as state, reason, "resentAt" is not null as resent, count(*)::int as n,
           count(*) filter (where "doneAt" >= s.since)::int as "inRound", s.since
      from "AnnouncementDelivery", s where "announcementId" = ${id}::uuid group by 1, 2, 3, 4, s.since`;
  const since = rows[0]?.since ?? a.startedAt;
  const pick = (states: string[], field: "n" | "inRound" = "n") =>
    rows.filter((r) => states.includes(r.state)).reduce((s, r) => s + r[field], 0);
  const total = rows.reduce((s, r) => s + r.n, 0);
  const sent = pick(["sent"]);
  const failed = pick(["failed"]);
  const remaining = pick(["pending", "claimed"]);
  const elapsed = since ? ((a.finishedAt ?? now).getTime() - since.getTime()) / 1000 : 0;
  const rate = elapsed > 0 ? pick(["sent", "failed"], "inRound") / elapsed : 0;
  // Rows that became uncertain again during their resend say so (and are not offered again).
  const reasonOf = (r: (typeof rows)[number]) =>
    r.state === "uncertain" && r.resent ? "worker_stopped_during_resend" : (r.reason ?? "unknown");
  const unreached = new Map<string, Progress["unreached"][number]>();
  for (const r of rows.filter((x) => ["failed", "skipped", "uncertain"].includes(x.state))) {
    const reason = reasonOf(r);
    const key = `${r.channel}\u0000${r.state}\u0000${reason}`;
    const u = unreached.get(key);
    if (u) u.count += r.n;
    else unreached.set(key, { channel: r.channel, state: r.state, reason, count: r.n });
  }
  return {
    status: a.status,
    total,
    sent,
    failed,
    skipped: pick(["skipped"]),
    cancelled: pick(["cancelled"]),
    uncertain: pick(["uncertain"]),
    resendable: rows.filter((r) => r.state === "uncertain" && !r.resent).reduce((s, r) => s + r.n, 0),
    resent: rows.filter((r) => r.resent).reduce((s, r) => s + r.n, 0),
    remaining,
    rate: Math.round(rate * 10) / 10,
    etaSeconds: remaining && rate > 0 ? Math.ceil(remaining / rate) : null,
    unreached: [...unreached.values()],
  };
}
