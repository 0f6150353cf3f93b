/**
 * Writing a nomination: the row, its evidence and the "nomination.submitted" outbox row in one
 * transaction, with its reference code allocated inside it. Nothing here talks to a channel; the
 * conversation shows the code only after this returns, i.e. after the commit.
 */
import { cleanText } from "../text/free-text.js";
import { createHash } from "node:crypto";
import type { Db, Prisma } from "../db/client.js";
import { allocateCode } from "../db/codes.js";
import { normalizeVietnamese } from "../knowledge/index.js";
import type { NominationCategory } from "../knowledge/index.js";
import { writeOutbox } from "../queue/outbox.js";

export const NOMINATION_CODE_PREFIX = "DC";
/** A second nomination of the same nominee by the same person within this window is flagged. */
export const DUPLICATE_WINDOW_DAYS = 30;
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

export interface NominationInput {
  personId: string;
  idempotencyKey: string;
  category: NominationCategory;
  nomineeName: string;
  nomineeUnit: string;
  locality: string;
  localityId: string | null;
  achievements: string;
  nominatorName: string;
  nominatorPhone: string;
  relation: string;
  consentVersion: string;
  consentAt: Date;
  /** Pending Attachment rows (stored when received) to link to the nomination. */
  attachmentIds: string[];
  links: string[];
}

/** The person already sent the most submissions allowed today (Vietnam time). */
export class DailyLimitError extends Error {
  override name = "DailyLimitError";
  constructor(readonly limit: number) {
    super(`daily submission limit ${limit} reached`);
  }
}

/** Start of the current day in Vietnam (UTC+7), where "per day" is meant. */
export function startOfVietnamDay(now: Date): Date {
  const local = now.getTime() + VN_OFFSET_MS;
  return new Date(local - (local % 86_400_000) - VN_OFFSET_MS);
}

/** The year of `now` in Vietnam: a nomination at 00:30 on 1 January local time is next year's. */
export function vietnamYear(now: Date): number {
  return new Date(now.getTime() + VN_OFFSET_MS).getUTCFullYear();
}

/** Nominations and self-reports the person sent since the start of today (Vietnam time). */
export async function submissionsToday(
  db: Db | Prisma.TransactionClient,
  personId: string,
  now: Date,
): Promise<number> {
  const since = startOfVietnamDay(now);
  const [n, s] = await Promise.all([
    db.nomination.count({ where: { personId, createdAt: { gte: since } } }),
    db.selfReport.count({ where: { personId, createdAt: { gte: since } } }),
  ]);
  return n + s;
}

/** A nomination of the same nominee (name compared without diacritics or case) by this person in the last 30 days. */
export async function recentNominationOfSameNominee(
  db: Db,
  personId: string,
  nomineeName: string,
  now: Date,
): Promise<{ code: string } | null> {
  const since = new Date(now.getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000);
  const rows = await db.nomination.findMany({
    where: { personId, createdAt: { gte: since }, erasedAt: null },
    select: { code: true, nomineeName: true },
    orderBy: { createdAt: "desc" },
    take: 100,
  });
  const wanted = normalizeVietnamese(nomineeName);
  const hit = rows.find((r) => normalizeVietnamese(r.nomineeName) === wanted);
  return hit ? { code: hit.code } : null;
}

/**
 * Creates the nomination, links its evidence and writes the outbox row, all or nothing. A retry
 * with the same idempotency key returns the nomination already written instead of a second one.
 *
 * @example const { code } = await submitNomination(db, input, { maxPerDay: 5, now: new Date() })
 */
export async function submitNomination(
  db: Db,
  input: NominationInput,
  opts: { maxPerDay: number; now: Date },
): Promise<{ id: string; code: string; created: boolean }> {
  const existing = await db.nomination.findUnique({
    where: { idempotencyKey: input.idempotencyKey },
    select: { id: true, code: true },
  });
  if (existing) return { ...existing, created: false };
  return db.$transaction(async (tx) => {
    // Serialise one person's submissions so two confirmations at once cannot both pass the limit.
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${`submissions:${input.personId}`}))`;
    const again = await tx.nomination.findUnique({
      where: { idempotencyKey: input.idempotencyKey },
      select: { id: true, code: true },
    });
    if (again) return { ...again, created: false };
    if ((await submissionsToday(tx, input.personId, opts.now)) >= opts.maxPerDay)
      throw new DailyLimitError(opts.maxPerDay);
    const code = await allocateCode(tx, NOMINATION_CODE_PREFIX, vietnamYear(opts.now));
    const { attachmentIds, links, ...fields } = input;
    const nomination = await tx.nomination.create({
      data: { ...fields, code },
      select: { id: true, code: true },
    });
    if (attachmentIds.length) {
      await tx.attachment.updateMany({
        where: { id: { in: attachmentIds }, nominationId: null },
        data: { nominationId: nomination.id },
      });
    }
    if (links.length) {
      await tx.attachment.createMany({
        data: links.map((url) => ({ nominationId: nomination.id, kind: "link", url })),
      });
    }
    await writeOutbox(tx, "nomination.submitted", { nominationId: nomination.id, code });
    // The person's latest consent, so "what did I agree to, and when" has one answer per person.
    await tx.person.update({
      where: { id: input.personId },
      data: { consentAt: input.consentAt, consentVersion: input.consentVersion },
    });
    return { ...nomination, created: true };
  });
}

/**
 * Stores a received evidence file at once (links to platform files may expire) as a pending
 * Attachment with no nomination; the confirmation links it. Bytes never go to Redis.
 */
export async function storePendingEvidence(
  db: Db,
  file: { kind: "photo" | "document"; bytes: Buffer; mime: string; fileName?: string },
): Promise<string> {
  // A file name is free text chosen by the sender (a NUL in it would make PostgreSQL refuse the row).
  const fileName =
    file.fileName !== undefined ? cleanText(file.fileName).slice(0, 255) || undefined : undefined;
  const row = await db.attachment.create({
    data: {
      kind: file.kind,
      mime: file.mime,
      fileName,
      size: file.bytes.length,
      sha256: createHash("sha256").update(file.bytes).digest("hex"),
      data: new Uint8Array(file.bytes),
    },
    select: { id: true },
  });
  return row.id;
}

/** Deletes evidence received for a flow that was cancelled or restarted (only rows never linked to a nomination). */
export async function discardPendingEvidence(db: Db, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const r = await db.attachment.deleteMany({ where: { id: { in: ids }, nominationId: null } });
  return r.count;
}

/**
 * Deletes evidence whose flow was abandoned: a session expires after 24 h without a word, so a
 * pending file older than `olderThanMs` can never be linked to a nomination any more.
 */
export async function discardAbandonedEvidence(
  db: Db,
  now: Date,
  olderThanMs = 25 * 3_600_000,
): Promise<number> {
  const r = await db.attachment.deleteMany({
    where: { nominationId: null, createdAt: { lt: new Date(now.getTime() - olderThanMs) } },
  });
  return r.count;
}
