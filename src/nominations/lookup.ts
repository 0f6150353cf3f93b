/**
 * Reading nominations for their submitter and for the public: a status only to the person who
 * sent it (anyone else learns nothing, not even that the code exists), and approved, publishable
 * examples for "Gương điển hình".
 */
import type { Db } from "../db/client.js";
import { transition, type TransitionResult } from "../review/transitions.js";
import type { Status } from "../review/transitions.js";

export interface NominationStatus {
  id: string;
  code: string;
  status: Status;
  createdAt: Date;
  updatedAt: Date;
  withdrawable: boolean;
}

const WITHDRAWABLE: readonly Status[] = ["submitted", "in_review", "needs_info"];

/** The status of `code` if `personId` submitted it; null otherwise (same for a code that does not exist). */
export async function nominationStatusFor(
  db: Db,
  code: string,
  personId: string,
): Promise<NominationStatus | null> {
  const row = await db.nomination.findUnique({
    where: { code },
    select: { id: true, code: true, status: true, personId: true, createdAt: true, updatedAt: true },
  });
  if (!row || row.personId !== personId) return null;
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    withdrawable: WITHDRAWABLE.includes(row.status),
  };
}

/** Withdraws the person's own pending nomination; the review transition table decides if it may. */
export async function withdrawNomination(db: Db, id: string, personId: string): Promise<TransitionResult> {
  const row = await db.nomination.findUnique({ where: { id }, select: { personId: true } });
  if (!row || row.personId !== personId) return { ok: false, reason: "not_found" };
  return transition(db, { subject: "nomination", id, action: "withdraw", actor: { label: "submitter" } });
}

export interface PublishedExample {
  code: string;
  nomineeName: string;
  nomineeUnit: string;
  category: string;
  achievements: string;
}

/** Approved nominations a reviewer marked publishable, newest first (erased ones never); what the public reads is the reviewer's edited summary when there is one. */
export async function publishedExamples(db: Db, limit = 5): Promise<PublishedExample[]> {
  return db.nomination
    .findMany({
      where: { status: "approved", publishable: true, erasedAt: null },
      orderBy: { decidedAt: "desc" },
      take: limit,
      select: {
        code: true,
        nomineeName: true,
        nomineeUnit: true,
        category: true,
        achievements: true,
        publicSummary: true,
      },
    })
    .then((rows) =>
      rows.map(({ publicSummary, ...r }) => ({ ...r, achievements: publicSummary ?? r.achievements })),
    );
}
