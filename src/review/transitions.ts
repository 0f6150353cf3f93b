/**
 * The one place where a submission's status may change. Every transition is a conditional update
 * (`where status = from`), so two reviewers deciding at once cannot both win, and goes through
 * performAction (audit.ts), which writes its audit row in the same transaction.
 *
 *   submitted ──claim──▶ in_review ──approve──▶ approved
 *       ▲                    │  ├──reject───▶ rejected
 *       │                    │  └──request_info──▶ needs_info ──answer──▶ submitted
 *       └──────release───────┘
 *   needs_info ──answer──▶ in_review instead, when a reviewer holds it: the update returns to its
 *   holder (marked "có cập nhật" until they act), not to the pool.
 *   submitted | in_review | needs_info ──withdraw (by the submitter)──▶ withdrawn
 */
import type { Prisma } from "../db/client.js";
import type { Db } from "../db/client.js";
import { performAction } from "./audit.js";

export type Status = "submitted" | "in_review" | "needs_info" | "approved" | "rejected" | "withdrawn";
export type SubjectType = "nomination" | "self_report";
export type Action =
  | "claim"
  | "release"
  | "approve"
  | "reject"
  | "request_info"
  | "answer"
  | "withdraw"
  | "verify"
  | "flag";

/** action → the states it may start from, and the state it leads to. */
export const TRANSITIONS: Record<Action, { from: readonly Status[]; to: Status }> = {
  claim: { from: ["submitted"], to: "in_review" },
  release: { from: ["in_review"], to: "submitted" },
  // A reviewer may decide straight from the pool (the card's "Duyệt" without "Nhận xử lý").
  approve: { from: ["submitted", "in_review"], to: "approved" },
  reject: { from: ["submitted", "in_review"], to: "rejected" },
  request_info: { from: ["submitted", "in_review"], to: "needs_info" },
  answer: { from: ["needs_info"], to: "submitted" },
  withdraw: { from: ["submitted", "in_review", "needs_info"], to: "withdrawn" },
  // Self-reports: verified = approved, flagged = rejected (flagged reports leave the figures).
  verify: { from: ["submitted", "in_review"], to: "approved" },
  flag: { from: ["submitted", "in_review", "approved"], to: "rejected" },
};

export const DECIDED: readonly Status[] = ["approved", "rejected", "withdrawn"];

export interface Actor {
  /** Reviewer id, or undefined for the submitter/system. */
  reviewerId?: string;
  /** What the audit log shows: a reviewer's name, "submitter" or "system". */
  label: string;
}

export type TransitionResult =
  | { ok: true; from: Status; to: Status; code: string; auditId: bigint }
  | { ok: false; reason: "not_found" }
  /** `lastActor` is who made the latest change (e.g. the reviewer who asked for information). */
  | {
      ok: false;
      reason: "conflict";
      current: Status;
      decidedBy?: string;
      claimedBy?: string;
      lastActor?: string;
    };

type Tx = Prisma.TransactionClient;

/**
 * Moves a nomination or self-report along `action` if its current state allows it; otherwise
 * reports the state it is in (and who decided), so the losing reviewer can be told.
 *
 * @example await transition(db, { subject: "nomination", id, action: "approve", actor: { reviewerId, label: "Lan" } })
 */
