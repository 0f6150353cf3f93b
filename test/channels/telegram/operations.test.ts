import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { newChatId, textUpdate } from "./updates.js";

const run = promisify(execFile);

describe("long polling for development (TELEGRAM_MODE=polling)", () => {
  let fake: FakeTelegram;
  let t: TestSystem;

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_MODE: "polling",
      TELEGRAM_API_ROOT: fake.url,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("removes the webhook, then answers updates fetched with getUpdates", async () => {
    await fake.waitFor("deleteWebhook");
    const chat = newChatId();
    fake.pushUpdate(textUpdate(chat, "xin chào"));
    await fake.waitFor("sendMessage", { chatId: chat, timeoutMs: 15_000 });
    const polls = fake.callsOf("getUpdates");
    expect(polls[0]!.body).toMatchObject({
      timeout: 25,
      allowed_updates: ["message", "edited_message", "callback_query", "my_chat_member"],
    });
  });

  it("has no webhook route in polling mode", async () => {
    const res = await fetch(`${t.url}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(404);
  });
});

describe("npm run telegram:webhook", () => {
  let fake: FakeTelegram;
  const env = (extra: Record<string, string>) => ({
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    TELEGRAM_BOT_TOKEN: "123:abc",
    TELEGRAM_WEBHOOK_SECRET: "s3cret-s3cret",
    TELEGRAM_API_ROOT: fake.url,
    ...extra,
  });
  const cli = (args: string[], extra: Record<string, string>) =>
    run(process.execPath, ["--import", "tsx", "src/cli/telegram-webhook.ts", ...args], { env: env(extra) });

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it("set: points Telegram at PUBLIC_URL with the secret and publishes the command menu in vi and en", async () => {
    const { stdout } = await cli(["set"], { PUBLIC_URL: "https://bot.example.vn" });
    expect(stdout).toContain("https://bot.example.vn/webhooks/telegram");
    expect(fake.callsOf("setWebhook")[0]!.body).toMatchObject({
      url: "https://bot.example.vn/webhooks/telegram",
      secret_token: "s3cret-s3cret",
      allowed_updates: ["message", "edited_message", "callback_query", "my_chat_member"],
      max_connections: 40,
      drop_pending_updates: false,
    });
    const menus = fake.callsOf("setMyCommands");
    expect(menus).toHaveLength(2);
    const vi = menus.find((m) => m.body.language_code === undefined)!.body.commands as Array<{
      command: string;
      description: string;
    }>;
    const en = menus.find((m) => m.body.language_code === "en")!.body.commands as Array<{
      command: string;
      description: string;
    }>;
    expect(vi.map((c) => c.command)).toEqual([
      "start",
      "menu",
      "hoi",
      "decu",
      "tudanhgia",
      "trangthai",
      "cauhoi",
      "xephang",
      "nhantin",
      "huynhantin",
      "huy",
      "ngonngu",
      "help",
    ]);
    expect(en.map((c) => c.command)).toEqual(vi.map((c) => c.command));
    expect(vi.find((c) => c.command === "decu")!.description).toContain("Đề cử");
  });

  it("set: refuses a PUBLIC_URL that is not https, with a clear message", async () => {
    const err = (await cli(["set"], { PUBLIC_URL: "http://bot.example.vn" }).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(1);
    expect(err.stderr).toContain("https://");
  });

  it("info and delete talk to the configured API root", async () => {
    const { stdout } = await cli(["info"], {});
    expect(stdout).toContain("pending_update_count");
    await cli(["delete"], {});
    expect(fake.callsOf("deleteWebhook")).toHaveLength(1);
  });
});
