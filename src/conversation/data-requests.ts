/**
 * Requests a person makes about their own data and questions: each is one row plus its outbox
 * event in a single transaction, so the review module is told exactly when the row exists.
 */
import type { Db } from "../db/client.js";
import type { InboundMessage } from "../channels/types.js";
import { writeOutbox } from "../queue/outbox.js";
import { cleanText } from "../text/free-text.js";

/** "Xóa dữ liệu của tôi": queued for a reviewer, who performs the erasure and notifies the person. */
export async function requestDeletion(
  db: Db,
  args: { personId: string; channel: InboundMessage["channel"]; chatId: string },
): Promise<string> {
  return db.$transaction(async (tx) => {
    const row = await tx.deletionRequest.create({
      data: { personId: args.personId, channel: args.channel, chatId: args.chatId },
      select: { id: true },
    });
    await writeOutbox(tx, "deletion.requested", { requestId: row.id });
    return row.id;
  });
}

/** When the person's oldest deletion request still waiting for a reviewer was made, if any. */
export async function pendingDeletionSince(db: Db, personId: string): Promise<Date | undefined> {
  const row = await db.deletionRequest.findFirst({
    where: { personId, status: "requested" },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true },
  });
  return row?.createdAt;
}

/** A question the knowledge base could not answer, stored (after the person agreed) for an official. */
export async function forwardQuestion(
  db: Db,
  args: { personId: string; question: string; language?: string },
): Promise<string> {
  return db.$transaction(async (tx) => {
    // Where and in which language the person asked: the official's answer goes back there.
    const person = await tx.person.findUnique({
      where: { id: args.personId },
      select: { channel: true, chatId: true, language: true },
    });
    const row = await tx.forwardedQuestion.create({
      data: {
        personId: args.personId,
        question: cleanText(args.question),
        channel: person?.channel,
        chatId: person?.chatId,
        language: args.language ?? person?.language ?? "vi",
      },
      select: { id: true },
    });
    await writeOutbox(tx, "question.forwarded", { questionId: row.id });
    return row.id;
  });
}
