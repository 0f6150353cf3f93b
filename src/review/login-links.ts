/**
 * One-time sign-in links for the admin panel: a random token, of which only the SHA-256 hash is
 * stored, valid 15 minutes and consumed by the first sign-in (src/admin/auth.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client.js";

export const LOGIN_LINK_TTL_MS = 15 * 60_000;

/** The panel's public base: PUBLIC_URL when set, else the local server. */
export function panelBaseUrl(config: { publicUrl?: string; port: number }): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}

/**
 * Creates a sign-in link for an active reviewer.
 *
 * @example const { url } = await createLoginLink(db, reviewer.id, "https://bot.example.vn")
 */
export async function createLoginLink(db: Db, reviewerId: string, baseUrl: string, now = new Date()): Promise<{ url: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + LOGIN_LINK_TTL_MS);
  await db.loginToken.create({ data: { tokenHash: createHash("sha256").update(token).digest("hex"), reviewerId, expiresAt } });
  return { url: `${baseUrl.replace(/\/$/, "")}/admin/login?token=${token}`, expiresAt };
}
