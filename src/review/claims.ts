/**
 * What holding a nomination means: the holder decides it; anyone else must take it over
 * explicitly. A takeover is audited (naming the previous holder) and tells the previous holder —
 * in the panel (ReviewerNotice) and, when they have a Telegram chat, there too.
 */
import type { Db } from "../db/client.js";
import { performAction } from "./audit.js";
import { decideNomination, type Decider } from "./decisions.js";

export interface TakeoverResult {
  ok: boolean;
  /** The previous holder, to notify (only when ok). */
  previous?: { id: string; name: string; channel: string | null; externalId: string | null };
  code?: string;
}

/**
 * Moves a claimed nomination from its holder to `reviewer`, only if it is still held by someone
 * else (a lost race, a released or decided item changes nothing).
 *
 * @example const r = await takeOverNomination(db, { nominationId, reviewer: { id: binh.id, name: binh.name } })
 */
export async function takeOverNomination(
  db: Db,
  args: { nominationId: string; reviewer: Decider },
): Promise<TakeoverResult> {
  const { value } = await performAction(
    db,
    { reviewerId: args.reviewer.id, label: args.reviewer.name },
    { type: "nomination", id: args.nominationId },
    "takeover",
    async (tx) => {
      const rows = await tx.$queryRaw<
        Array<{
          code: string;
          holderId: string;
          name: string;
          channel: string | null;
          externalId: string | null;
        }>
      >`
      select n.code, r.id::text as "holderId", r.name, r.channel::text as channel, r."externalId" as "externalId"
        from "Nomination" n join "Reviewer" r on r.id = n."claimedById"
       where n.id = ${args.nominationId}::uuid and n.status = 'in_review' and n."claimedById" <> ${args.reviewer.id}::uuid
       for update of n`;
      const h = rows[0];
      if (!h) return { value: { ok: false } as TakeoverResult, audit: false };
      await tx.nomination.update({
        where: { id: args.nominationId },
        data: { claimedById: args.reviewer.id, claimedAt: new Date() },
      });
      await tx.reviewerNotice.create({
        data: { reviewerId: h.holderId, kind: "takeover", code: h.code, actor: args.reviewer.name },
      });
      return {
        value: {
          ok: true,
          code: h.code,
          previous: { id: h.holderId, name: h.name, channel: h.channel, externalId: h.externalId },
        },
        audit: { fromStatus: "in_review", toStatus: "in_review", code: h.code, note: `từ ${h.name}` },
      };
    },
  );
  return value;
}

/**
 * Claims each of `nominationIds` that is still waiting; returns how many were claimed (others
 * were taken or decided meanwhile and are left alone).
 *
 * @example const n = await claimMany(db, ids, { id: me.id, name: me.name })
 */
export async function claimMany(db: Db, nominationIds: string[], reviewer: Decider): Promise<number> {
  let claimed = 0;
  for (const id of nominationIds) {
    const r = await decideNomination(db, { nominationId: id, action: "claim", reviewer });
    if (r.ok) claimed++;
  }
  return claimed;
}
