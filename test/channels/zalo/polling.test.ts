import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { FakeZalo, zaloTextEvent } from "../../support/fake-zalo.js";
import { loadLocales } from "../../../src/i18n/locales.js";

const i18n = loadLocales(fileURLToPath(new URL("../../../locales", import.meta.url)));
/** The greeting a first "xin chào" gets: the welcome, then the main menu as a numbered list. */
const greeting = [
  i18n.t("vi", "conversation.welcome"),
  i18n.t("vi", "conversation.menu.title"),
  i18n.t("vi", "zalo.choose_by_number"),
];

describe("Zalo in polling mode (development)", () => {
  let fake: FakeZalo;
  let t: TestSystem;
  beforeAll(async () => {
    fake = await new FakeZalo().start();
    fake.idlePollMs = 100;
    t = await startTestSystem({ ZALO_BOT_TOKEN: "123:abc", ZALO_MODE: "polling", ZALO_API_ROOT: fake.url });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("deletes the webhook first, then answers polled updates through the same queues", async () => {
    const first = fake.calls.findIndex((c) => c.method === "deleteWebhook");
    const poll = fake.calls.findIndex((c) => c.method === "getUpdates");
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(poll === -1 ? Infinity : poll);
    fake.pushUpdate(zaloTextEvent({ chatId: "poll-chat", text: "xin chào", messageId: "poll-1" }));
    const texts = await fake.nextTexts("poll-chat", 0);
    for (const line of greeting) expect(texts.join("\n")).toContain(line);
  });

  it("keeps polling after idle polls (408) and errors", async () => {
    fake.failNext("getUpdates", { status: 502, body: "Bad Gateway" });
    await new Promise((r) => setTimeout(r, 1_500));
    fake.pushUpdate({
      ok: true,
      result: zaloTextEvent({ chatId: "poll-chat-2", text: "xin chào", messageId: "poll-2" }),
    });
    expect((await fake.nextTexts("poll-chat-2", 0, 1, 200, 10_000)).join("\n")).toContain(
      i18n.t("vi", "conversation.welcome"),
    );
  });

  it("has no webhook route in polling mode", async () => {
    expect(
      (
        await fetch(`${t.url}/webhooks/zalo`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
      ).status,
    ).toBe(404);
  });
});
