import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runZaloWebhookCommand } from "../../../src/cli/zalo-webhook.js";
import { ConfigError } from "../../../src/config/schema.js";
import { FakeZalo } from "../../support/fake-zalo.js";

describe("npm run zalo:webhook", () => {
  let fake: FakeZalo;
  let env: Record<string, string>;
  let lines: string[];
  const out = (l: string) => void lines.push(l);
  beforeAll(async () => {
    fake = await new FakeZalo().start();
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.reset();
    lines = [];
    env = {
      ZALO_BOT_TOKEN: "123:abc",
      ZALO_API_ROOT: fake.url,
      ZALO_WEBHOOK_SECRET: "zalo-secret-1",
      PUBLIC_URL: "https://bot.example.gov.vn/",
    };
  });

  it("set points Zalo at PUBLIC_URL/webhooks/zalo with the secret token", async () => {
    await runZaloWebhookCommand(["set"], env, out);
    expect(fake.callsOf("setWebhook").map((c) => c.body)).toEqual([
      { url: "https://bot.example.gov.vn/webhooks/zalo", secret_token: "zalo-secret-1" },
    ]);
    expect(lines.join("\n")).toContain("https://bot.example.gov.vn/webhooks/zalo");
  });

  it("info and delete call getWebhookInfo and deleteWebhook", async () => {
    await runZaloWebhookCommand(["info"], env, out);
    await runZaloWebhookCommand(["delete"], env, out);
    expect(fake.calls.map((c) => c.method)).toEqual(["getWebhookInfo", "deleteWebhook"]);
  });

  it("says what is wrong with the secret, the address or the command", async () => {
    await expect(
      runZaloWebhookCommand(["set"], { ...env, ZALO_WEBHOOK_SECRET: "short" }, out),
    ).rejects.toThrow(ConfigError);
    await expect(
      runZaloWebhookCommand(["set"], { ...env, ZALO_WEBHOOK_SECRET: "short" }, out),
    ).rejects.toThrow(/ZALO_WEBHOOK_SECRET: must be 8–256 characters/);
    await expect(
      runZaloWebhookCommand(["set"], { ...env, ZALO_WEBHOOK_SECRET: "x".repeat(257) }, out),
    ).rejects.toThrow(/8–256/);
    await expect(
      runZaloWebhookCommand(["set"], { ...env, PUBLIC_URL: "http://bot.example.gov.vn" }, out),
    ).rejects.toThrow(/https/);
    await expect(runZaloWebhookCommand(["set"], { ...env, PUBLIC_URL: "" }, out)).rejects.toThrow(
      /PUBLIC_URL is not set/,
    );
    await expect(runZaloWebhookCommand(["frobnicate"], env, out)).rejects.toThrow(/Usage/);
    expect(fake.calls).toEqual([]);
  });
});
