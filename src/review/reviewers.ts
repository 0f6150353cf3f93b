/**
 * The people who may decide: reviewers and admins, stored in PostgreSQL and managed from the CLI
 * (`npm run admin -- reviewer add|list|remove`) or the admin panel. Removing a reviewer
 * deactivates the row, so the audit log keeps naming who decided what.
 */
import { randomUUID } from "node:crypto";
import type { ChannelName } from "../channels/types.js";
import type { Db } from "../db/client.js";
import { performAction, type AuditActor } from "./audit.js";

export type ReviewerRole = "reviewer" | "admin";

export interface ReviewerView {
  id: string;
  name: string;
  role: ReviewerRole;
  channel: ChannelName | null;
  externalId: string | null;
  active: boolean;
}

/** Thrown when a reviewer command names nobody, or a name/identity is already taken. */
export class ReviewerError extends Error {
  override name = "ReviewerError";
  /** What went wrong, for a message key (the panel never shows `message`, which is for the CLI). */
  constructor(
    message: string,
    readonly reason: "bad_name" | "channel_pair" | "identity_taken" | "not_found" | "self" | "last_admin",
  ) {
    super(message);
  }
}

const select = { id: true, name: true, role: true, channel: true, externalId: true, active: true } as const;

/**
 * Adds a reviewer, or reactivates and updates the one with that name; audited as `reviewer_add`
 * by `actor` (an admin in the panel, "cli" on the server).
 *
 * @example await addReviewer(db, { name: "Nguyễn Thị Lan", channel: "telegram", externalId: "12345", role: "reviewer" }, { reviewerId: admin.id, label: admin.name })
 */
export async function addReviewer(
  db: Db,
  input: { name: string; role?: ReviewerRole; channel?: ChannelName; externalId?: string },
  actor: AuditActor = { label: "cli" },
): Promise<ReviewerView> {
  const name = input.name.trim();
  if (!name || name.length > 120) throw new ReviewerError("name must be 1–120 characters", "bad_name");
  if ((input.channel === undefined) !== (input.externalId === undefined))
    throw new ReviewerError("--channel and --id go together", "channel_pair");
  if (input.channel && input.externalId) {
    const other = await db.reviewer.findFirst({
      where: { channel: input.channel, externalId: input.externalId, NOT: { name } },
    });
    if (other)
      throw new ReviewerError(
        `that ${input.channel} id already belongs to reviewer "${other.name}"`,
        "identity_taken",
      );
  }
  const existing = await db.reviewer.findUnique({ where: { name }, select: { id: true } });
  const subjectId = existing?.id ?? randomUUID();
  const { value } = await performAction(
    db,
    actor,
    { type: "reviewer", id: subjectId },
    "reviewer_add",
    async (tx) => {
      const r = await tx.reviewer.upsert({
        where: { name },
        create: {
          id: subjectId,
          name,
          role: input.role ?? "reviewer",
          channel: input.channel ?? null,
          externalId: input.externalId ?? null,
        },
        update: {
          role: input.role ?? undefined,
          channel: input.channel ?? undefined,
          externalId: input.externalId ?? undefined,
          active: true,
        },
        select,
      });
      // The log is read in Vietnamese: the role in words, not its code.
      return {
        value: r,
        audit: {
          note: `${r.role === "admin" ? "quản trị" : "người duyệt"}${r.channel ? `, ${r.channel === "telegram" ? "Telegram" : r.channel}` : ""}`,
        },
      };
    },
  );
  return value;
}

export async function listReviewers(db: Db): Promise<ReviewerView[]> {
  return db.reviewer.findMany({ orderBy: [{ active: "desc" }, { name: "asc" }], select });
}

/** Deactivates a reviewer and ends their panel sessions and unused sign-in links at once; audited as `reviewer_remove`. */
export async function removeReviewer(
  db: Db,
  name: string,
  actor: AuditActor = { label: "cli" },
): Promise<ReviewerView> {
  const found = await db.reviewer.findUnique({ where: { name: name.trim() } });
  if (!found) throw new ReviewerError(`no reviewer named "${name}"`, "not_found");
  // An admin stopping themselves would lock themselves out mid-task; the last admin would leave nobody to add reviewers.
  if (actor.reviewerId && actor.reviewerId === found.id)
    throw new ReviewerError("you cannot remove yourself", "self");
  const { value } = await performAction(
    db,
    actor,
    { type: "reviewer", id: found.id },
    "reviewer_remove",
    async (tx) => {
      if (found.role === "admin" && found.active) {
        // Counted under a lock on the admins' rows: two admins removing each other at once leave one.
        const admins = await tx.$queryRaw<
          Array<{ id: string }>
        >`select id from "Reviewer" where role = 'admin' and active for update`;
        if (admins.length <= 1) throw new ReviewerError("the last admin cannot be removed", "last_admin");
      }
      await tx.adminSession.deleteMany({ where: { reviewerId: found.id } });
      await tx.loginToken.deleteMany({ where: { reviewerId: found.id, usedAt: null } });
      return {
        value: await tx.reviewer.update({ where: { id: found.id }, data: { active: false }, select }),
        audit: {},
      };
    },
  );
  return value;
}

/** The active reviewer behind a channel identity (a Telegram user id), if any. */
export async function findActiveReviewer(
  db: Db,
  channel: ChannelName,
  externalId: string,
): Promise<ReviewerView | undefined> {
  const r = await db.reviewer.findFirst({ where: { channel, externalId, active: true }, select });
  return r ?? undefined;
}
