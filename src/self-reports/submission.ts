/**
 * Writes a self-report: the reference code TD-YYYY-NNNNNN, the person's previous current report
 * superseded (kept as history), and the "selfreport.submitted" outbox row — all in one transaction,
 * so a report the user was told about is in PostgreSQL and queued for review, or none of it is.
 */
import { allocateCode } from "../db/codes.js";
import type { Db } from "../db/client.js";
import { scoreAnswers, type IndicatorSet, type Level, type RespondentType } from "./indicators.js";
import { unitKey } from "./unit-key.js";
import { writeOutbox } from "../queue/outbox.js";

export interface SelfReportInput {
  personId: string;
  /** Unique per flow run, so a retried confirmation returns the first report instead of a second. */
  idempotencyKey: string;
  respondentType: RespondentType;
  level: Level;
  localityId?: string | null;
  unit: string;
  /** indicator id → option id; "<indicator>_when" → free text (month/year) where the flow asked it. */
  answers: Record<string, string>;
  consentVersion: string;
  consentAt: Date;
  now?: Date;
}

export interface SubmittedSelfReport {
  id: string;
  code: string;
  /** Code of the report this one replaced as the person's current report. */
  supersededCode: string | null;
  /** True when the idempotency key had already been used: nothing new was written. */
  duplicate: boolean;
}

/** Thrown when a report has no answer for any indicator of its respondent type: nothing to count. */
export class EmptySelfReportError extends Error {
  override name = "EmptySelfReportError";
}

/**
 * @example const { code } = await submitSelfReport(db, indicators, { personId, idempotencyKey, respondentType: "official", level: "commune", unit: "UBND xã A", answers: { basic_skills: "done" }, consentVersion: "v1", consentAt: new Date() })
 */
export async function submitSelfReport(
  db: Db,
  indicators: IndicatorSet,
  input: SelfReportInput,
): Promise<SubmittedSelfReport> {
  const scored = scoreAnswers(indicators, input.respondentType, input.answers);
  const answered = indicators
    .forRespondent(input.respondentType)
    .some((i) => input.answers[i.id] !== undefined);
  if (!answered) throw new EmptySelfReportError(`no indicator answered for ${input.respondentType}`);
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const existing = await tx.selfReport.findUnique({
      where: { idempotencyKey: input.idempotencyKey },
      select: { id: true, code: true },
    });
    if (existing) return { ...existing, supersededCode: null, duplicate: true };
    // The year of the code is the year in Vietnam (UTC+7, no daylight saving).
    const code = await allocateCode(tx, "TD", new Date(now.getTime() + 7 * 3_600_000).getUTCFullYear());
    const previous = await tx.selfReport.findFirst({
      where: { personId: input.personId, current: true },
      select: { id: true, code: true },
    });
    await tx.person.update({
      where: { id: input.personId },
      data: { consentAt: input.consentAt, consentVersion: input.consentVersion },
    });
    if (previous) await tx.selfReport.update({ where: { id: previous.id }, data: { current: false } });
    const created = await tx.selfReport.create({
      data: {
        code,
        idempotencyKey: input.idempotencyKey,
        personId: input.personId,
        respondentType: input.respondentType,
        level: input.level,
        localityId: input.localityId ?? null,
        unit: input.unit.trim().slice(0, 300),
        unitKey: unitKey(input.unit),
        indicators: scored,
        answers: input.answers,
        consentVersion: input.consentVersion,
        consentAt: input.consentAt,
        createdAt: now,
      },
      select: { id: true },
    });
    await writeOutbox(tx, "selfreport.submitted", { selfReportId: created.id, code });
    return { id: created.id, code, supersededCode: previous?.code ?? null, duplicate: false };
  });
}
