/**
 * Helpers for the announcement tests: many subscribers at once (one SQL statement), and a signed-in
 * admin for the panel pages.
 */
import { expect } from "vitest";
import type { Db } from "../../src/db/client.js";
import { createLoginLink } from "../../src/review/login-links.js";
import { addReviewer } from "../../src/review/reviewers.js";

/**
 * Inserts `count` people on `channel` with chat ids `${chatPrefix}${i}` (numeric on Telegram),
 * subscribed to `topics`; returns their chat ids in order.
 */
export async function seedSubscribers(
  db: Db,
  opts: {
    channel: "telegram" | "zalo" | "webchat";
    count: number;
    topics?: string[];
    chatBase?: number;
    chatPrefix?: string;
  },
): Promise<string[]> {
  const base = opts.chatBase ?? 9_000_000;
  const prefix = opts.chatPrefix ?? "";
  await db.$executeRawUnsafe(
    `with p as (
       insert into "Person" (id, channel, "externalId", "chatId", "updatedAt")
       select gen_random_uuid(), $1::"Channel", $2 || (i + $3)::text, $2 || (i + $3)::text, now() from generate_series(0, $4 - 1) i
       returning id
     )
     insert into "Subscription" ("personId", topics, source, "subscribedAt", "updatedAt") select id, $5::text[], 'chat', now(), now() from p`,
    opts.channel,
    prefix,
    base,
    opts.count,
    opts.topics ?? ["movement", "deadlines", "role_models"],
  );
  return Array.from({ length: opts.count }, (_, i) => `${prefix}${base + i}`);
}

/** A browser-less signed-in admin: keeps the session cookie and reads CSRF tokens from pages. */
export function signInAdmin(db: Db, baseUrl: string) {
  return signIn(db, baseUrl, "admin");
}

/**
 * A browser-less signed-in reviewer of either role. The CSRF token is read from any panel page
 * (every page's sign-out form carries it), so a reviewer's refusal is tested with a valid token.
 */
export async function signIn(db: Db, baseUrl: string, role: "admin" | "reviewer") {
  const admin = await addReviewer(db, {
    name: `${role === "admin" ? "Quản trị" : "Người duyệt"} ${Math.random().toString(36).slice(2, 7)}`,
    role,
  });
  const { url } = await createLoginLink(db, admin.id, baseUrl, { label: "cli" });
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(303);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const get = (path: string) => fetch(`${baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
  const post = (path: string, form: URLSearchParams) =>
    fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      redirect: "manual",
    });
  const csrf = async (path = "/admin/announcements") =>
    (await (await get(path)).text()).match(/name="_csrf" value="([^"]+)"/)![1]!;
  return { admin, cookie, get, post, csrf };
}
