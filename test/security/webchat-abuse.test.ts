/**
 * The web chat as a public service (issue 16, finding 1): the attacks of the review — one client
 * filing many nominations from many chat ids, creating a Person per request, flooding — each
 * reproduced against the real HTTP path, and refused.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { sweepIdleWebchatPeople } from "../../src/channels/webchat/idle-people.js";
import { solveChallenge } from "../../src/channels/webchat/guard/proof-of-work.js";
import { codeIn, fillNominationUntilSummary } from "../support/nomination.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";

const started: TestSystem[] = [];
async function system(env: Record<string, string> = {}): Promise<TestSystem> {
  const t = await startTestSystem(env);
  started.push(t);
  return t;
}
afterAll(async () => {
  for (const t of started) await t.stop();
});

const post = (t: TestSystem, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/chat/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("the chat id belongs to the server", () => {
  it("refuses messages under a chat id the client picked, or a forged cookie, and creates no Person for them", async () => {
    const t = await system();
    const people = await t.system.db.person.count();
    const statuses = new Set<number>();
    for (let i = 0; i < 200; i++)
      statuses.add(
        (
          await post(t, {
            chatId: randomUUID(),
            clientMessageId: randomBytes(8).toString("hex"),
            text: "xin chào",
          })
        ).status,
      );
    for (const cookie of [
      `cds_chat=${randomUUID()}`,
      `cds_chat=${randomUUID()}.forged-signature`,
      `cds_chat=${randomUUID()}.${"A".repeat(43)}`,
    ]) {
      statuses.add(
        (await post(t, { clientMessageId: randomBytes(8).toString("hex"), text: "xin chào" }, { cookie }))
          .status,
      );
      statuses.add((await fetch(`${t.url}/chat/api/messages?since=0`, { headers: { cookie } })).status);
    }
    expect([...statuses]).toEqual([401]);
    await new Promise((r) => setTimeout(r, 500));
    expect(await t.system.db.person.count()).toBe(people);
  });

  it("asks for a proof of work before opening a chat, and accepts each solution once", async () => {
    const t = await system({ WEBCHAT_POW_BITS: "12" });
    const { challenge, bits } = (await (await fetch(`${t.url}/chat/api/challenge`)).json()) as {
      challenge: string;
      bits: number;
    };
    expect(bits).toBe(12);
    const open = (body: unknown) =>
      fetch(`${t.url}/chat/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    // A wrong nonce (almost surely not 12 zero bits), a made-up challenge, none at all.
    let wrong = "x";
    while (solveChallenge(challenge, 12) === wrong) wrong += "x";
    for (const body of [
      { challenge, nonce: wrong },
      { challenge: `${Date.now().toString(36)}.aaaaaaaaaaaa.bbbbbbbbbbbbbbbb`, nonce: "0" },
      {},
    ]) {
      const res = await open(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/tải lại trang/);
    }
    const nonce = solveChallenge(challenge, 12);
    const ok = await open({ challenge, nonce });
    expect(ok.status).toBe(201);
    const cookie = ok.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^cds_chat=[0-9a-f-]{36}\./);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect((await open({ challenge, nonce })).status).toBe(400);
  });

  it("limits how many chats one address opens per hour, with a polite answer", async () => {
    const t = await system({ WEBCHAT_NEW_CHATS_PER_IP_PER_HOUR: "5" });
    const statuses: number[] = [];
    let message = "";
    for (let i = 0; i < 8; i++) {
      const res = await new WebchatUser(t.url).open();
      statuses.push(res.status);
      if (res.status === 429) message = ((await res.json()) as { message: string }).message;
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    expect(message).toContain("Zalo/Telegram");
  });

  it("keeps at most WEBCHAT_MAX_CHATS chats open; the next visitor is asked to come back", async () => {
    const t = await system({ WEBCHAT_MAX_CHATS: "3" });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await new WebchatUser(t.url).open()).status);
    expect(statuses).toEqual([201, 201, 201, 503]);
  });
});

describe("limits an anonymous client cannot reset", () => {
  it("counts submissions per address, whatever chat (cookie) they come from", {
    timeout: 90_000,
  }, async () => {
    const t = await system({ WEBCHAT_SUBMISSIONS_PER_IP_PER_DAY: "1", MAX_SUBMISSIONS_PER_DAY: "5" });
    // Two chats (as if the cookie was cleared) reach the summary; the second confirmation is refused.
    const a = new WebchatUser(t.url);
    const b = new WebchatUser(t.url);
    await fillNominationUntilSummary(a, { nominee: "Người Thứ Nhất" });
    await fillNominationUntilSummary(b, { nominee: "Người Thứ Hai" });
    expect(codeIn(await a.ask("xác nhận"))).toBeTruthy();
    const refused = await b.ask("xác nhận");
    expect(codeIn(refused)).toBeUndefined();
    expect(refused.map((m) => m.text).join("\n")).toContain("từ mạng của quý anh/chị");
    // A third chat is told at once, before typing anything.
    const c = new WebchatUser(t.url);
    await c.ask("xin chào");
    expect((await c.ask("đề cử")).map((m) => m.text).join("\n")).toContain("từ mạng của quý anh/chị");
    expect(await t.system.db.nomination.count()).toBe(1);
  });

  it("limits messages per address, but another address behind the trusted proxy is unaffected", async () => {
    const t = await system({ WEBCHAT_PER_IP_PER_MINUTE: "20", TRUST_PROXY: "1" });
    const flooder = new WebchatUser(t.url, "vi", { "x-forwarded-for": "198.51.100.10" });
    await flooder.open();
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 40; i++) statuses.push((await flooder.say(`tin ${i}`)).status);
    // A burst of 20/12 → 5 (the chat's opening took one), then one every 3 s.
    const accepted = statuses.filter((s) => s === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(4);
    expect(accepted).toBeLessThanOrEqual(4 + Math.ceil((Date.now() - started) / 3_000));
    const refused = await flooder.say("thêm");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();
    expect(((await refused.json()) as { message: string }).message).toContain("hơi nhanh");
    const other = new WebchatUser(t.url, "vi", { "x-forwarded-for": "198.51.100.11" });
    expect((await other.say("xin chào")).status).toBe(202);
  });

  it("limits all clients together per second", async () => {
    const t = await system({ WEBCHAT_GLOBAL_PER_SECOND: "10", TRUST_PROXY: "1" });
    const users = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const u = new WebchatUser(t.url, "vi", { "x-forwarded-for": `203.0.113.${i + 1}` });
        await new Promise((r) => setTimeout(r, 120 * i)); // spread the openings over the seconds
        await u.open();
        return u;
      }),
    );
    // Everyone posts twice at once; whatever seconds the burst spans, each lets at most 10 through.
    const started = Date.now();
    const statuses = await Promise.all(
      users.flatMap((u) => [u.say("xin chào"), u.say("chào")]).map((p) => p.then((r) => r.status)),
    );
    const seconds = Math.floor(Date.now() / 1000) - Math.floor(started / 1000) + 1;
    const accepted = statuses.filter((s) => s === 202).length;
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(10 * seconds);
    expect(statuses.filter((s) => s === 503).length).toBe(60 - accepted);
  });
});

describe("anonymous web chat people", () => {
  it("are swept once their chat lapsed, unless they consented, submitted, asked or have a live chat", async () => {
    const t = await system();
    const db = t.system.db;
    const old = new Date(Date.now() - 30 * 3_600_000);
    const mk = (externalId: string, extra: Record<string, unknown> = {}) =>
      db.person.create({
        data: { channel: "webchat", externalId, chatId: externalId, createdAt: old, ...extra },
      });
    const idle = await mk(randomUUID());
    const live = await mk(randomUUID());
    await t.system.redis.set(`${t.prefix}:sess:webchat:${live.externalId}`, "{}", "EX", 60);
    const consented = await mk(randomUUID(), { consentAt: old });
    const asked = await mk(randomUUID());
    await db.forwardedQuestion.create({ data: { personId: asked.id, question: "?" } });
    const recent = await db.person.create({
      data: { channel: "webchat", externalId: randomUUID(), chatId: "x" },
    });
    const telegram = await db.person.create({
      data: { channel: "telegram", externalId: String(Date.now()), chatId: "y", createdAt: old },
    });
    expect(await sweepIdleWebchatPeople({ db, redis: t.system.redis, prefix: t.prefix }, new Date())).toBe(1);
    const left = new Set((await db.person.findMany({ select: { id: true } })).map((p) => p.id));
    expect(left.has(idle.id)).toBe(false);
    for (const p of [live, consented, asked, recent, telegram]) expect(left.has(p.id)).toBe(true);
  });
});

describe("WEBCHAT_ENABLED=false", () => {
  it("serves no web chat at all", async () => {
    const t = await system({ WEBCHAT_ENABLED: "false" });
    for (const path of ["/", "/chat", "/chat/api/challenge", "/chat/api/messages?since=0"])
      expect((await fetch(`${t.url}${path}`)).status, path).toBe(404);
    expect((await post(t, { clientMessageId: "abcdefgh", text: "x" })).status).toBe(404);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
