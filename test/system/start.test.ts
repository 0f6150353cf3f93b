import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { i18n } from "../conversation/support.js";

describe("the system as started by npm start", () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("is live and ready when PostgreSQL and Redis answer", async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ postgres: "ok", redis: "ok" });
  });

  it("serves the web chat page with security headers and a request id", async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Chuyển đổi số");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  it("sends browser security headers on every page, and none on the platforms' webhook calls", async () => {
    for (const path of ["/", "/chat", "/admin", "/chat/assets/chat.js", "/no-such-page"]) {
      const res = await fetch(`${t.url}${path}`, { redirect: "manual" });
      expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
    const hook = await fetch(`${t.url}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(hook.headers.get("content-security-policy")).toBeNull();
    expect(hook.headers.get("x-request-id")).toBeTruthy();
  });

  it("answers a web chat message through the queues", async () => {
    const user = new WebchatUser(t.url);
    const replies = await user.ask("xin chào");
    const menu = replies.at(-1)!;
    expect(menu.text).toContain(i18n.t("vi", "conversation.welcome"));
    expect(menu.text).toContain(i18n.t("vi", "conversation.menu.title"));
    expect(menu.choices!.map((c) => c.label)).toEqual(
      expect.arrayContaining([
        i18n.t("vi", "conversation.menu.nominate"),
        i18n.t("vi", "conversation.menu.selfreport"),
        i18n.t("vi", "conversation.menu.status"),
      ]),
    );
  });

  it("rejects a malformed web chat message with 400 and a tiny body limit with 413", async () => {
    const bad = await fetch(`${t.url}/chat/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(bad.status).toBe(400);
    const big = await fetch(`${t.url}/chat/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "x".repeat(40_000) }),
    });
    expect(big.status).toBe(413);
  });

  it("records each migration once: a second start applies nothing", async () => {
    const { applyMigrations } = await import("../../src/db/migrate.js");
    expect(await applyMigrations(t.database.url)).toEqual([]);
  });
});
