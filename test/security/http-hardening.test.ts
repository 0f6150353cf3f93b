/**
 * Proxies, lockouts, cookies and HSTS (issue 16, findings 5 and 7): forwarding headers are believed
 * only from the configured number of proxies, so no client can pick its own address to dodge the
 * sign-in lockout or aim it at someone else; the session cookie is Secure whenever the panel is
 * served over https; HSTS is on when PUBLIC_URL is https.
 */
import { afterAll, describe, expect, it } from "vitest";
import { addReviewer } from "../../src/review/reviewers.js";
import { createLoginLink } from "../../src/review/login-links.js";
import { startTestSystem, type TestSystem } from "../support/system.js";

const started: TestSystem[] = [];
async function system(env: Record<string, string> = {}): Promise<TestSystem> {
  const t = await startTestSystem(env);
  started.push(t);
  return t;
}
afterAll(async () => {
  for (const t of started) await t.stop();
});

const badLink = (t: TestSystem, i: number, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/admin/login?token=${"z".repeat(40)}${i}`, { redirect: "manual", headers }).then(
    (r) => r.status,
  );

async function cookieOf(t: TestSystem, headers: Record<string, string> = {}): Promise<string> {
  const r = await addReviewer(t.system.db, { name: `Người duyệt ${Math.random()}` });
  const { url } = await createLoginLink(t.system.db, r.id, t.url, { label: "cli" });
  const res = await fetch(`${t.url}${new URL(url).pathname}${new URL(url).search}`, {
    redirect: "manual",
    headers,
  });
  expect(res.status).toBe(303);
  return res.headers.get("set-cookie")!;
}

describe("without a trusted proxy (TRUST_PROXY unset)", () => {
  it("ignores X-Forwarded-For: a client cannot escape the lockout by inventing addresses, nor lock out someone else's", async () => {
    const t = await system();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await badLink(t, i, { "x-forwarded-for": `203.0.113.${i}` }));
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // The lockout fell on the real peer address (loopback), not on the ones it claimed.
    const keys = await t.system.redis.keys(`${t.prefix}:admin:signin-failures:*`);
    expect(keys).toHaveLength(1);
  });

  it("does not set Secure from a spoofed X-Forwarded-Proto, and sends no HSTS over plain http without an https PUBLIC_URL", async () => {
    const t = await system();
    expect(await cookieOf(t, { "x-forwarded-proto": "https" })).not.toMatch(/;\s*Secure/i);
    expect((await fetch(`${t.url}/healthz`)).headers.get("strict-transport-security")).toBeNull();
  });
});

describe("behind one trusted proxy (TRUST_PROXY=1)", () => {
  it("uses the address the proxy saw, so two clients behind it have separate lockouts", async () => {
    const t = await system({ TRUST_PROXY: "1" });
    for (let i = 0; i < 11; i++) await badLink(t, i, { "x-forwarded-for": "198.51.100.7" });
    expect(await badLink(t, 99, { "x-forwarded-for": "198.51.100.7" })).toBe(429);
    expect(await badLink(t, 100, { "x-forwarded-for": "198.51.100.8" })).toBe(401);
    // A client prepending its own address to the header gains nothing: only the proxy's hop counts.
    expect(await badLink(t, 101, { "x-forwarded-for": "1.2.3.4, 198.51.100.7" })).toBe(429);
  });

  it("marks the session cookie Secure when the proxy says the request came over https", async () => {
    const t = await system({ TRUST_PROXY: "1" });
    expect(await cookieOf(t, { "x-forwarded-proto": "https" })).toMatch(/;\s*Secure/i);
    expect(await cookieOf(t, { "x-forwarded-proto": "http" })).not.toMatch(/;\s*Secure/i);
  });
});

describe("with an https PUBLIC_URL", () => {
  it("sends HSTS and marks the session cookie Secure", async () => {
    const t = await system({ PUBLIC_URL: "https://bot.example.gov.vn" });
    const hsts = (await fetch(`${t.url}/healthz`)).headers.get("strict-transport-security");
    expect(hsts).toMatch(/max-age=\d{7,}/);
    expect(await cookieOf(t)).toMatch(/;\s*Secure/i);
  });
});
