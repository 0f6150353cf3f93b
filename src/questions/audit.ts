/**
 * The one place the questions inbox and the FAQ write their audit rows. It writes the same
 * AuditLog rows as review decisions, inside the caller's transaction, through the shared audit door
 * (performAction).
 */
import type { Prisma } from "../db/client.js";
import { performAction } from "../review/audit.js";

type Tx = Prisma.TransactionClient;

/** Who did it: a reviewer (id and name) or the system. */
export interface InboxActor {
  id?: string;
  name: string;
}

/** Writes one audit row for an inbox or FAQ action and returns its id. */
export async function recordAction(
  tx: Tx,
  args: {
    actor: InboxActor;
    subjectType: "question" | "faq_entry";
    subjectId: string;
    action: string;
    from?: string;
    to?: string;
    note?: string;
  },
): Promise<bigint> {
  const { auditId } = await performAction(
    tx,
    { reviewerId: args.actor.id, label: args.actor.name },
    { type: args.subjectType, id: args.subjectId },
    args.action,
    async () => ({
      value: undefined,
      audit: { fromStatus: args.from, toStatus: args.to, note: args.note },
    }),
  );
  return auditId!;
}
