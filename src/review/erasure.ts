/**
 * "Xóa dữ liệu của tôi" (Nghị định 13/2023/NĐ-CP): an admin performs a person's deletion request,
 * and every copy of the person's data goes — or is redacted where a record must stay:
 *
 *  - on every nomination they sent: nominator's name and phone, answers to information requests,
 *    evidence files, and the reviewers' notes (decision note, information request), which may
 *    quote them; on nominations not approved, the nominee's details too (approved ones keep the
 *    nominee's name, unit and achievements: the commendation is a public record);
 *  - the notes of the audit rows about those nominations and self-reports, through the redaction
 *    function (a placeholder and the original's SHA-256; who did what and when stays);
 *  - their self-reports (deleted; the progress tallies follow by trigger);
 *  - their forwarded questions' text;
 *  - the Person row itself (channel id, chat id, name, language, consent time): deleted, so the
 *    nominations' codes, statuses and statistics remain but point at nobody;
 *  - the deletion request's chat id, once the confirmation is queued;
 *  - outside PostgreSQL, through `forgetChat`: the conversation session, the web chat transcript,
 *    pending answers, and queued, completed and failed jobs holding their messages; and through the
 *    "nomination.erased" event, the reviewers' Telegram cards, edited to "đã xóa theo yêu cầu".
 *
 * All database changes happen in one transaction through performAction, whose audit row records
 * which admin erased how many records.
 */
import type { ChannelName, OutboundJob } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import { eraseQuestionsOf } from "../questions/erasure.js";
import { writeOutbox } from "../queue/outbox.js";
import { performAction, redactAuditNotes } from "./audit.js";
import { langOf } from "./notifications.js";

export const ERASED = "[đã xóa]";
/** The event that edits the reviewers' cards of erased nominations. */
export const ERASED_TOPIC = "nomination.erased" as const;

/** Thrown when a deletion request does not exist or was already carried out. */
export class DeletionRequestError extends Error {
  override name = "DeletionRequestError";
}

export interface ErasureDeps {
  db: Db;
  i18n: Translator;
  enqueue: (job: OutboundJob, opts?: { removeOnComplete?: boolean }) => Promise<void>;
  /** Deletes what Redis holds about one chat (sessions, transcript, pending answers, jobs with its messages). */
  forgetChat?: (channel: ChannelName, chatId: string, userId: string) => Promise<void>;
  /** Nudges the outbox relay so the cards are edited at once. */
  pokeOutbox?: () => void;
  onWarning?: (msg: string, fields: Record<string, unknown>) => void;
}

export interface ErasureResult {
  nominations: number;
  selfReports: number;
  auditNotes: number;
}

/**
 * Erases the requester's personal data, then queues the confirmation to them.
 *
 * @example await performDeletion({ db, i18n, enqueue, forgetChat }, requestId, { id: admin.id, name: admin.name })
 */
