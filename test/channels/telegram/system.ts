/**
 * The system with Telegram on, talking to a fresh fake Bot API over HTTP, for the enclosing
 * `describe`: started before its tests and stopped after them. Read `fake`/`t` inside tests.
 *
 * @example const tg = useTelegramSystem({ DIRECT_REPLIES: "false" }); … new TelegramUser(tg.t.url, tg.fake)
 */
import { afterAll, beforeAll } from "vitest";
import { FakeTelegram } from "../../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { SECRET } from "./updates.js";

export function useTelegramSystem(env: Record<string, string> = {}): { fake: FakeTelegram; t: TestSystem } {
  const ctx = {} as { fake: FakeTelegram; t: TestSystem };
  beforeAll(async () => {
    ctx.fake = await new FakeTelegram().start();
    ctx.t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: ctx.fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: ctx.fake.url,
      ...env,
    });
  });
  afterAll(async () => {
    await ctx.t?.stop();
    await ctx.fake?.stop();
  });
  return ctx;
}
