/**
 * The one place the questions inbox and the FAQ write their audit rows. It writes the same
 * AuditLog rows as review decisions, inside the caller's transaction; when the shared audit door
 * (performAction) lands, this function is the only thing to switch.
 */
import type { Prisma } from "../db/client.js";

type Tx = Prisma.TransactionClient;

/** Who did it: a reviewer (id and name) or the system. */
export interface InboxActor {
  id?: string;
  name: string;
}

/** Writes one audit row for an inbox or FAQ action and returns its id. */
export async function recordAction(
  tx: Tx,
  args: { actor: InboxActor; subjectType: "question" | "faq_entry"; subjectId: string; action: string; from?: string; to?: string; note?: string },
): Promise<bigint> {
  const row = await tx.auditLog.create({
    data: {
      reviewerId: args.actor.id,
      actor: args.actor.name,
      subjectType: args.subjectType,
      subjectId: args.subjectId,
      action: args.action,
      fromStatus: args.from,
      toStatus: args.to,
      note: args.note,
    },
    select: { id: true },
  });
  return row.id;
}
