/**
 * A person's forwarded questions under "Xóa dữ liệu của tôi": the question text and where to reach
 * them are erased; the row, its status and the official's answer stay for the figures. The
 * officials' cards are edited to the erased text (through the outbox, like any other change).
 * FAQ entries are written cleaned by an admin (no personal data) and are not touched.
 */
import type { Prisma } from "../db/client.js";
import { writeOutbox } from "../queue/outbox.js";
import { QUESTION_DECIDED_TOPIC } from "./transitions.js";

/** Erases the personal data of every question `personId` forwarded, inside the erasure's transaction. */
export async function eraseQuestionsOf(
  tx: Prisma.TransactionClient,
  personId: string,
  erased: string,
  now: Date,
): Promise<number> {
  const rows = await tx.forwardedQuestion.findMany({ where: { personId }, select: { id: true } });
  if (!rows.length) return 0;
  await tx.forwardedQuestion.updateMany({
    where: { personId },
    data: { question: erased, chatId: null, erasedAt: now },
  });
  for (const r of rows) await writeOutbox(tx, QUESTION_DECIDED_TOPIC, { questionId: r.id, action: "erase" });
  return rows.length;
}