export async function performDeletion(
  deps: ErasureDeps,
  requestId: string,
  admin: { id: string; name: string },
): Promise<ErasureResult> {
  const { db } = deps;
  const { value: done } = await performAction(
    db,
    { reviewerId: admin.id, label: admin.name },
    { type: "deletion_request", id: requestId },
    "erase",
    async (tx) => {
      const now = new Date();
      // Conditional: two admins pressing "erase" at once do it once.
      const claimed = await tx.deletionRequest.updateMany({
        where: { id: requestId, status: "requested" },
        data: { status: "done", doneAt: now },
      });
      if (claimed.count !== 1) throw new DeletionRequestError("no open deletion request with that id");
      const req = await tx.deletionRequest.findUniqueOrThrow({
        where: { id: requestId },
        include: { person: true },
      });
      const person = req.person;
      let nominationIds: string[] = [];
      let selfReportIds: string[] = [];
      let auditNotes = 0;
      if (person) {
        const noms = await tx.nomination.findMany({
          where: { personId: person.id },
          select: { id: true, status: true },
        });
        nominationIds = noms.map((n) => n.id);
        const undecided = noms.filter((n) => n.status !== "approved").map((n) => n.id);
        selfReportIds = (
          await tx.selfReport.findMany({ where: { personId: person.id }, select: { id: true } })
        ).map((s) => s.id);
        // Notes first: redaction reads the rows before anything else changes them.
        auditNotes = await redactAuditNotes(tx, [
          ...nominationIds.map((id) => ({ type: "nomination" as const, id })),
          ...selfReportIds.map((id) => ({ type: "self_report" as const, id })),
        ]);
        await tx.attachment.deleteMany({ where: { nominationId: { in: nominationIds } } });
        await tx.nomination.updateMany({
          where: { id: { in: nominationIds } },
          data: { nominatorName: ERASED, nominatorPhone: ERASED, infoAnswers: [], erasedAt: now },
        });
        await tx.nomination.updateMany({
          where: { id: { in: nominationIds }, decisionNote: { not: null } },
          data: { decisionNote: ERASED },
        });
        await tx.nomination.updateMany({
          where: { id: { in: nominationIds }, infoRequestNote: { not: null } },
          data: { infoRequestNote: ERASED },
        });
        await tx.nomination.updateMany({
          where: { id: { in: undecided } },
          data: { nomineeName: ERASED, nomineeUnit: ERASED, achievements: ERASED, publishable: false },
        });
        // The idempotency key embeds the chat id ("channel:chat:run"): keep it unique, without the id.
        await tx.$executeRaw`update "Nomination" set "idempotencyKey" = 'erased:' || encode(sha256(convert_to("idempotencyKey", 'UTF8')), 'hex') where id = any(${nominationIds}::uuid[])`;
        await tx.$executeRaw`update "SelfReport" set "idempotencyKey" = 'erased:' || encode(sha256(convert_to("idempotencyKey", 'UTF8')), 'hex') where id = any(${selfReportIds}::uuid[])`;
        await tx.selfReport.deleteMany({ where: { id: { in: selfReportIds } } });
        // The tallies follow by trigger; a unit left with no report at all keeps no row (its name was typed by this person).
        if (selfReportIds.length) {
          await tx.$executeRaw`delete from "SelfReportUnitTally" u where u.respondents = 0 and u.met = 0 and not exists (select 1 from "SelfReportUnitTally" o where o.level = u.level and o."unitKey" = u."unitKey" and o.indicator = '*' and o.respondents > 0)`;
          await tx.$executeRaw`delete from "SelfReportTally" u where u."currentRespondents" = 0 and u."monthRespondents" = 0 and not exists (select 1 from "SelfReportTally" o where o.level = u.level and o."unitKey" = u."unitKey" and o."currentRespondents" + o."monthRespondents" > 0)`;
        }
        await eraseQuestionsOf(tx, person.id, ERASED, now);
        if (nominationIds.length) await writeOutbox(tx, ERASED_TOPIC, { nominationIds });
        // Every foreign key to Person is ON DELETE SET NULL: the records stay, pointing at nobody.
        await tx.person.delete({ where: { id: person.id } });
      }
      // The chat id was needed only to confirm; the confirmation below carries it from memory.
      await tx.deletionRequest.update({ where: { id: requestId }, data: { chatId: "" } });
      return {
        value: {
          req,
          person,
          nominations: nominationIds.length,
          selfReports: selfReportIds.length,
          auditNotes,
        },
        audit: {
          fromStatus: "requested",
          toStatus: "done",
          note: `${nominationIds.length} hồ sơ đề cử, ${selfReportIds.length} tự đánh giá, ${auditNotes} ghi chú nhật ký`,
        },
      };
    },
  );
  deps.pokeOutbox?.();
  const channel = done.req.channel as ChannelName;
  if (deps.forgetChat) {
    await deps
      .forgetChat(channel, done.req.chatId, done.person?.externalId ?? done.req.chatId)
      .catch((err: unknown) => {
        deps.onWarning?.("chat traces not fully erased", { requestId, err: (err as Error).message });
      });
  }
  const lang = langOf(done.person?.language);
  await deps
    // Removed once delivered: the job is the last place the chat id would linger.
    .enqueue(
      {
        channel,
        chatId: done.req.chatId,
        key: `erased-${requestId}`,
        replies: [{ text: deps.i18n.t(lang, "review.notify.erased") }],
      },
      { removeOnComplete: true },
    )
    .catch(() => {}); // channel switched off: the erasure itself is what matters
  return { nominations: done.nominations, selfReports: done.selfReports, auditNotes: done.auditNotes };
}
