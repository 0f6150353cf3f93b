/**
 * FAQ entries' life: proposed from an answered question (cleaned question, answer, unit, date),
 * published by an admin, edited, retired — each change a new version with a history row and an
 * audit row in one transaction, then a signal so every running process reloads its FAQ index.
 *
 *   proposed ──publish──▶ published ──retire──▶ retired ──publish──▶ published
 *   proposed ──retire──▶ retired;  edit keeps the status and adds a version
 */
import type { Db, Prisma } from "../db/client.js";
import { recordAction, type InboxActor } from "../questions/audit.js";
import { imitatesPlanQuote } from "./answer.js";
import type { FaqSignal } from "./signal.js";

export type FaqStatus = "proposed" | "published" | "retired";
export type FaqAction = "propose" | "publish" | "edit" | "retire";

export const FAQ_TRANSITIONS: Record<
  Exclude<FaqAction, "propose" | "edit">,
  { from: readonly FaqStatus[]; to: FaqStatus }
> = {
  publish: { from: ["proposed", "retired"], to: "published" },
  retire: { from: ["proposed", "published"], to: "retired" },
};

export const FAQ_LIMITS = { question: 500, answer: 3_000, unit: 200 } as const;

/** Thrown for an entry that cannot be stored as written; `reason` names a locale key. */
export class FaqInputError extends Error {
  override name = "FaqInputError";
  constructor(
    readonly reason:
      | "question_required"
      | "answer_required"
      | "unit_required"
      | "too_long"
      | "bad_date"
      | "plan_quote"
      | "not_answered"
      | "stale"
      | "not_allowed"
      | "not_found",
  ) {
    super(`faq entry refused: ${reason}`);
  }
}

export interface FaqContent {
  question: string;
  answer: string;
  unit: string;
  /** yyyy-mm-dd or a Date. */
  answeredOn: string | Date;
}

export interface FaqStoreDeps {
  db: Db;
  signal: FaqSignal;
  /** planMarkers(i18n): texts that would pass for a quote of the plan. */
  planMarkers: readonly string[];
}

type Tx = Prisma.TransactionClient;

function clean(
  c: FaqContent,
  markers: readonly string[],
): { question: string; answer: string; unit: string; answeredOn: Date } {
  const question = c.question.replace(/\s+/g, " ").trim();
  const answer = c.answer.trim();
  const unit = c.unit.replace(/\s+/g, " ").trim();
  if (!question) throw new FaqInputError("question_required");
  if (!answer) throw new FaqInputError("answer_required");
  if (!unit) throw new FaqInputError("unit_required");
  if (
    question.length > FAQ_LIMITS.question ||
    answer.length > FAQ_LIMITS.answer ||
    unit.length > FAQ_LIMITS.unit
  )
    throw new FaqInputError("too_long");
  const answeredOn =
    typeof c.answeredOn === "string"
      ? new Date(`${c.answeredOn}T00:00:00Z`)
      : new Date(
          Date.UTC(c.answeredOn.getUTCFullYear(), c.answeredOn.getUTCMonth(), c.answeredOn.getUTCDate()),
        );
  if (
    Number.isNaN(answeredOn.getTime()) ||
    (typeof c.answeredOn === "string" && !/^\d{4}-\d{2}-\d{2}$/.test(c.answeredOn))
  )
    throw new FaqInputError("bad_date");
  // An official's words must never read as the plan's: no quote prefix, no plan source line.
  if ([question, answer, unit].some((s) => imitatesPlanQuote(markers, s)))
    throw new FaqInputError("plan_quote");
  return { question, answer, unit, answeredOn };
}

async function snapshot(
  tx: Tx,
  entryId: string,
  actor: InboxActor,
  action: FaqAction,
  note?: string,
): Promise<void> {
  const e = await tx.faqEntry.findUniqueOrThrow({ where: { id: entryId } });
  await tx.faqRevision.create({
    data: {
      entryId,
      version: e.version,
      question: e.question,
      answer: e.answer,
      unit: e.unit,
      status: e.status,
      actor: actor.name,
      action,
    },
  });
  await recordAction(tx, {
    actor,
    subjectType: "faq_entry",
    subjectId: entryId,
    action: `faq_${action}`,
    to: e.status,
    note: note ?? `v${e.version}`,
  });
}

/**
 * Proposes an entry, usually from an answered question (`sourceQuestionId`).
 *
 * @example await proposeEntry(deps, { question, answer, unit, answeredOn: "2026-11-29" }, admin, questionId)
 */
export async function proposeEntry(
  deps: FaqStoreDeps,
  content: FaqContent,
  actor: Required<InboxActor>,
  sourceQuestionId?: string,
): Promise<string> {
  const c = clean(content, deps.planMarkers);
  const id = await deps.db.$transaction(async (tx) => {
    if (sourceQuestionId) {
      const q = await tx.forwardedQuestion.findUnique({
        where: { id: sourceQuestionId },
        select: { status: true },
      });
      if (!q || q.status !== "answered") throw new FaqInputError("not_answered");
    }
    const e = await tx.faqEntry.create({ data: { ...c, sourceQuestionId }, select: { id: true } });
    await snapshot(tx, e.id, actor, "propose");
    return e.id;
  });
  return id;
}

/** Publishes (or re-publishes) an entry; admins only — the caller checks the role. */
export async function publishEntry(
  deps: FaqStoreDeps,
  id: string,
  actor: Required<InboxActor>,
): Promise<void> {
  await changeStatus(deps, id, "publish", actor);
}

/** Retires an entry: the bot stops using it at once; its history stays. */
export async function retireEntry(
  deps: FaqStoreDeps,
  id: string,
  actor: Required<InboxActor>,
  reason?: string,
): Promise<void> {
  await changeStatus(deps, id, "retire", actor, reason);
}

async function changeStatus(
  deps: FaqStoreDeps,
  id: string,
  action: "publish" | "retire",
  actor: Required<InboxActor>,
  note?: string,
): Promise<void> {
  const rule = FAQ_TRANSITIONS[action];
  await deps.db.$transaction(async (tx) => {
    const updated = await tx.faqEntry.updateMany({
      where: { id, status: { in: [...rule.from] } },
      data: { status: rule.to, version: { increment: 1 } },
    });
    if (updated.count !== 1)
      throw new FaqInputError((await tx.faqEntry.count({ where: { id } })) ? "not_allowed" : "not_found");
    await snapshot(tx, id, actor, action, note?.trim() || undefined);
  });
  await deps.signal.bump();
}

/**
 * Replaces an entry's text, as a new version. `expectedVersion` (from the edit form) refuses an
 * edit made over someone else's newer one.
 */
export async function editEntry(
  deps: FaqStoreDeps,
  id: string,
  content: FaqContent,
  actor: Required<InboxActor>,
  expectedVersion?: number,
): Promise<void> {
  const c = clean(content, deps.planMarkers);
  await deps.db.$transaction(async (tx) => {
    const updated = await tx.faqEntry.updateMany({
      where: { id, ...(expectedVersion ? { version: expectedVersion } : {}) },
      data: { ...c, version: { increment: 1 } },
    });
    if (updated.count !== 1)
      throw new FaqInputError((await tx.faqEntry.count({ where: { id } })) ? "stale" : "not_found");
    await snapshot(tx, id, actor, "edit");
  });
  await deps.signal.bump();
}
