/**
 * An admin resends an announcement to its "uncertain" recipients (a worker died during their
 * platform call), through the panel's HTTP route, against the real system (its own dispatcher),
 * PostgreSQL, Redis and a fake Telegram over HTTP.
 *
 * The crash is set up as a SIGKILLed worker leaves it: its claimed rows with a lapsed lease, an
 * "attempt" marker on the sends that were in flight and an "accepted" marker on those the platform
 * had accepted before the outcome reached PostgreSQL. The live dispatcher's reap path resolves
 * them (accepted → sent, in flight → uncertain, the rest → pending and sent), then the admin
 * decides to resend.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announcementProgress } from "../../src/announcements/index.js";
import { announcementKeys } from "../../src/announcements/keys.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { eventually } from "../review/fixtures.js";
import { seedSubscribers, signIn } from "./support.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("resending to the recipients whose delivery is unknown", () => {
  let tg: FakeTelegram;
  let t: TestSystem;
  beforeAll(async () => {
    tg = await new FakeTelegram().start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_WEBHOOK_SECRET: "s3cret-s3cret",
      TELEGRAM_API_ROOT: tg.url,
      TELEGRAM_MAX_PER_SECOND: "200",
    });
  });
  afterAll(async () => {
    await t?.stop();
    await tg?.stop();
  });
  const db = () => t.database.db;
  /** How many times each chat received the announcement tagged `tag` at the fake platform. */
  const received = (tag: string) => {
    const per = new Map<string, number>();
    for (const c of tg.callsOf("sendMessage"))
      if (String(c.body.text).includes(tag))
        per.set(String(c.body.chat_id), (per.get(String(c.body.chat_id)) ?? 0) + 1);
    return per;
  };

  /**
   * A running announcement to `chats` whose worker was killed holding every row: the first
   * `inFlight` were in the platform call, the next `acceptedUnflushed` had been accepted.
   * `cancelled`: the admin cancelled it right after the kill (before the rows were resolved).
   */
  async function crashedBroadcast(
    tag: string,
    chats: string[],
    inFlight: number,
    acceptedUnflushed: number,
    cancelled = false,
  ) {
    const a = await db().announcement.create({
      data: {
        text: `${tag} Hạn nộp hồ sơ là 30/6/2026.`,
        topics: ["deadlines"],
        channels: ["telegram"],
        status: "draft",
        createdBy: "test",
      },
    });
    const rows = await db().$transaction(async (tx) => {
      await tx.$executeRaw`update "Announcement" set status = 'sending', "startedAt" = now() where id = ${a.id}::uuid`;
      await tx.$executeRaw`
        insert into "AnnouncementDelivery" ("announcementId", "personId", channel, state, "claimedBy", "leaseUntil")
        select ${a.id}::uuid, p.id, p.channel, 'claimed', 'w-killed', now() - interval '1 minute'
          from "Person" p where p.channel = 'telegram' and p."chatId" = any(${chats}::text[])`;
      const rows = await tx.$queryRaw<Array<{ id: bigint; chatId: string; personId: string }>>`
        select d.id, p."chatId", p.id as "personId" from "AnnouncementDelivery" d join "Person" p on p.id = d."personId"
         where d."announcementId" = ${a.id}::uuid order by d.id`;
      // The markers exist before the rows can be seen: as the killed worker left them.
      const redis = t.system.redis;
      for (const [i, r] of rows.entries()) {
        if (i < inFlight + acceptedUnflushed)
          await redis.set(announcementKeys.attempt(t.prefix, String(r.id)), "1", "EX", 3_600);
        if (i >= inFlight && i < inFlight + acceptedUnflushed)
          await redis.set(announcementKeys.accepted(t.prefix, String(r.id)), "1", "EX", 3_600);
      }
      if (cancelled) {
        await redis.set(announcementKeys.cancelled(t.prefix, a.id), "1", "EX", 3_600);
        await tx.$executeRaw`update "Announcement" set status = 'cancelled', "cancelledAt" = now() where id = ${a.id}::uuid`;
      }
      return rows;
    });
    return {
      id: a.id,
      uncertain: rows.slice(0, inFlight),
      acceptedBeforeCrash: rows.slice(inFlight, inFlight + acceptedUnflushed),
      sentAfterCrash: rows.slice(inFlight + acceptedUnflushed),
    };
  }

  const progress = (id: string) => announcementProgress(db(), id);
  const done = (id: string) =>
    eventually(async () => ((await progress(id))?.status === "done" ? progress(id) : undefined), 20_000);
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);
  const states = async (id: string) =>
    (
      await db().announcementDelivery.findMany({
        where: { announcementId: id },
        select: { state: true, reason: true, resentAt: true, person: { select: { chatId: true } } },
      })
    ).reduce(
      (m, { person, ...row }) => m.set(person.chatId, row),
      new Map<string, { state: string; reason: string | null; resentAt: Date | null }>(),
    );

  it("sends once more to exactly those recipients, on the admin's confirmed decision, with an audit row; a second press does nothing", async () => {
    const tag = "#resend-a";
    const chats = await seedSubscribers(db(), {
      channel: "telegram",
      count: 30,
      chatBase: 6_100_000,
      topics: ["deadlines"],
    });
    const crash = await crashedBroadcast(tag, chats, 5, 3);
    const p0 = (await done(crash.id))!;
    // The reap path: in flight → uncertain, accepted → sent, never attempted → sent by the live worker.
    expect(p0).toMatchObject({ total: 30, sent: 25, uncertain: 5, resendable: 5, remaining: 0 });
    expect(p0.unreached).toEqual([
      { channel: "telegram", state: "uncertain", reason: "worker_stopped_during_send", count: 5 },
    ]);
    const before = received(tag);
    for (const r of crash.sentAfterCrash) expect(before.get(r.chatId), r.chatId).toBe(1);
    for (const r of [...crash.uncertain, ...crash.acceptedBeforeCrash])
      expect(before.get(r.chatId)).toBeUndefined();

    // One of the uncertain recipients unsubscribed since: not sent to by the resend.
    const quitter = crash.uncertain[4]!;
    await t.system.subscriptions.unsubscribe(quitter.personId);

    const admin = await signIn(db(), t.url, "admin");
    const page = `/admin/announcements/${crash.id}`;
    // The report per channel with the reason, and the action beside it with its warning.
    const html = await (await admin.get(page)).text();
    expect(html).toContain("Máy gửi dừng đột ngột đúng lúc gửi");
    expect(html).toMatch(/<td>Telegram<\/td><td>[^<]*<\/td><td>5<\/td>/);
    expect(html).toContain("Gửi lại cho 5 người nhận chưa rõ đã nhận");
    expect(html).toContain("một số người có thể nhận thông báo hai lần");
    expect(html).toContain(`action="${page}/resend"`);

    const unchanged = async () => {
      expect((await progress(crash.id))!).toMatchObject({ status: "done", uncertain: 5, resendable: 5 });
      expect(await db().auditLog.count({ where: { subjectId: crash.id, action: "resend_uncertain" } })).toBe(
        0,
      );
    };
    // No CSRF token: refused.
    expect((await admin.post(`${page}/resend`, form({ confirm: "1" }))).status).toBe(403);
    // A wrong one: refused.
    expect((await admin.post(`${page}/resend`, form({ _csrf: "x".repeat(43), confirm: "1" }))).status).toBe(
      403,
    );
    // A reviewer who is not an admin, with their own valid token: refused.
    const reviewer = await signIn(db(), t.url, "reviewer");
    expect((await reviewer.get(page)).status).toBe(403);
    const reviewerCsrf = await reviewer.csrf(page);
    expect((await reviewer.post(`${page}/resend`, form({ _csrf: reviewerCsrf, confirm: "1" }))).status).toBe(
      403,
    );
    await unchanged();

    // First step: a confirmation page that names the number, the channel and the risk; nothing happens yet.
    const csrf = await admin.csrf(page);
    const ask = await admin.post(`${page}/resend`, form({ _csrf: csrf }));
    expect(ask.status).toBe(200);
    const confirmPage = await ask.text();
    expect(confirmPage).toContain("gửi lại thông báo cho 5 người nhận chưa rõ đã nhận?");
    expect(confirmPage).toContain("một số người có thể nhận thông báo hai lần");
    expect(confirmPage).toContain("Telegram: 5");
    expect(confirmPage).toContain('name="confirm" value="1"');
    await sleep(300);
    await unchanged();

    // Confirmed.
    const res = await admin.post(`${page}/resend`, form({ _csrf: csrf, confirm: "1" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${page}?notice=resent&count=4`);
    const p1 = (await done(crash.id))!;
    expect(p1).toMatchObject({
      total: 30,
      sent: 29,
      skipped: 1,
      uncertain: 0,
      resendable: 0,
      resent: 4,
      remaining: 0,
    });
    const after = received(tag);
    for (const r of crash.uncertain.slice(0, 4)) expect(after.get(r.chatId), r.chatId).toBe(1);
    expect(after.get(quitter.chatId)).toBeUndefined();
    for (const r of crash.acceptedBeforeCrash) expect(after.get(r.chatId)).toBeUndefined();
    for (const r of crash.sentAfterCrash) expect(after.get(r.chatId), r.chatId).toBe(1);
    const rows = await states(crash.id);
    for (const r of crash.uncertain.slice(0, 4))
      expect(rows.get(r.chatId)).toEqual({ state: "sent", reason: null, resentAt: expect.any(Date) });
    expect(rows.get(quitter.chatId)).toEqual({ state: "skipped", reason: "unsubscribed", resentAt: null });

    // The audit row names the admin and what was done.
    const audit = await db().auditLog.findMany({
      where: { subjectType: "announcement", subjectId: crash.id },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "resend_uncertain",
      reviewerId: admin.admin.id,
      actor: admin.admin.name,
    });
    expect(audit[0]!.note).toContain("requeued=4");
    expect(audit[0]!.note).toContain("skipped_unsubscribed=1");
    // The page counts them normally, and offers no second resend.
    const later = await (await admin.get(`${page}?notice=resent&count=4`)).text();
    expect(later).toContain("Đã đưa 4 người nhận vào hàng gửi lại");
    expect(later).toMatch(/Đã gửi: 29/);
    expect(later).not.toContain("Gửi lại cho");

    // A second press (a stale page, a double click): nothing is sent, nothing is logged.
    const again = await admin.post(`${page}/resend`, form({ _csrf: csrf, confirm: "1" }));
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe(`${page}?notice=resend_none`);
    const askAgain = await admin.post(`${page}/resend`, form({ _csrf: csrf }));
    expect(askAgain.headers.get("location")).toBe(`${page}?notice=resend_none`);
    await sleep(1_500);
    expect(received(tag)).toEqual(after);
    expect(await db().auditLog.count({ where: { subjectId: crash.id, action: "resend_uncertain" } })).toBe(1);
    expect((await progress(crash.id))!.status).toBe("done");
  }, 60_000);

  it("is not offered for a cancelled announcement, nor twice for a row that was already resent", async () => {
    const admin = await signIn(db(), t.url, "admin");
    // A cancelled announcement with uncertain rows.
    const tag = "#resend-b";
    const chats = await seedSubscribers(db(), {
      channel: "telegram",
      count: 6,
      chatBase: 6_200_000,
      topics: ["deadlines"],
    });
    const crash = await crashedBroadcast(tag, chats, 6, 0, true);
    await eventually(async () => (await progress(crash.id))!.uncertain === 6, 20_000);
    const page = `/admin/announcements/${crash.id}`;
    expect(await (await admin.get(page)).text()).not.toContain("Gửi lại cho");
    const csrf = await admin.csrf(page);
    const res = await admin.post(`${page}/resend`, form({ _csrf: csrf, confirm: "1" }));
    expect(res.headers.get("location")).toBe(`${page}?notice=resend_refused`);
    expect(await (await admin.get(`${page}?notice=resend_refused`)).text()).toContain("không gửi lại được");
    await sleep(1_500);
    expect(received(tag).size).toBe(0);
    expect((await progress(crash.id))!).toMatchObject({ status: "cancelled", uncertain: 6 });
    expect(await db().auditLog.count({ where: { subjectId: crash.id } })).toBe(0);

    // A row that became uncertain again during its resend: reported as such, never offered again.
    const tag2 = "#resend-c";
    const chats2 = await seedSubscribers(db(), {
      channel: "telegram",
      count: 2,
      chatBase: 6_300_000,
      topics: ["deadlines"],
    });
    const again = await crashedBroadcast(tag2, chats2, 2, 0);
    await done(again.id);
    await db().announcementDelivery.updateMany({
      where: { announcementId: again.id },
      data: { resentAt: new Date() },
    });
    const p = (await progress(again.id))!;
    expect(p).toMatchObject({ uncertain: 2, resendable: 0, resent: 2 });
    expect(p.unreached).toEqual([
      { channel: "telegram", state: "uncertain", reason: "worker_stopped_during_resend", count: 2 },
    ]);
    const page2 = `/admin/announcements/${again.id}`;
    const html = await (await admin.get(page2)).text();
    expect(html).toContain("đã gửi lại một lần nên không gửi lại nữa");
    expect(html).not.toContain("Gửi lại cho");
    const res2 = await admin.post(`${page2}/resend`, form({ _csrf: csrf, confirm: "1" }));
    expect(res2.headers.get("location")).toBe(`${page2}?notice=resend_none`);
    await sleep(1_500);
    expect(received(tag2).size).toBe(0);
    expect(await db().auditLog.count({ where: { subjectId: again.id } })).toBe(0);
  }, 60_000);
});
