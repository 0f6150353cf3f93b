/**
 * Subscribing and unsubscribing on every channel through its real route (Telegram and Zalo
 * webhooks with their fake platforms, the web chat API), with every phrase in the locales typed
 * with and without diacritics; and the one-time offer after a submission.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscriptionPhrases } from "../../src/announcements/conversation.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { FakeZalo, withoutDiacritics, ZaloUser } from "../support/fake-zalo.js";
import { codeIn, fillNominationUntilSummary } from "../support/nomination.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { SECRET, TelegramUser } from "../channels/telegram/updates.js";

const ZALO_SECRET = "zalo-secret-1";

describe("subscriptions", () => {
  let tg: FakeTelegram;
  let zalo: FakeZalo;
  let t: TestSystem;
  beforeAll(async () => {
    tg = await new FakeTelegram().start();
    zalo = await new FakeZalo().start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: tg.url,
      ZALO_BOT_TOKEN: "123:abc",
      ZALO_WEBHOOK_SECRET: ZALO_SECRET,
      ZALO_API_ROOT: zalo.url,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await tg?.stop();
    await zalo?.stop();
  });

  const topicsOf = async (channel: "telegram" | "zalo" | "webchat", chatId: string | number) => {
    const p = await t.database.db.person.findFirst({
      where: { channel, chatId: String(chatId) },
      include: { subscription: true },
    });
    return p?.subscription?.topics ?? [];
  };

  /** One user per channel, driven by typed text; `say` returns the bot's texts. */
  const channels = {
    telegram: () => {
      const u = new TelegramUser(t.url, tg);
      return { chatId: u.chatId, say: (s: string) => u.say(s, 300) };
    },
    zalo: () => {
      const u = new ZaloUser(t.url, zalo, ZALO_SECRET);
      return { chatId: u.chatId, say: (s: string) => u.say(s, 300) };
    },
    webchat: () => {
      const u = new WebchatUser(t.url);
      // The server issues the web chat's id once the chat is open (after its first message).
      return {
        get chatId() {
          return u.chatId;
        },
        say: async (s: string) => (await u.ask(s, 300)).map((m) => m.text),
      };
    },
  } as const;

  for (const channel of ["telegram", "zalo", "webchat"] as const) {
    it(`on ${channel}: every subscribe and unsubscribe phrase works, with and without diacritics`, async () => {
      const phrases = subscriptionPhrases(t.system.i18n);
      const subscribe = [
        ...phrases.subscribe,
        ...phrases.subscribe.map(withoutDiacritics),
        ...(channel === "telegram" ? ["/nhantin"] : []),
      ];
      const unsubscribe = [
        ...phrases.unsubscribe,
        ...phrases.unsubscribe.map(withoutDiacritics),
        ...(channel === "telegram" ? ["/huynhantin"] : []),
      ];
      expect(subscribe.length).toBeGreaterThanOrEqual(4);
      // A fresh user per pair: one chat typing this fast would (rightly) be asked to slow down.
      for (let i = 0; i < Math.max(subscribe.length, unsubscribe.length); i++) {
        const u = channels[channel]();
        const s = subscribe[i % subscribe.length]!;
        const question = (await u.say(s)).join("\n");
        expect(question, s).toMatch(/chủ đề|muốn nhận|which topics/i);
        const done = (await u.say(i % 2 ? "tất cả" : "1")).join("\n");
        expect(done, s).toMatch(/Đã đăng ký nhận tin/);
        expect((await topicsOf(channel, u.chatId)).sort(), s).toEqual([
          "deadlines",
          "movement",
          "role_models",
        ]);

        const x = unsubscribe[i % unsubscribe.length]!;
        expect((await u.say(x)).join("\n"), x).toMatch(/Đã hủy nhận tin/);
        expect(await topicsOf(channel, u.chatId), x).toEqual([]);
      }
    }, 240_000);
  }

  it("subscribes to one topic by naming it, and adds topics", async () => {
    const u = channels.zalo();
    expect((await u.say("nhan tin han nop")).join("\n")).toMatch(/Đã đăng ký nhận tin: Hạn nộp/);
    expect(await topicsOf("zalo", u.chatId)).toEqual(["deadlines"]);
    await u.say("nhận tin");
    expect((await u.say("gương điển hình")).join("\n")).toMatch(/Hạn nộp, Gương điển hình/);
    expect((await topicsOf("zalo", u.chatId)).sort()).toEqual(["deadlines", "role_models"]);
    // Unsubscribing when not subscribed still gets a clear answer.
    await u.say("huy nhan tin");
    expect((await u.say("huy nhan tin")).join("\n")).toMatch(/không đăng ký nhận tin/);
  });

  it("Telegram: /nhantin shows the topics as buttons, and a press subscribes", async () => {
    const u = new TelegramUser(t.url, tg);
    await u.say("/nhantin");
    const done = await u.press(/Tin phong trào/);
    expect(done.join("\n")).toMatch(/Đã đăng ký nhận tin: Tin phong trào/);
    expect(await topicsOf("telegram", u.chatId)).toEqual(["movement"]);
  });

  describe("the offer after a submission", () => {
    const nominate = async (u: WebchatUser, nominee: string) => {
      // A fresh flood-protection window (20 messages per 10 s): a nomination takes 12.
      await new Promise((r) => setTimeout(r, 10_050 - (Date.now() % 10_000)));
      await fillNominationUntilSummary(u, { nominee }, 100);
      const replies = await u.ask("xác nhận", 500);
      expect(codeIn(replies)).toBeTruthy();
      return replies.map((r) => r.text).join("\n");
    };

    it("is made once; refused, it is never made again", async () => {
      const u = new WebchatUser(t.url);
      expect(await nominate(u, "Lò Văn Một")).toMatch(/có muốn nhận tin/);
      expect((await u.ask("Không, cảm ơn")).map((m) => m.text).join("\n")).toMatch(/không hỏi lại/);
      expect(await nominate(u, "Lò Văn Hai")).not.toMatch(/có muốn nhận tin/);
      expect(await topicsOf("webchat", u.chatId)).toEqual([]);
    }, 60_000);

    it("ignored, it is not repeated either", async () => {
      const u = new WebchatUser(t.url);
      expect(await nominate(u, "Lò Văn Ba")).toMatch(/có muốn nhận tin/);
      await u.ask("chỉ tiêu cấp xã là gì");
      expect(await nominate(u, "Lò Văn Bốn")).not.toMatch(/có muốn nhận tin/);
    }, 60_000);

    it("accepted with a topic, it subscribes to that topic", async () => {
      const u = new WebchatUser(t.url);
      await nominate(u, "Lò Văn Năm");
      expect((await u.ask("han nop")).map((m) => m.text).join("\n")).toMatch(/Đã đăng ký nhận tin: Hạn nộp/);
      expect(await topicsOf("webchat", u.chatId)).toEqual(["deadlines"]);
    }, 60_000);
  });
});
