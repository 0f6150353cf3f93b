/**
 * The OA token pair: stored encrypted, refreshed early under a lock by exactly one process, the
 * new pair persisted before use, -216/-220 answered by one refresh and one retry, and a refused
 * refresh turned into an alert for the admins (Telegram and the panel banner) and a status.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { runZaloOaCommand } from "../../../src/cli/zalo-oa.js";
import { createLogger } from "../../../src/logging/logger.js";
import { createReauthAlert } from "../../../src/channels/zalo-oa/alerts.js";
import { OaClient } from "../../../src/channels/zalo-oa/client.js";
import { OaReauthRequiredError } from "../../../src/channels/zalo-oa/errors.js";
import { codeChallenge, consentUrl, OaOAuthClient } from "../../../src/channels/zalo-oa/oauth.js";
import { OaTokenStore, TokenDecryptError } from "../../../src/channels/zalo-oa/token-store.js";
import { OaTokens } from "../../../src/channels/zalo-oa/tokens.js";
import { loadLocales } from "../../../src/i18n/locales.js";
import { addReviewer } from "../../../src/review/reviewers.js";
import { createLoginLink } from "../../../src/review/login-links.js";
import type { OutboundJob } from "../../../src/channels/types.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { FakeZaloOa } from "../../support/fake-zalo-oa.js";

const CHILD = fileURLToPath(new URL("../../support/oa-refresh-child.ts", import.meta.url));
const logger = createLogger({ level: "silent" });
const i18n = loadLocales(fileURLToPath(new URL("../../../locales", import.meta.url)));

describe("OA tokens", () => {
  let fake: FakeZaloOa;
  let database: TestDatabase;
  let redis: Redis;
  const key = randomBytes(32);
  let prefix: string;
  let store: OaTokenStore;
  const tokensFor = (extra: Partial<ConstructorParameters<typeof OaTokens>[0]> = {}) =>
    new OaTokens({
      store,
      oauth: new OaOAuthClient({ oauthRoot: fake.url, appId: fake.appId, appSecret: fake.appSecret }),
      redis,
      prefix,
      logger,
      ...extra,
    });

  beforeAll(async () => {
    fake = await new FakeZaloOa().start();
    database = await createTestDatabase();
    redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    redis?.disconnect();
    await database?.drop();
    await fake?.stop();
  });
  beforeEach(async () => {
    prefix = `oat${randomBytes(4).toString("hex")}`;
    fake.refreshCalls = 0;
    fake.refuseRefresh = false;
    fake.tokenDelayMs = 0;
    await database.db.oaCredential.deleteMany();
    store = new OaTokenStore(database.db, fake.appId, key);
  });

  it("stores the pair encrypted: neither token is readable in the row, and a wrong key cannot open it", async () => {
    const pair = fake.issuePair();
    await store.save({ accessToken: pair.access, refreshToken: pair.refresh, expiresInS: 90_000 });
    const row = await database.db.oaCredential.findUniqueOrThrow({ where: { appId: fake.appId } });
    expect(JSON.stringify(row)).not.toContain(pair.access);
    expect(JSON.stringify(row)).not.toContain(pair.refresh);
    expect(await store.read()).toMatchObject({ accessToken: pair.access, refreshToken: pair.refresh });
    await expect(new OaTokenStore(database.db, fake.appId, randomBytes(32)).read()).rejects.toThrow(
      TokenDecryptError,
    );
    // A process started with another key cannot send and says the OA needs a new consent.
    store = new OaTokenStore(database.db, fake.appId, randomBytes(32));
    const wrongKey = tokensFor();
    await expect(wrongKey.accessToken()).rejects.toThrow(OaReauthRequiredError);
    expect(wrongKey.state).toBe("needs_reauth");
  });

  it("uses a fresh token as it is, and refreshes one that is due (~20 h old) exactly once, persisting the new pair first", async () => {
    const pair = fake.issuePair();
    await store.save({ accessToken: pair.access, refreshToken: pair.refresh, expiresInS: 90_000 });
    const tokens = tokensFor();
    expect(await tokens.accessToken()).toBe(pair.access);
    expect(fake.refreshCalls).toBe(0);
    // 21 hours later: 4 hours left, inside the 5-hour early-refresh margin.
    await store.save({ accessToken: pair.access, refreshToken: pair.refresh, expiresInS: 4 * 3600 });
    const fresh = await tokensFor().accessToken();
    expect(fresh).not.toBe(pair.access);
    expect(fake.refreshCalls).toBe(1);
    expect(fake.isValidAccess(fresh)).toBe(true);
    const stored = await store.read();
    expect(stored!.accessToken).toBe(fresh);
    expect(stored!.accessExpiresAt.getTime()).toBeGreaterThan(Date.now() + 24 * 3_600_000);
    // The old refresh token is dead at Zalo; the stored one is the live one.
    expect(stored!.refreshToken).not.toBe(pair.refresh);
  });

  it("on -216 refreshes once and retries the call once", async () => {
    const pair = fake.issuePair();
    await store.save({ accessToken: pair.access, refreshToken: pair.refresh, expiresInS: 90_000 });
    fake.lastInteraction.set("u1", Date.now());
    const client = new OaClient({ apiRoot: fake.url, tokens: tokensFor() });
    fake.revokeAccessTokens();
    const before = fake.callsTo("/v3.0/oa/message/cs").length;
    await client.sendCs("u1", { text: "Kính chào" });
    const calls = fake.callsTo("/v3.0/oa/message/cs").slice(before);
    expect(calls.map((c) => c.error)).toEqual([-216, 0]);
    expect(fake.refreshCalls).toBe(1);
  });

  it("on -220 refreshes once; a second refusal is not retried again", async () => {
    const pair = fake.issuePair();
    await store.save({ accessToken: pair.access, refreshToken: pair.refresh, expiresInS: 90_000 });
    fake.lastInteraction.set("u2", Date.now());
    const client = new OaClient({ apiRoot: fake.url, tokens: tokensFor() });
    fake.failNext("/v3.0/oa/message/cs", { error: -220, message: "expired" }, 2);
    const before = fake.callsTo("/v3.0/oa/message/cs").length;
    await expect(client.sendCs("u2", { text: "Kính chào" })).rejects.toMatchObject({ code: -220 });
    expect(fake.callsTo("/v3.0/oa/message/cs").length - before).toBe(2);
    expect(fake.refreshCalls).toBe(1);
  });

  it("two worker processes racing to refresh make exactly one refresh call, and both end with the live token", async () => {
    const pair = fake.issuePair();
    // Due for refresh (1 h left), and the token endpoint slow enough for the two to overlap.
    await store.save({ accessToken: pair.access, refreshToken: pair.refresh, expiresInS: 3600 });
    fake.tokenDelayMs = 400;
    fake.lastInteraction.set("u3", Date.now());
    const args = JSON.stringify({
      databaseUrl: database.url,
      redisUrl: inject("redisUrl"),
      prefix,
      appId: fake.appId,
      appSecret: fake.appSecret,
      tokenKeyHex: key.toString("hex"),
      root: fake.url,
      userId: "u3",
    });
    const children = [0, 1].map(() =>
      spawn(process.execPath, ["--import", "tsx", CHILD, args], { stdio: ["pipe", "pipe", "inherit"] }),
    );
    const outputs = children.map(
      (child) =>
        new Promise<string[]>((resolve) => {
          let buf = "";
          child.stdout!.on("data", (d: Buffer) => (buf += d.toString()));
          child.on("exit", () => resolve(buf.trim().split("\n")));
        }),
    );
    // Both ready, then go at once.
    const ready = children.map(
      (child) =>
        new Promise<void>((resolve) =>
          child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()),
        ),
    );
    await Promise.all(ready);
    for (const child of children) child.stdin!.write("go\n");
    const results = (await Promise.all(outputs)).map(
      (lines) => JSON.parse(lines.at(-1)!) as { token?: string; quotaOk?: boolean; error?: string },
    );
    expect(results.map((r) => r.error)).toEqual([undefined, undefined]);
    expect(fake.refreshCalls).toBe(1);
    expect(results[0]!.token).toBe(results[1]!.token);
    expect(results[0]!.token).not.toBe(pair.access);
    expect(fake.isValidAccess(results[0]!.token!)).toBe(true);
    expect(results.every((r) => r.quotaOk)).toBe(true);
    expect((await store.read())!.accessToken).toBe(results[0]!.token);
  }, 60_000);

  it("a refused refresh flags the OA for re-consent, reports it in the status, and alerts the Telegram admins once", async () => {
    const pair = fake.issuePair();
    await store.save({ accessToken: pair.access, refreshToken: pair.refresh, expiresInS: 60 });
    fake.refuseRefresh = true;
    await addReviewer(database.db, {
      name: `Admin ${prefix}`,
      role: "admin",
      channel: "telegram",
      externalId: "777000111",
    });
    await addReviewer(database.db, {
      name: `Reviewer ${prefix}`,
      role: "reviewer",
      channel: "telegram",
      externalId: "777000222",
    });
    const jobs: OutboundJob[] = [];
    const alert = createReauthAlert({
      db: database.db,
      redis,
      prefix,
      i18n,
      enqueue: async (j) => void jobs.push(j),
      telegramEnabled: true,
      logger,
    });
    const a = tokensFor({ onReauthNeeded: alert });
    const b = tokensFor({ onReauthNeeded: alert });
    await expect(a.accessToken()).rejects.toThrow(OaReauthRequiredError);
    await expect(b.accessToken()).rejects.toThrow(OaReauthRequiredError);
    expect(fake.refreshCalls).toBe(1); // the second process saw the flag: no second spend
    expect((await a.status()).state).toBe("needs_reauth");
    expect(jobs.map((j) => [j.channel, j.chatId])).toEqual([["telegram", "777000111"]]);
    expect(jobs[0]!.replies[0]!.text).toContain("OA cần cấp quyền lại");

    // A new consent clears it: exchange stores a fresh pair.
    const out: string[] = [];
    const env = { ...fake.env(key.toString("hex")), DATABASE_URL: database.url };
    await runZaloOaCommand(["exchange", fake.issueCode()], env, {
      db: database.db,
      out: (l) => void out.push(l),
    });
    expect(out.join("\n")).toContain("stored");
    expect((await a.status()).state).toBe("ok");
    expect(fake.isValidAccess(await a.accessToken())).toBe(true);
  });
});

describe("npm run zalo-oa", () => {
  let fake: FakeZaloOa;
  let database: TestDatabase;
  beforeAll(async () => {
    fake = await new FakeZaloOa().start();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    await fake?.stop();
  });

  it("auth-url prints the PKCE consent link; without a verifier it offers one and its challenge", async () => {
    const env = fake.env();
    const lines: string[] = [];
    await runZaloOaCommand(["auth-url"], env, { db: database.db, out: (l) => void lines.push(l) });
    const link = new URL(lines[0]!);
    expect(`${link.origin}${link.pathname}`).toBe(`${fake.url}/v4/oa/permission`);
    expect(Object.fromEntries(link.searchParams)).toEqual({
      app_id: fake.appId,
      redirect_uri: env.ZALO_OA_REDIRECT_URI,
      code_challenge: codeChallenge(fake.codeVerifier),
    });
    expect(lines[0]).toBe(
      consentUrl({
        oauthRoot: fake.url,
        appId: fake.appId,
        redirectUri: env.ZALO_OA_REDIRECT_URI!,
        codeVerifier: fake.codeVerifier,
      }),
    );
    // RFC 7636's example: the challenge is base64url(SHA-256(verifier)) without padding.
    expect(codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );

    const offered: string[] = [];
    await runZaloOaCommand(
      ["auth-url"],
      { ...env, ZALO_OA_CODE_VERIFIER: "" },
      { db: database.db, out: (l) => void offered.push(l) },
    );
    const verifier = /ZALO_OA_CODE_VERIFIER=(\S+)/.exec(offered.join("\n"))![1]!;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(offered.join("\n")).toContain(codeChallenge(verifier));
  });

  it("exchange stores the pair from a consent code; a used or wrong code is refused with Zalo's reason", async () => {
    const env = fake.env();
    const code = fake.issueCode();
    await runZaloOaCommand(["exchange", code], env, { db: database.db, out: () => {} });
    const calls = fake.callsTo("/v4/oa/access_token");
    expect(calls.at(-1)!.headers.secret_key).toBe(fake.appSecret);
    expect(calls.at(-1)!.body).toEqual({
      code,
      app_id: fake.appId,
      grant_type: "authorization_code",
      code_verifier: fake.codeVerifier,
    });
    const stored = await new OaTokenStore(
      database.db,
      fake.appId,
      Buffer.from(env.ZALO_OA_TOKEN_KEY!, "hex"),
    ).read();
    expect(fake.isValidAccess(stored!.accessToken)).toBe(true);
    await expect(
      runZaloOaCommand(["exchange", code], env, { db: database.db, out: () => {} }),
    ).rejects.toMatchObject({ code: -14003 });
  });

  it("set-tokens and status; bad input is explained", async () => {
    const env = fake.env();
    const lines: string[] = [];
    const out = (l: string) => void lines.push(l);
    await runZaloOaCommand(["set-tokens", "--access", "a1", "--refresh", "r1", "--expires-in", "3600"], env, {
      db: database.db,
      out,
    });
    await runZaloOaCommand(["status"], env, { db: database.db, out });
    expect(lines.join("\n")).toMatch(/expires \d{4}-/);
    await expect(
      runZaloOaCommand(["set-tokens", "--access", "a1"], env, { db: database.db, out }),
    ).rejects.toThrow(/--refresh/);
    await expect(
      runZaloOaCommand(["set-tokens", "--access", "a", "--refresh", "r", "--expires-in", "soon"], env, {
        db: database.db,
        out,
      }),
    ).rejects.toThrow(/--expires-in/);
    await expect(runZaloOaCommand(["frobnicate"], env, { db: database.db, out })).rejects.toThrow(/Usage/);
    await expect(
      runZaloOaCommand(["status"], { ...env, ZALO_OA_TOKEN_KEY: "short" }, { db: database.db, out }),
    ).rejects.toThrow(/ZALO_OA_TOKEN_KEY/);
    await expect(
      runZaloOaCommand(["status"], { ...env, ZALO_OA_APP_SECRET: "" }, { db: database.db, out }),
    ).rejects.toThrow(/ZALO_OA_APP_SECRET: is required/);
  });
});

describe("the admin panel while the OA needs re-consent", () => {
  let fake: FakeZaloOa;
  let t: TestSystem;
  beforeAll(async () => {
    fake = await new FakeZaloOa().start();
    t = await startTestSystem(fake.env());
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("shows “OA cần cấp quyền lại” to signed-in reviewers only, until a new pair is stored", async () => {
    const key = Buffer.from(t.system.config.zaloOa!.tokenKey);
    const store = new OaTokenStore(t.database.db, fake.appId, key);
    const pair = fake.issuePair();
    await store.save({ accessToken: pair.access, refreshToken: pair.refresh, expiresInS: 90_000 });
    await store.markNeedsReauth("-14019 Invalid refresh token");
    const reviewer = await addReviewer(t.database.db, { name: "Quản Trị Viên", role: "admin" });
    const { url } = await createLoginLink(t.database.db, reviewer.id, t.url, { label: "cli" });
    const cookie = (await fetch(url, { redirect: "manual" })).headers.get("set-cookie")!.split(";")[0]!;
    const page = async () => (await fetch(`${t.url}/admin`, { headers: { cookie } })).text();
    // The banner reads a 30-second cache that an earlier read may have filled; a status read refreshes it.
    expect((await t.system.zaloOa!.status()).state).toBe("needs_reauth");
    expect(await page()).toContain("OA cần cấp quyền lại");
    expect(await (await fetch(`${t.url}/admin/login`)).text()).not.toContain("OA cần cấp quyền lại");
    await store.save({ accessToken: pair.access, refreshToken: pair.refresh, expiresInS: 90_000 });
    // The banner reads a 30-second cache; the status read refreshes it.
    expect((await t.system.zaloOa!.status()).state).toBe("ok");
    expect(await page()).not.toContain("OA cần cấp quyền lại");
  });

  it("the consent callback page shows the exchange command, escaped, and never caches", async () => {
    const res = await fetch(`${t.url}/zalo-oa/callback?code=abc<script>&oa_id=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const page = await res.text();
    expect(page).toContain("npm run zalo-oa -- exchange abc&lt;script&gt;");
    expect((await fetch(`${t.url}/zalo-oa/callback`)).status).toBe(400);
  });
});
