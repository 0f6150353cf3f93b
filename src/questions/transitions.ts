/**
 * The one place where a forwarded question's status may change. Every transition is a
 * conditional update (so two officials acting at once cannot both win), writes its audit row and
 * announces itself on the outbox ("question.decided") in the same transaction — the citizen's
 * answer and the card updates go out even if the process dies right after the commit.
 *
 *   new ──claim──▶ claimed ──release──▶ new
 *   new | claimed ──answer──▶ answered          (a claim by someone else blocks it)
 *   new | claimed ──duplicate (of another)──▶ duplicate
 *   new | claimed ──dismiss (with a reason)──▶ dismissed   ("không liên quan")
 */
import type { Db, Prisma } from "../db/client.js";
import { writeOutbox } from "../queue/outbox.js";
import { recordAction, type InboxActor } from "./audit.js";

export type QuestionStatus = "new" | "claimed" | "answered" | "duplicate" | "dismissed";
export type QuestionAction = "claim" | "release" | "answer" | "duplicate" | "dismiss";

/** action → the states it may start from, and the state it leads to. */
export const QUESTION_TRANSITIONS: Record<
  QuestionAction,
  { from: readonly QuestionStatus[]; to: QuestionStatus }
> = {
  claim: { from: ["new"], to: "claimed" },
  release: { from: ["claimed"], to: "new" },
  answer: { from: ["new", "claimed"], to: "answered" },
  duplicate: { from: ["new", "claimed"], to: "duplicate" },
  dismiss: { from: ["new", "claimed"], to: "dismissed" },
};

export const QUESTION_STATUSES: readonly QuestionStatus[] = [
  "new",
  "claimed",
  "answered",
  "duplicate",
  "dismissed",
];
/** The statuses an official still has to act on. */
export const OPEN_STATUSES: readonly QuestionStatus[] = ["new", "claimed"];

export const MAX_ANSWER_LENGTH = 3_000;
export const MAX_REASON_LENGTH = 1_000;
export const MAX_UNIT_LENGTH = 200;

/** The event every successful action writes to the outbox (handled in events.ts). */
export const QUESTION_DECIDED_TOPIC = "question.decided" as const;

/** Thrown for an action that lacks what it needs (an empty answer, no reason, itself as the original). */
export class QuestionInputError extends Error {
  override name = "QuestionInputError";
  constructor(
    readonly reason:
      | "answer_required"
      | "answer_too_long"
      | "reason_required"
      | "reason_too_long"
      | "unit_required"
      | "duplicate_target",
  ) {
    super(`question action refused: ${reason}`);
  }
}

export type QuestionResult =
  | { ok: true; from: QuestionStatus; to: QuestionStatus; auditId: bigint }
  | { ok: false; reason: "not_found" }
  /** `by` is who holds or decided it (a claim by another official, or the answer). */
  | { ok: false; reason: "conflict"; current: QuestionStatus; by?: string };

type Tx = Prisma.TransactionClient;

export interface QuestionActionArgs {
  questionId: string;
  action: QuestionAction;
  actor: Required<InboxActor>;
  /** answer: the text; dismiss: the reason. */
  text?: string;
  /** answer: the unit named to the citizen. */
  unit?: string;
  /** duplicate: the question this one repeats. */
  duplicateOfId?: string;
  /** release by an admin: any claim, not only one's own. */
  anyClaim?: boolean;
}

/**
 * Applies an official's action to a question. Of two officials answering at once exactly one
 * gets `ok: true`; the other a conflict naming who answered.
 *
 * @example await actOnQuestion(db, { questionId, action: "answer", actor: { id, name }, text: "…", unit: "Sở Nội vụ" })
 */
