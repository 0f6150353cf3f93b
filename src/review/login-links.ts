/**
 * One-time sign-in links for the admin panel: a random token, of which only the SHA-256 hash is
 * stored, valid 15 minutes and consumed by the first sign-in (src/admin/auth.ts). A link is only
 * ever delivered to the reviewer's own chat (or printed by the server's CLI): never shown to
 * someone else, so nobody can sign in as another reviewer. Issuing one is audited with who asked.
 */
import { createHash, randomBytes } from "node:crypto";
import type { ChannelName, OutboundJob } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import { performAction, type AuditActor } from "./audit.js";

export const LOGIN_LINK_TTL_MS = 15 * 60_000;

/** The panel's public base: PUBLIC_URL when set, else the local server. */
export function panelBaseUrl(config: { publicUrl?: string; port: number }): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}

/**
 * Creates a sign-in link for a reviewer, recording who issued it (the reviewer themself through
 * /dangnhap, an admin, or "cli") in the token and in the audit log.
 *
 * @example const { url } = await createLoginLink(db, reviewer.id, "https://bot.example.vn", { reviewerId: reviewer.id, label: reviewer.name })
 */
export async function createLoginLink(
  db: Db,
  reviewerId: string,
  baseUrl: string,
  issuer: AuditActor,
  now = new Date(),
): Promise<{ url: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + LOGIN_LINK_TTL_MS);
  await performAction(db, issuer, { type: "reviewer", id: reviewerId }, "login_link_issue", async (tx) => {
    await tx.loginToken.create({
      data: {
        tokenHash: createHash("sha256").update(token).digest("hex"),
        reviewerId,
        expiresAt,
        issuedBy: issuer.label,
        issuedById: issuer.reviewerId ?? null,
      },
    });
    return { value: undefined, audit: {} };
  });
  return { url: `${baseUrl.replace(/\/$/, "")}/admin/login?token=${token}`, expiresAt };
}

/** Thrown when a reviewer has no chat of their own to receive a link (use the CLI on the server). */
export class NoReviewerChatError extends Error {
  override name = "NoReviewerChatError";
}

/**
 * An admin's "send a sign-in link": the link goes to the reviewer's own registered chat, through
 * the outbound queue; the admin sees only that it was sent.
 */
export async function sendLoginLink(
  deps: { db: Db; i18n: Translator; enqueue: (job: OutboundJob) => Promise<void>; baseUrl: string },
  reviewer: { id: string; channel: ChannelName | null; externalId: string | null },
  issuer: AuditActor,
): Promise<void> {
  if (!reviewer.channel || !reviewer.externalId)
    throw new NoReviewerChatError("the reviewer has no chat registered");
  const { url } = await createLoginLink(deps.db, reviewer.id, deps.baseUrl, issuer);
  const key = `login-link-${createHash("sha256").update(url).digest("hex").slice(0, 24)}`;
  await deps.enqueue({
    channel: reviewer.channel,
    chatId: reviewer.externalId,
    key,
    replies: [
      { text: deps.i18n.t("vi", "review.reviewer.login_link_from_admin", { url, name: issuer.label }) },
    ],
  });
}
