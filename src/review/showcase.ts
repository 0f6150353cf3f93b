/**
 * "Gương điển hình": an approved nomination shown to the public by the bot. Publishing names a
 * person and their achievements, so it carries a public summary the reviewer has read and edited
 * (the raw achievements may hold details meant only for reviewers), and can be withdrawn.
 */
import type { Db } from "../db/client.js";
import { performAction } from "./audit.js";
import type { Decider } from "./decisions.js";

/** What the bot shows of an example at most (conversation/engine.ts cuts longer text): the preview is then exactly what the public reads. */
export const MAX_SUMMARY_LENGTH = 220;

export class SummaryError extends Error {
  override name = "SummaryError";
}

/**
 * Publishes an approved nomination with `summary` as what the public reads; false when it is not
 * (or no longer) approved, or its personal data was erased.
 *
 * @example await publishShowcase(db, { nominationId, summary: "Xã đầu tiên…", reviewer: me })
 */
export async function publishShowcase(
  db: Db,
  args: { nominationId: string; code: string; summary: string; reviewer: Decider },
): Promise<boolean> {
  const summary = args.summary.trim();
  if (summary.length < 10 || summary.length > MAX_SUMMARY_LENGTH) throw new SummaryError("summary length");
  return setShowcase(
    db,
    args,
    "publish",
    { status: "approved", erasedAt: null },
    { publishable: true, publicSummary: summary },
  );
}

/** Takes a nomination out of the showcase (its summary is kept for a later re-publication). */
export async function withdrawShowcase(
  db: Db,
  args: { nominationId: string; code: string; reviewer: Decider },
): Promise<boolean> {
  return setShowcase(db, args, "unpublish", { publishable: true }, { publishable: false });
}

/**
 * The one audited write behind both: changes the nomination only where `where` still holds, so a
 * decision or an erasure that got there first wins, and writes the audit row only when it changed.
 */
async function setShowcase(
  db: Db,
  args: { nominationId: string; code: string; reviewer: Decider },
  action: "publish" | "unpublish",
  where: { status?: "approved"; erasedAt?: null; publishable?: boolean },
  data: { publishable: boolean; publicSummary?: string },
): Promise<boolean> {
  const { value } = await performAction(
    db,
    { reviewerId: args.reviewer.id, label: args.reviewer.name },
    { type: "nomination", id: args.nominationId, code: args.code },
    action,
    async (tx) => {
      const updated = await tx.nomination.updateMany({ where: { id: args.nominationId, ...where }, data });
      return {
        value: updated.count > 0,
        audit: updated.count ? { fromStatus: "approved", toStatus: "approved" } : false,
      };
    },
  );
  return value;
}
