/**
 * "Xóa dữ liệu của tôi" (Nghị định 13/2023/NĐ-CP): an admin performs a person's deletion request.
 *
 * What is erased: the requester's display name; on every nomination they sent, the nominator's
 * name and phone, their answers to information requests and all evidence files; the text of their
 * forwarded questions. On nominations that were not approved, the nominee's details (which the
 * requester typed in) are erased too; approved nominations keep the nominee's name, unit and
 * achievements, because the commendation is a public record. Rows stay (marked `erasedAt`) so
 * codes, statuses and statistics remain true; the audit log records who erased what and when.
 */
import type { ChannelName, OutboundJob } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import { eraseQuestionsOf } from "../questions/erasure.js";
import { langOf } from "./notifications.js";

export const ERASED = "[đã xóa]";

/** Thrown when a deletion request does not exist or was already carried out. */
export class DeletionRequestError extends Error {
  override name = "DeletionRequestError";
}

/**
 * Erases the requester's personal data in one transaction, then queues the confirmation to them.
 *
 * @example await performDeletion({ db, i18n, enqueue }, requestId, { id: admin.id, name: admin.name })
 */
export async function performDeletion(
  deps: { db: Db; i18n: Translator; enqueue: (job: OutboundJob) => Promise<void> },
  requestId: string,
  admin: { id: string; name: string },
): Promise<{ nominations: number }> {
  const { db } = deps;
  const done = await db.$transaction(async (tx) => {
    const now = new Date();
    // Conditional: two admins pressing "erase" at once do it once.
    const claimed = await tx.deletionRequest.updateMany({ where: { id: requestId, status: "requested" }, data: { status: "done", doneAt: now } });
    if (claimed.count !== 1) throw new DeletionRequestError("no open deletion request with that id");
    const req = await tx.deletionRequest.findUniqueOrThrow({ where: { id: requestId }, include: { person: true } });
    let nominations = 0;
    if (req.personId) {
      const noms = await tx.nomination.findMany({ where: { personId: req.personId }, select: { id: true, status: true } });
      nominations = noms.length;
      const ids = noms.map((n) => n.id);
      const undecided = noms.filter((n) => n.status !== "approved").map((n) => n.id);
      await tx.attachment.deleteMany({ where: { nominationId: { in: ids } } });
      await tx.nomination.updateMany({ where: { id: { in: ids } }, data: { nominatorName: ERASED, nominatorPhone: ERASED, infoAnswers: [], erasedAt: now } });
      await tx.nomination.updateMany({ where: { id: { in: undecided } }, data: { nomineeName: ERASED, nomineeUnit: ERASED, achievements: ERASED, publishable: false } });
      await eraseQuestionsOf(tx, req.personId, ERASED, now);
      await tx.person.update({ where: { id: req.personId }, data: { displayName: null } });
    }
    await tx.auditLog.create({
      data: { reviewerId: admin.id, actor: admin.name, subjectType: "deletion_request", subjectId: requestId, action: "erase", fromStatus: "requested", toStatus: "done", note: `${nominations} hồ sơ đề cử` },
    });
    return { req, nominations };
  });
  const lang = langOf(done.req.person?.language);
  await deps
    .enqueue({ channel: done.req.channel as ChannelName, chatId: done.req.chatId, key: `erased-${requestId}`, replies: [{ text: deps.i18n.t(lang, "review.notify.erased") }] })
    .catch(() => {}); // channel switched off: the erasure itself is what matters
  return { nominations: done.nominations };
}