export async function actOnQuestion(db: Db, args: QuestionActionArgs): Promise<QuestionResult> {
  const text = args.text?.trim() ?? "";
  const unit = args.unit?.trim() ?? "";
  if (args.action === "answer") {
    if (!text) throw new QuestionInputError("answer_required");
    if (text.length > MAX_ANSWER_LENGTH) throw new QuestionInputError("answer_too_long");
    if (!unit || unit.length > MAX_UNIT_LENGTH) throw new QuestionInputError("unit_required");
  }
  if (args.action === "dismiss") {
    if (!text) throw new QuestionInputError("reason_required");
    if (text.length > MAX_REASON_LENGTH) throw new QuestionInputError("reason_too_long");
  }
  return db.$transaction(async (tx) => {
    let duplicateOfId: string | undefined;
    if (args.action === "duplicate") {
      duplicateOfId = await originalOf(tx, args.duplicateOfId, args.questionId);
      if (!duplicateOfId) throw new QuestionInputError("duplicate_target");
    }
    const rule = QUESTION_TRANSITIONS[args.action];
    const now = new Date();
    const me = args.actor.id;
    // A claim by another official blocks everyone else's answer, duplicate and dismissal; a release
    // is the claimer's (or an admin's).
    const claimFree: Prisma.ForwardedQuestionWhereInput =
      args.action === "claim"
        ? {}
        : args.action === "release" && args.anyClaim
          ? {}
          : { OR: [{ claimedById: null }, { claimedById: me }] };
    const data: Prisma.ForwardedQuestionUpdateManyMutationInput = { status: rule.to, updatedAt: now };
    if (args.action === "claim") Object.assign(data, { claimedById: me, claimedAt: now });
    if (args.action === "release") Object.assign(data, { claimedById: null, claimedAt: null });
    if (args.action === "answer")
      Object.assign(data, {
        answer: text,
        answerUnit: unit,
        answeredById: me,
        answeredAt: now,
        answered: true,
      });
    if (args.action === "dismiss") Object.assign(data, { dismissReason: text });
    if (args.action === "duplicate") Object.assign(data, { duplicateOfId });
    const before = await tx.forwardedQuestion.findUnique({
      where: { id: args.questionId },
      select: { status: true },
    });
    if (!before) return { ok: false, reason: "not_found" } as const;
    // PostgreSQL re-checks this WHERE against a concurrent winner's committed row: the loser matches nothing.
    const updated = await tx.forwardedQuestion.updateMany({
      where: { id: args.questionId, status: { in: [...rule.from] }, ...claimFree },
      data,
    });
    if (updated.count !== 1) {
      const cur = await tx.forwardedQuestion.findUniqueOrThrow({
        where: { id: args.questionId },
        select: { status: true, claimedById: true, answeredById: true },
      });
      const byId = cur.answeredById ?? cur.claimedById;
      const by = byId
        ? (await tx.reviewer.findUnique({ where: { id: byId }, select: { name: true } }))?.name
        : undefined;
      return { ok: false, reason: "conflict", current: cur.status, by };
    }
    // Questions that repeated this one now repeat its original, so one answer reaches them all.
    if (args.action === "duplicate")
      await tx.forwardedQuestion.updateMany({
        where: { duplicateOfId: args.questionId },
        data: { duplicateOfId },
      });
    const note =
      args.action === "answer"
        ? `${unit}: ${text}`
        : args.action === "dismiss"
          ? text
          : args.action === "duplicate"
            ? `#${shortId(duplicateOfId!)}`
            : undefined;
    const auditId = await recordAction(tx, {
      actor: args.actor,
      subjectType: "question",
      subjectId: args.questionId,
      action: args.action,
      from: before.status,
      to: rule.to,
      note,
    });
    await writeOutbox(tx, QUESTION_DECIDED_TOPIC, {
      questionId: args.questionId,
      action: args.action,
      auditId: String(auditId),
    });
    return { ok: true, from: before.status, to: rule.to, auditId };
  });
}

/**
 * The question a duplicate points at: the target itself, or the original it repeats (chains are
 * flattened, so the answer reaches every repeat). Undefined when the target is unknown or is `self`.
 */
async function originalOf(tx: Tx, targetId: string | undefined, self: string): Promise<string | undefined> {
  let id = targetId;
  for (let hops = 0; id && hops < 5; hops++) {
    if (id === self) return undefined;
    const q = await tx.forwardedQuestion.findUnique({
      where: { id },
      select: { id: true, status: true, duplicateOfId: true },
    });
    if (!q) return undefined;
    if (q.status !== "duplicate" || !q.duplicateOfId) return q.id;
    id = q.duplicateOfId;
  }
  return undefined;
}

/** The short reference officials and citizens see ("#3f2a9c1b"): the id's first 8 hex digits. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/**
 * Finds a question by its short reference ("#3f2a9c1b", "3F2A9C1B") or full id; undefined when
 * none or several match.
 */
export async function findByShortId(db: Db | Tx, ref: string): Promise<string | undefined> {
  const hex = ref.trim().replace(/^#/, "").toLowerCase();
  if (/^[0-9a-f-]{36}$/.test(hex))
    return (await db.forwardedQuestion.findUnique({ where: { id: hex }, select: { id: true } }))?.id;
  if (!/^[0-9a-f]{8}$/.test(hex)) return undefined;
  const rows = await db.$queryRaw<
    Array<{ id: string }>
  >`select id::text as id from "ForwardedQuestion" where id::text like ${`${hex}%`} limit 2`;
  return rows.length === 1 ? rows[0]!.id : undefined;
}