export async function transition(
  db: Db | Tx,
  args: {
    subject: SubjectType;
    id: string;
    action: Action;
    actor: Actor;
    note?: string;
    expectFrom?: readonly Status[];
  },
): Promise<TransitionResult> {
  const rule = TRANSITIONS[args.action];
  const from = args.expectFrom ? rule.from.filter((s) => args.expectFrom!.includes(s)) : rule.from;
  const change = async (
    tx: Tx,
  ): Promise<{
    value: TransitionResult;
    audit: { fromStatus: string; toStatus: string; note?: string; code: string } | false;
  }> => {
    const table = args.subject === "nomination" ? "Nomination" : "SelfReport";
    const now = new Date();
    const decides = DECIDED.includes(rule.to) && args.action !== "withdraw";
    const returnsToHolder = args.subject === "nomination" && args.action === "answer";
    // One conditional UPDATE: PostgreSQL serialises concurrent updates of the row, and the loser
    // re-checks the WHERE against the winner's committed status, matching nothing.
    const rows = await tx.$queryRawUnsafe<Array<{ old: Status; code: string; new: Status }>>(
      `update "${table}" t set status = ${returnsToHolder ? `case when t."claimedById" is not null then 'in_review'::"SubmissionStatus" else $1::"SubmissionStatus" end` : `$1::"SubmissionStatus"`}, "updatedAt" = $2
         ${args.subject === "nomination" && args.action === "claim" ? `, "claimedById" = $5::uuid, "claimedAt" = $2` : ""}
         ${args.subject === "nomination" && args.action === "release" ? `, "claimedById" = null, "claimedAt" = null` : ""}
         ${returnsToHolder ? `, "claimedAt" = case when t."claimedById" is not null then $2::timestamp(3) else null end, "submitterUpdatedAt" = case when t."claimedById" is not null then $2::timestamp(3) else null end` : ""}
         ${args.subject === "nomination" && ["approve", "reject", "request_info", "release", "withdraw"].includes(args.action) ? `, "submitterUpdatedAt" = null` : ""}
         ${decides ? `, "decidedById" = $5::uuid, "decidedAt" = $2, "decisionNote" = $6` : ""}
         ${args.subject === "self_report" && args.action === "flag" ? `, flagged = true` : ""}
         ${args.subject === "self_report" && args.action === "verify" ? `, flagged = false` : ""}
       from (select id, status as old from "${table}" where id = $3::uuid for update) o
       where t.id = o.id and o.old = any($4::"SubmissionStatus"[])
         -- $5/$6 are used by some actions only; naming them here keeps the parameter count fixed.
         and ($5::uuid is null or $5::uuid is not null) and ($6::text is null or $6::text is not null)
       returning o.old as old, t.code as code, t.status as new`,
      rule.to,
      now,
      args.id,
      from,
      args.actor.reviewerId ?? null,
      args.note ?? null,
    );
    const row = rows[0];
    if (!row) {
      const cur = await tx.$queryRawUnsafe<
        Array<{ status: Status; decided: string | null; claimed: string | null }>
      >(
        args.subject === "nomination"
          ? `select n.status, d.name as decided, c.name as claimed from "Nomination" n left join "Reviewer" d on d.id = n."decidedById" left join "Reviewer" c on c.id = n."claimedById" where n.id = $1::uuid`
          : `select s.status, d.name as decided, null as claimed from "SelfReport" s left join "Reviewer" d on d.id = s."decidedById" where s.id = $1::uuid`,
        args.id,
      );
      const c = cur[0];
      if (!c) return { value: { ok: false, reason: "not_found" }, audit: false };
      const last = await tx.auditLog.findFirst({
        where: { subjectType: args.subject, subjectId: args.id },
        orderBy: { id: "desc" },
        select: { actor: true },
      });
      return {
        value: {
          ok: false,
          reason: "conflict",
          current: c.status,
          decidedBy: c.decided ?? undefined,
          claimedBy: c.claimed ?? undefined,
          lastActor: last?.actor,
        },
        audit: false,
      };
    }
    // auditId is filled in by performAction's caller below, once the row exists.
    return {
      value: { ok: true, from: row.old, to: row.new, code: row.code, auditId: 0n },
      audit: { fromStatus: row.old, toStatus: row.new, note: args.note, code: row.code },
    };
  };
  const done = await performAction(
    db,
    { reviewerId: args.actor.reviewerId, label: args.actor.label },
    { type: args.subject, id: args.id },
    args.action,
    change,
  );
  return done.value.ok ? { ...done.value, auditId: done.auditId! } : done.value;
}
