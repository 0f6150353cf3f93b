/**
 * An admin's decision to send an announcement once more to its "uncertain" recipients: those whose
 * platform call was in flight when a worker died (dispatcher.ts), so that nobody can tell whether
 * it arrived. The dispatcher never re-sends them by itself (a duplicate is the worse error by
 * default); an admin who judges a missed announcement worse than a possible second copy puts them
 * back to pending here, and the dispatcher sends them like any other pending row.
 *
 * In one transaction, through the audit door (the change and its AuditLog row together):
 * - the announcement is locked first, so the dispatcher cannot close it between our rows going
 *   back to pending and its "nothing left" check (it locks the same row before checking);
 * - a row whose "accepted" marker turned up after all (a stalled worker's late answer) is sent:
 *   it arrived, and is not sent again;
 * - a person who unsubscribed meanwhile, or who blocked the bot, is skipped with that reason;
 * - every other row gets its Redis attempt marker deleted (before the commit, so no worker can
 *   claim the row and still find the old marker) and goes back to pending with `resentAt` set;
 * - a finished announcement is sending again; a cancelled one is refused.
 * A row is resent at most once: only uncertain rows with no `resentAt` are taken, so a second press
 * (or a row that became uncertain again during its resend) changes nothing.
 */
import type { Redis } from "ioredis";
import type { Db } from "../db/client.js";
import { type AuditActor, performAction } from "../review/audit.js";
import { AnnouncementStateError } from "./announcements.js";
import { announcementKeys } from "./keys.js";

export interface ResendOutcome {
  /** Rows put back to pending (sent once more by the dispatcher). */
  requeued: number;
  /** Rows whose platform call had been accepted after all (now sent, not sent again). */
  accepted: number;
  /** Rows skipped because the person unsubscribed or blocked the bot since. */
  skipped: number;
  /** The announcement's status after the action. */
  status: string;
}

/** Thrown when the announcement does not exist. */
export class AnnouncementNotFoundError extends Error {
  override name = "AnnouncementNotFoundError";
}

/**
 * @example const r = await resendUncertain(db, redis, prefix, id, { reviewerId: admin.id, label: admin.name }) // { requeued: 3, ... }
 */
export async function resendUncertain(
  db: Db,
  redis: Redis,
  prefix: string,
  announcementId: string,
  actor: AuditActor,
): Promise<ResendOutcome> {
  const { value } = await performAction(
    db,
    actor,
    { type: "announcement", id: announcementId },
    "resend_uncertain",
    async (tx) => {
      const [a] = await tx.$queryRaw<Array<{ status: string }>>`
        select status::text as status from "Announcement" where id = ${announcementId}::uuid for update`;
      if (!a) throw new AnnouncementNotFoundError(announcementId);
      if (a.status !== "sending" && a.status !== "done")
        throw new AnnouncementStateError(`an announcement that is ${a.status} is not resent`);
      const rows = await tx.$queryRaw<
        Array<{ id: bigint; channel: string; subscribed: boolean; unreachable: boolean }>
      >`
        select d.id, d.channel::text as channel,
               coalesce(s.topics && an.topics, false) as subscribed,
               p."unreachableAt" is not null as unreachable
          from "AnnouncementDelivery" d
          join "Announcement" an on an.id = d."announcementId"
          join "Person" p on p.id = d."personId"
          left join "Subscription" s on s."personId" = d."personId"
         where d."announcementId" = ${announcementId}::uuid and d.state = 'uncertain' and d."resentAt" is null
         order by d.id
           for update of d`;
      // Nothing left to resend (a second press, or another admin was first): no change, no audit row.
      if (!rows.length)
        return { value: { requeued: 0, accepted: 0, skipped: 0, status: a.status }, audit: false };

      const ids = rows.map((r) => String(r.id));
      const accepted = await redis.mget(ids.map((id) => announcementKeys.accepted(prefix, id)));
      const late: string[] = [];
      const unsubscribed: string[] = [];
      const blocked: string[] = [];
      const requeue: string[] = [];
      rows.forEach((r, i) => {
        const id = ids[i]!;
        if (accepted[i]) late.push(id);
        else if (!r.subscribed) unsubscribed.push(id);
        else if (r.unreachable) blocked.push(id);
        else requeue.push(id);
      });

      const finish = (list: string[], state: string, reason: string | null) =>
        list.length
          ? tx.$executeRawUnsafe(
              `update "AnnouncementDelivery" set state = $2::"DeliveryState", reason = $3, "doneAt" = now() where id = any($1::bigint[])`,
              list,
              state,
              reason,
            )
          : Promise.resolve(0);
      await finish(late, "sent", null);
      await finish(unsubscribed, "skipped", "unsubscribed");
      await finish(blocked, "skipped", "blocked");
      if (requeue.length) {
        // The gate (dispatcher.ts) takes the attempt marker with SET NX: without this delete it would
        // answer "already attempted" and the row would be uncertain again without any send.
        await redis.del(...requeue.map((id) => announcementKeys.attempt(prefix, id)));
        await tx.$executeRawUnsafe(
          `update "AnnouncementDelivery" set state = 'pending', reason = null, "doneAt" = null, "resentAt" = now() where id = any($1::bigint[])`,
          requeue,
        );
      }
      const status = requeue.length && a.status === "done" ? "sending" : a.status;
      if (status !== a.status)
        await tx.$executeRaw`update "Announcement" set status = 'sending', "finishedAt" = null where id = ${announcementId}::uuid`;

      const requeued = new Set(requeue);
      const perChannel = new Map<string, number>();
      for (const r of rows)
        if (requeued.has(String(r.id))) perChannel.set(r.channel, (perChannel.get(r.channel) ?? 0) + 1);
      const note = [
        `requeued=${requeue.length}`,
        `accepted_late=${late.length}`,
        `skipped_unsubscribed=${unsubscribed.length}`,
        `skipped_blocked=${blocked.length}`,
        ...[...perChannel].map(([c, n]) => `${c}=${n}`),
      ].join(" ");
      return {
        value: {
          requeued: requeue.length,
          accepted: late.length,
          skipped: unsubscribed.length + blocked.length,
          status,
        },
        audit: { note },
      };
    },
  );
  return value;
}
