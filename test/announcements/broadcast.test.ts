/**
 * Announcements end to end: composed in the admin panel (preview, send), delivered once to every
 * subscriber of its topics on Telegram, Zalo and the web chat through their fakes, with blocked
 * users, Zalo's quota, an unsubscription in the middle, cancel within a second, and replies that
 * flow into the ordinary conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  announcementProgress,
  cancelAnnouncement,
  createAnnouncement,
} from "../../src/announcements/index.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { FakeZalo, ZaloUser } from "../support/fake-zalo.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { postUpdate, SECRET, TelegramUser, textUpdate } from "../channels/telegram/updates.js";
import { eventually } from "../review/fixtures.js";
import { seedSubscribers, signInAdmin } from "./support.js";

const ZALO_SECRET = "zalo-secret-1";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("announcements", () => {
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
      // A test server may go faster than Telegram's 30/s; the cancel test needs a broadcast that lasts.
      TELEGRAM_MAX_PER_SECOND: "200",
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
  const db = () => t.database.db;
  const sendsTo = (chatId: string | number) =>
    tg.calls.filter(
      (c) =>
        c.method === "sendMessage" &&
        String(c.body.chat_id) === String(chatId) &&
        String(c.body.text).includes("#ann"),
    );
  const done = (id: string, timeoutMs = 30_000) =>
    eventually(
      async () =>
        (await announcementProgress(db(), id))?.status === "done"
          ? announcementProgress(db(), id)
          : undefined,
      timeoutMs,
    );

  it("is composed, previewed and sent from the admin panel to every channel's subscribers of its topics, once each", async () => {
    const tgUser = new TelegramUser(t.url, tg);
    const zaloUser = new ZaloUser(t.url, zalo, ZALO_SECRET);
    const webUser = new WebchatUser(t.url);
    const other = new WebchatUser(t.url); // subscribed to another topic only
    await tgUser.say("nhan tin han nop");
    await zaloUser.say("nhận tin");
    await zaloUser.say("1");
    await webUser.ask("nhận tin hạn nộp");
    await other.ask("nhận tin gương điển hình");

    const admin = await signInAdmin(db(), t.url);
    const form = (step: string) =>
      new URLSearchParams([
        ["_csrf", ""],
        ["step", step],
        ["text", "#ann Hạn nộp hồ sơ đề cử là 30/6/2026."],
        ["topics", "deadlines"],
        ["channels", "telegram"],
        ["channels", "zalo"],
        ["channels", "webchat"],
      ]);
    const csrf = await admin.csrf();
    const preview = form("preview");
    preview.set("_csrf", csrf);
    const page = await (await admin.post("/admin/announcements", preview)).text();
    expect(page).toMatch(/Sẽ gửi tới <b>3<\/b> người đăng ký/);
    expect(page).toContain("Gõ “hủy nhận tin” để dừng");
    const send = form("send");
    send.set("_csrf", csrf);
    const res = await admin.post("/admin/announcements", send);
    expect(res.status).toBe(303);
    const id = res.headers.get("location")!.split("/").pop()!;
    const p = await done(id);
    expect(p).toMatchObject({ total: 3, sent: 3, failed: 0, remaining: 0 });

    expect(sendsTo(tgUser.chatId)).toHaveLength(1);
    expect(zalo.textsTo(zaloUser.chatId).filter((x) => x.includes("#ann"))).toHaveLength(1);
    const webTexts = (await webUser.next(1)).map((m) => m.text);
    expect(webTexts.join("\n")).toContain("#ann");
    await sleep(300);
    expect((await other.next(0)).map((m) => m.text).join("\n")).not.toContain("#ann");
    // The progress page and the audit trail.
    expect(await (await admin.get(`/admin/announcements/${id}`)).text()).toMatch(/Đã gửi: 3/);
    expect(
      await db().auditLog.count({ where: { subjectType: "announcement", subjectId: id, action: "send" } }),
    ).toBe(1);

    // A reply to the announcement is an ordinary message: the conversation answers it.
    expect((await webUser.ask("menu")).map((m) => m.text).join("\n")).toMatch(/cần hỗ trợ gì|Chọn một mục/);
  });

  it("reports who was not reached and why: blocked on Telegram, Zalo's quota spent (not retried)", async () => {
    const tgChats = await seedSubscribers(db(), { channel: "telegram", count: 3, chatBase: 7_100_000 });
    const zaloChats = await seedSubscribers(db(), {
      channel: "zalo",
      count: 4,
      chatPrefix: "zq",
      chatBase: 1,
    });
    tg.scriptFor(
      "sendMessage",
      tgChats[1]!,
      FakeTelegram.error(403, "Forbidden: bot was blocked by the user"),
    );
    // Zalo says 429 (quota) on the first send: no Zalo recipient is retried after that.
    zalo.failNext(
      "sendMessage",
      { status: 429, body: { ok: false, error_code: 429, description: "Quota exceeded" } },
      1,
    );
    const before = zalo.callsOf("sendMessage").length;
    const { id } = await createAnnouncement(
      db(),
      { text: "#ann Tin phong trào tuần này", topics: ["movement"], channels: ["telegram", "zalo"] },
      "test",
    );
    const p = (await done(id))!;
    expect(p.unreached).toEqual(
      expect.arrayContaining([
        { channel: "telegram", state: "failed", reason: "blocked", count: 1 },
        { channel: "zalo", state: "failed", reason: "quota_exceeded", count: expect.any(Number) },
      ]),
    );
    // Only the sends in flight when the 429 came could still go out; nothing was retried.
    const zaloRecipients = await db().announcementDelivery.count({
      where: { announcementId: id, channel: "zalo" },
    });
    expect(zaloRecipients).toBeGreaterThanOrEqual(zaloChats.length);
    expect(zalo.callsOf("sendMessage").length - before).toBeLessThanOrEqual(zaloRecipients);
    const quota = p.unreached.find((u) => u.reason === "quota_exceeded")!;
    expect(p.sent + quota.count + 1).toBe(p.total);
    expect(
      (await db().person.findFirst({ where: { channel: "telegram", chatId: tgChats[1] } }))!.unreachableAt,
    ).not.toBeNull();

    // The next announcement skips the blocked person up front, with the reason.
    const next = await createAnnouncement(
      db(),
      { text: "#ann again", topics: ["movement"], channels: ["telegram"] },
      "test",
    );
    const q = (await done(next.id))!;
    expect(q.unreached).toEqual(
      expect.arrayContaining([{ channel: "telegram", state: "skipped", reason: "blocked", count: 1 }]),
    );
  });

  it("stops within a second when cancelled, and honours an unsubscription in the middle at once", async () => {
    // 1,500 recipients at 200/s: about 7.5 s of sending.
    const chats = await seedSubscribers(db(), {
      channel: "telegram",
      count: 1_500,
      topics: ["role_models"],
      chatBase: 7_200_000,
    });
    const { id } = await createAnnouncement(
      db(),
      { text: "#ann Gương điển hình tháng 11", topics: ["role_models"], channels: ["telegram"] },
      "test",
    );
    await eventually(async () => (await announcementProgress(db(), id))!.sent >= 200, 20_000);
    // The recipient whose turn comes last types “hủy nhận tin” on Telegram, through the webhook.
    const [last] = await db().$queryRaw<Array<{ chatId: string }>>`
      select p."chatId" from "AnnouncementDelivery" d join "Person" p on p.id = d."personId" where d."announcementId" = ${id}::uuid and d.state = 'pending' order by d.id desc limit 1`;
    const late = last!.chatId;
    expect((await postUpdate(t.url, textUpdate(Number(late), "hủy nhận tin"))).status).toBe(200);
    await eventually(
      async () => tg.callsOf("sendMessage", late).some((c) => /Đã hủy nhận tin/.test(String(c.body.text))),
      10_000,
    );
    await sleep(500);
    const cancelAt = Date.now();
    await cancelAnnouncement(db(), t.system.redis, t.prefix, id);
    await sleep(2_000);
    const annSends = tg.calls.filter(
      (c) => c.method === "sendMessage" && String(c.body.text).includes("Gương điển hình tháng 11"),
    );
    const afterASecond = annSends.filter((c) => c.at > cancelAt + 1_000);
    expect(afterASecond).toHaveLength(0);
    expect(annSends.length).toBeLessThan(1_500);
    expect(sendsTo(late)).toHaveLength(0);
    expect(
      await db().announcementDelivery.findFirst({
        where: { announcementId: id, person: { chatId: late } },
        select: { state: true, reason: true },
      }),
    ).toEqual({ state: "skipped", reason: "unsubscribed" });
    const p = (await announcementProgress(db(), id))!;
    expect(p.status).toBe("cancelled");
    expect(p.remaining).toBe(0);
    expect(p.sent).toBe(annSends.length);
    expect(p.cancelled + p.sent + p.skipped).toBe(p.total);
    // Every chat got it at most once.
    const perChat = new Map<string, number>();
    for (const c of annSends)
      perChat.set(String(c.body.chat_id), (perChat.get(String(c.body.chat_id)) ?? 0) + 1);
    expect(Math.max(...perChat.values())).toBe(1);
  }, 60_000);

  it("a scheduled announcement starts at its time", async () => {
    const chats = await seedSubscribers(db(), {
      channel: "webchat",
      count: 2,
      chatPrefix: "sched-",
      topics: ["deadlines"],
    });
    const { id, status } = await createAnnouncement(
      db(),
      {
        text: "#ann hẹn giờ",
        topics: ["deadlines"],
        channels: ["webchat"],
        sendAt: new Date(Date.now() + 1_500),
      },
      "test",
    );
    expect(status).toBe("scheduled");
    await sleep(500);
    expect((await announcementProgress(db(), id))!.total).toBe(0);
    const p = (await done(id))!;
    expect(p.sent).toBeGreaterThanOrEqual(chats.length);
  });
});
