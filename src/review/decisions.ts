/**
 * What reviewers and submitters do to a submission, as transactions: the status change (through
 * the one transition table), the fields that go with it, and an outbox row announcing it — so the
 * submitter's notification and the card update happen even if the process dies right after the
 * commit.
 */
import type { Db } from "../db/client.js";
import { cleanText } from "../text/free-text.js";
import { transition, type TransitionResult } from "./transitions.js";
import { writeOutbox } from "../queue/outbox.js";
import type { EventTopic } from "../queue/event-map.js";

/** What a reviewer may do to a nomination from a card or the panel. */
export const REVIEW_ACTIONS = ["claim", "release", "approve", "reject", "request_info"] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** Actions that must carry the reviewer's note (the submitter reads it). */
export const NOTE_REQUIRED: readonly ReviewAction[] = ["reject", "request_info"];
export const MAX_NOTE_LENGTH = 1_000;
export const MAX_ANSWER_LENGTH = 4_000;

/** Thrown when a rejection or information request comes without a reason, or with one too long. */
export class NoteRequiredError extends Error {
  override name = "NoteRequiredError";
}

export interface Decider {
  id: string;
  name: string;
}

export interface DecideArgs {
  nominationId: string;
  action: ReviewAction;
  reviewer: Decider;
  note?: string;
}

/** Refused because another reviewer holds the item: they must take it over first (claims.ts). */
export interface HeldByOther {
  ok: false;
  reason: "held";
  holder: string;
  since: Date | null;
}

/** The event every successful review action writes to the outbox (handled in review-events.ts). */
export const DECIDED_TOPIC = "review.decided" satisfies EventTopic;

/**
 * Applies a reviewer's action to a nomination. Two reviewers acting at once: exactly one gets
 * `ok: true`; the other gets a conflict naming the current status and who acted. With
 * `respectClaim` (the panel), an item another reviewer holds is refused as "held": take it over first.
 *
 * @example await decideNomination(db, { nominationId, action: "approve", reviewer: { id, name } })
 */
export async function decideNomination(
  db: Db,
  args: DecideArgs & { respectClaim: true },
): Promise<TransitionResult | HeldByOther>;
export async function decideNomination(
  db: Db,
  args: DecideArgs & { respectClaim?: false },
): Promise<TransitionResult>;
export async function decideNomination(
  db: Db,
  args: DecideArgs & { respectClaim?: boolean },
): Promise<TransitionResult | HeldByOther> {
  const note = (args.note !== undefined ? cleanText(args.note) : "") || undefined;
  if (NOTE_REQUIRED.includes(args.action) && !note)
    throw new NoteRequiredError(`${args.action} needs a note`);
  if (note && note.length > MAX_NOTE_LENGTH)
    throw new NoteRequiredError(`note longer than ${MAX_NOTE_LENGTH}`);
  return db.$transaction(async (tx) => {
    if (args.respectClaim) {
      // Locked until the commit: a takeover cannot slip between this check and the decision.
      const held = await tx.$queryRaw<
        Array<{ status: string; holderId: string | null; holder: string | null; since: Date | null }>
      >`
        select n.status::text as status, n."claimedById"::text as "holderId", r.name as holder, n."claimedAt" as since
          from "Nomination" n left join "Reviewer" r on r.id = n."claimedById" where n.id = ${args.nominationId}::uuid for update of n`;
      const h = held[0];
      if (h && h.status === "in_review" && h.holderId && h.holderId !== args.reviewer.id)
        return { ok: false, reason: "held", holder: h.holder ?? "", since: h.since };
    }
    const result = await transition(tx, {
      subject: "nomination",
      id: args.nominationId,
      action: args.action,
      actor: { reviewerId: args.reviewer.id, label: args.reviewer.name },
      note,
    });
    if (!result.ok) return result;
    // The reviewer who asks for information holds the item: the answer comes back to them.
    if (args.action === "request_info")
      await tx.$executeRaw`update "Nomination" set "infoRequestNote" = ${note}, "claimedById" = coalesce("claimedById", ${args.reviewer.id}::uuid), "claimedAt" = coalesce("claimedAt", now()) where id = ${args.nominationId}::uuid`;
    await writeOutbox(tx, DECIDED_TOPIC, {
      subject: "nomination",
      id: args.nominationId,
      action: args.action,
      auditId: String(result.auditId),
      code: result.code,
    });
    return result;
  });
}

/**
 * Returns a claimed-but-undecided nomination to the pool on behalf of the system (the 72-hour
 * service level), only if it is still claimed at `claimedAt` — a newer claim is left alone.
 */
export async function releaseStaleClaim(
  db: Db,
  nominationId: string,
  claimedAt: Date,
): Promise<TransitionResult | undefined> {
  return db.$transaction(async (tx) => {
    const n = await tx.nomination.findUnique({
      where: { id: nominationId },
      select: { status: true, claimedAt: true },
    });
    if (!n || n.status !== "in_review" || n.claimedAt?.getTime() !== claimedAt.getTime()) return undefined;
    const result = await transition(tx, {
      subject: "nomination",
      id: nominationId,
      action: "release",
      actor: { label: "system" },
      note: "quá 72 giờ chưa quyết định",
    });
    if (result.ok)
      await writeOutbox(tx, DECIDED_TOPIC, {
        subject: "nomination",
        id: nominationId,
        action: "release",
        auditId: String(result.auditId),
        code: result.code,
      });
    return result;
  });
}

/**
 * Records the submitter's answer to an information request and puts the nomination back: to the
 * reviewer who holds it, marked as updated, or else to the queue ("answer"), announcing
 * "nomination.answered".
 */
export async function answerInfoRequest(
  db: Db,
  args: { nominationId: string; text: string; at?: Date },
): Promise<TransitionResult> {
  // Cleaned like every stored text: a NUL would make PostgreSQL refuse the write and lose the answer.
  const text = [...cleanText(args.text)].slice(0, MAX_ANSWER_LENGTH).join("");
  const at = (args.at ?? new Date()).toISOString();
  return db.$transaction(async (tx) => {
    const result = await transition(tx, {
      subject: "nomination",
      id: args.nominationId,
      action: "answer",
      actor: { label: "submitter" },
    });
    if (!result.ok) return result;
    // jsonb append in SQL: no read-modify-write race with a second answer.
    await tx.$executeRaw`update "Nomination" set "infoAnswers" = "infoAnswers" || jsonb_build_array(jsonb_build_object('at', ${at}::text, 'text', ${text}::text)) where id = ${args.nominationId}::uuid`;
    await writeOutbox(tx, "nomination.answered", {
      nominationId: args.nominationId,
      code: result.code,
      auditId: String(result.auditId),
    });
    return result;
  });
}

/** Verifies or flags a self-report (flagged reports leave the progress figures). */
export async function decideSelfReport(
  db: Db,
  args: { selfReportId: string; action: "verify" | "flag" | "claim"; reviewer: Decider; note?: string },
): Promise<TransitionResult> {
  return transition(db, {
    subject: "self_report",
    id: args.selfReportId,
    action: args.action,
    actor: { reviewerId: args.reviewer.id, label: args.reviewer.name },
    note: (args.note !== undefined ? cleanText(args.note) : "") || undefined,
  });
}
