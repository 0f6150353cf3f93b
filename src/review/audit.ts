/**
 * The one door for every state change a reviewer, an admin, the system or a submitter makes
 * (in the manner of Decidim's `traceability.perform_action!`): the change and its AuditLog row
 * are written in the same transaction, so there is no change without its row and no row without
 * its change. This file is the only writer of AuditLog (a test walks src/ to keep it so); the
 * table itself refuses updates and deletes (migration integrity), except the redaction of notes
 * through `redactAuditNotes` below.
 */
import type { Db, Prisma } from "../db/client.js";

type Tx = Prisma.TransactionClient;

/** Who acted: a reviewer (id and name), or a label for the submitter, the system or the CLI. */
export interface AuditActor {
  reviewerId?: string | null;
  /** What the log shows: the reviewer's name, "submitter", "system" or "cli". */
  label: string;
}

export type AuditSubjectType =
  | "nomination"
  | "self_report"
  | "reviewer"
  | "deletion_request"
  | "question"
  | "faq_entry"
  | "locality"
  | "announcement"
  | "leaderboard"
  | "export";

/** What was acted on. */
export interface AuditSubject {
  type: AuditSubjectType;
  id: string;
  /** Reference code (DC-…/TD-…), when the subject has one. */
  code?: string | null;
}

/** The details of the row; `false` means the action changed nothing (a lost race) and leaves no row. */
export type AuditEntry =
  | { fromStatus?: string | null; toStatus?: string | null; note?: string | null; code?: string | null }
  | false;

/** What a door-keeping function returns: its own result and what to write in the log. */
export interface ActionOutcome<T> {
  value: T;
  audit: AuditEntry;
}

/**
 * Runs `fn` in a transaction (joining the caller's when given one) and writes the audit row of
 * `action` by `actor` on `subject` in that same transaction.
 *
 * @example
 * await performAction(db, { reviewerId: me.id, label: me.name }, { type: "reviewer", id }, "reviewer_remove", async (tx) => {
 *   await tx.reviewer.update({ where: { id }, data: { active: false } });
 *   return { value: undefined, audit: {} };
 * });
 */
export async function performAction<T>(
  db: Db | Tx,
  actor: AuditActor,
  subject: AuditSubject,
  action: string,
  fn: (tx: Tx) => Promise<ActionOutcome<T>>,
): Promise<{ value: T; auditId?: bigint }> {
  const run = async (tx: Tx) => {
    const { value, audit } = await fn(tx);
    if (audit === false) return { value };
    const row = await tx.auditLog.create({
      data: {
        reviewerId: actor.reviewerId ?? null,
        actor: actor.label,
        subjectType: subject.type,
        subjectId: subject.id,
        code: audit.code ?? subject.code ?? null,
        action,
        fromStatus: audit.fromStatus ?? null,
        toStatus: audit.toStatus ?? null,
        note: audit.note ?? null,
      },
      select: { id: true },
    });
    return { value, auditId: row.id };
  };
  return "$transaction" in db ? (db as Db).$transaction(run) : run(db as Tx);
}

/** What a redacted note reads as (the original's SHA-256 is kept beside it). */
export const REDACTED_NOTE = "[đã xóa theo yêu cầu]";

/**
 * Replaces the notes of the audit rows about `subjects` with REDACTED_NOTE, keeping the SHA-256 of
 * each original note (so a note produced later can still be proven to be the one written) and
 * when it was redacted. Goes through the database function `audit_log_redact`, the only way past
 * the append-only trigger; actor, action, subject, time and statuses never change. Call it inside
 * the erasure's transaction (it is itself recorded there through performAction).
 */
export async function redactAuditNotes(
  tx: Tx,
  subjects: Array<{ type: AuditSubjectType; id: string }>,
): Promise<number> {
  if (!subjects.length) return 0;
  const rows = await tx.auditLog.findMany({
    where: {
      OR: subjects.map((s) => ({ subjectType: s.type, subjectId: s.id })),
      note: { not: null },
      redactedAt: null,
    },
    select: { id: true },
  });
  if (!rows.length) return 0;
  const result = await tx.$queryRaw<
    Array<{ n: number }>
  >`select audit_log_redact(${rows.map((r) => r.id)}::bigint[], ${REDACTED_NOTE}) as n`;
  return Number(result[0]?.n ?? 0);
}
