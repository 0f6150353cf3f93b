import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { callbackUpdate, newChatId, postUpdate, SECRET, textUpdate } from "../channels/telegram/updates.js";
import { addReviewer } from "../../src/review/reviewers.js";
import { decideNomination } from "../../src/review/decisions.js";
import { eventually, submitNomination } from "./fixtures.js";

const REVIEW_GROUP = "-1001234567";

describe("reviewing nominations from Telegram cards", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  let lan: { id: string; name: string };
  let minh: { id: string; name: string };
  const LAN = 7_100_001;
  const MINH = 7_100_002;

  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: "123:abc",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_REVIEW_CHAT_ID: REVIEW_GROUP,
    });
    lan = await addReviewer(t.system.db, {
      name: "Nguyễn Thị Lan",
      channel: "telegram",
      externalId: String(LAN),
    });
    minh = await addReviewer(t.system.db, {
      name: "Phạm Văn Minh",
      channel: "telegram",
      externalId: String(MINH),
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  const cardsOf = (code: string) =>
    fake.callsOf("sendMessage").filter((c) => String(c.body.text).includes(code) && c.body.reply_markup);
  /** Messages to a chat other than reviewer cards. */
  const messagesTo = (chatId: string | number) =>
    fake
      .callsOf("sendMessage", chatId)
      .filter((c) => !c.body.reply_markup || !String(c.body.text).includes("Hồ sơ đề cử mới"))
      .map((c) => String(c.body.text));
  const press = (fromId: number, data: string, messageId = 42) =>
    postUpdate(t.url, callbackUpdate(fromId, data, messageId, "private", fromId));
  const say = (fromId: number, text: string) => postUpdate(t.url, textUpdate(fromId, text));

  it("sends a new nomination as a card with four buttons to every reviewer and the review group", async () => {
    const n = await submitNomination(t.system.db, { nomineeName: "Hoàng <b>Thị</b> Mai" });
    await eventually(async () => cardsOf(n.code).length >= 3);
    const cards = cardsOf(n.code);
    expect(cards.map((c) => String(c.body.chat_id)).sort()).toEqual(
      [REVIEW_GROUP, String(LAN), String(MINH)].sort(),
    );
    const card = cards[0]!;
    expect(card.body.parse_mode).toBe("HTML");
    expect(String(card.body.text)).toContain("Hoàng &lt;b&gt;Thị&lt;/b&gt; Mai");
    const buttons = (
      card.body.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard.flat();
    expect(buttons.map((b) => b.text)).toEqual(["Nhận xử lý", "Duyệt", "Từ chối", "Yêu cầu bổ sung"]);
    expect(buttons.map((b) => b.callback_data)).toContain(`rv|approve.${n.code}`);
    // A card's row is written once Telegram has answered with its message id, just after the send.
    await eventually(
      async () => (await t.system.db.reviewCard.count({ where: { nominationId: n.id } })) === 3,
    );
  });

  it("approving from a card notifies the submitter once and turns every card into the outcome", async () => {
    const submitter = newChatId();
    const n = await submitNomination(t.system.db, { chatId: String(submitter) });
    await eventually(async () => cardsOf(n.code).length >= 3);
    await press(LAN, `rv|approve.${n.code}`);
    await eventually(async () => messagesTo(submitter).length >= 1);
    expect(messagesTo(submitter)[0]).toContain(`${n.code} đã được duyệt`);
    expect(messagesTo(LAN).some((m) => m.includes(`Đã duyệt hồ sơ ${n.code}`))).toBe(true);
    await eventually(
      async () =>
        fake.callsOf("editMessageText").filter((c) => String(c.body.text).includes(n.code)).length >= 3,
    );
    const edit = fake.callsOf("editMessageText").find((c) => String(c.body.text).includes(n.code))!;
    expect(String(edit.body.text)).toContain("Đã duyệt");
    expect(String(edit.body.text)).toContain("Nguyễn Thị Lan");
    expect(edit.body.reply_markup).toBeUndefined();

    // The stale button of another reviewer no longer decides anything.
    await press(MINH, `rv|reject.${n.code}`);
    await eventually(async () => messagesTo(MINH).some((m) => m.includes(n.code)));
    await press(MINH, `rv|approve.${n.code}`);
    await eventually(async () =>
      messagesTo(MINH).some((m) => m.includes("đã được Nguyễn Thị Lan xử lý trước")),
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(messagesTo(submitter)).toHaveLength(1);
    const row = await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ status: "approved", decidedById: lan.id });
  });

  it("lets exactly one of two simultaneous decisions win, and tells the other who decided", async () => {
    const n = await submitNomination(t.system.db);
    const results = await Promise.all([
      decideNomination(t.system.db, { nominationId: n.id, action: "approve", reviewer: lan }),
      decideNomination(t.system.db, {
        nominationId: n.id,
        action: "reject",
        reviewer: minh,
        note: "Thiếu minh chứng",
      }),
      decideNomination(t.system.db, { nominationId: n.id, action: "approve", reviewer: minh }),
    ]);
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok))
      expect(r).toMatchObject({
        reason: "conflict",
        current: winners[0]!.ok ? winners[0]!.to : "",
        decidedBy: expect.any(String),
      });
    const audits = await t.system.db.auditLog.findMany({ where: { subjectId: n.id } });
    expect(audits).toHaveLength(1);

    // The same race through the cards of two reviewers (different chats are processed in parallel).
    const m = await submitNomination(t.system.db);
    await eventually(async () => cardsOf(m.code).length >= 3);
    await Promise.all([press(LAN, `rv|approve.${m.code}`), press(MINH, `rv|approve.${m.code}`)]);
    await eventually(
      async () =>
        messagesTo(LAN).some((x) => x.includes(m.code)) && messagesTo(MINH).some((x) => x.includes(m.code)),
    );
    const replies = [...messagesTo(LAN), ...messagesTo(MINH)].filter((x) => x.includes(m.code));
    expect(replies.filter((x) => x.startsWith("Đã duyệt"))).toHaveLength(1);
    expect(replies.filter((x) => x.includes("xử lý trước"))).toHaveLength(1);
    expect(await t.system.db.auditLog.count({ where: { subjectId: m.id, action: "approve" } })).toBe(1);
  });

  it("refuses a card button pressed by someone who is not a registered reviewer", async () => {
    const n = await submitNomination(t.system.db);
    const stranger = newChatId();
    await press(stranger, `rv|approve.${n.code}`);
    await eventually(async () => messagesTo(stranger).length >= 1);
    expect(messagesTo(stranger)[0]).toContain("chỉ người duyệt đã đăng ký");
    expect((await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe(
      "submitted",
    );
    expect(await t.system.db.auditLog.count({ where: { subjectId: n.id } })).toBe(0);
  });

  it("carries a request for information to the submitter and their answer back to the queue", async () => {
    const submitter = newChatId();
    const n = await submitNomination(t.system.db, { chatId: String(submitter) });
    await eventually(async () => cardsOf(n.code).length >= 3);
    await press(LAN, `rv|info.${n.code}`);
    await eventually(async () =>
      messagesTo(LAN).some((m) => m.includes(`nội dung cần bổ sung cho hồ sơ ${n.code}`)),
    );
    await say(LAN, "Đề nghị gửi ảnh giấy khen cấp huyện");
    await eventually(async () => messagesTo(submitter).length >= 1);
    expect(messagesTo(submitter)[0]).toContain("cần bổ sung thông tin");
    expect(messagesTo(submitter)[0]).toContain("Đề nghị gửi ảnh giấy khen cấp huyện");
    expect((await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe(
      "needs_info",
    );

    // A command typed meanwhile (words from the locales) is answered, not taken as the answer.
    await say(submitter, "hồ sơ của tôi");
    await eventually(async () => messagesTo(submitter).length >= 2, 10_000, "the submitter's own list");
    expect(messagesTo(submitter)[1]).toContain(n.code);
    expect((await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe(
      "needs_info",
    );

    await say(submitter, "Giấy khen số 123/QĐ-UBND ngày 5/3/2026 của UBND huyện Yên Sơn");
    await eventually(async () => messagesTo(submitter).length >= 3);
    expect(messagesTo(submitter)[2]).toContain(`Đã nhận thông tin bổ sung cho hồ sơ ${n.code}`);
    // Back to the reviewer who asked (not to the pool), marked as updated.
    const row = await t.system.db.nomination.findUniqueOrThrow({
      where: { id: n.id },
      include: { claimedBy: true },
    });
    expect(row.status).toBe("in_review");
    expect(row.claimedBy?.name).toBe("Nguyễn Thị Lan");
    expect(row.submitterUpdatedAt).not.toBeNull();
    expect(row.infoAnswers).toEqual([
      expect.objectContaining({ text: "Giấy khen số 123/QĐ-UBND ngày 5/3/2026 của UBND huyện Yên Sơn" }),
    ]);
    await eventually(async () =>
      fake
        .callsOf("editMessageText")
        .some(
          (c) => String(c.body.text).includes(n.code) && String(c.body.text).includes("Giấy khen số 123"),
        ),
    );
    const actions = (
      await t.system.db.auditLog.findMany({ where: { subjectId: n.id }, orderBy: { id: "asc" } })
    ).map((a) => `${a.action}:${a.actor}`);
    expect(actions).toEqual(["request_info:Nguyễn Thị Lan", "answer:submitter"]);
  });

  it("gives a reviewer a one-time panel sign-in link in a private chat only", async () => {
    await say(LAN, "/dangnhap");
    await eventually(async () => messagesTo(LAN).some((m) => m.includes("/admin/login?token=")));
    const link = messagesTo(LAN)
      .find((m) => m.includes("/admin/login?token="))!
      .match(/https?:\/\/\S+/)![0];
    const token = new URL(link).searchParams.get("token");
    const first = await fetch(`${t.url}/admin/login?token=${token}`, { redirect: "manual" });
    expect(first.status).toBe(303);
    const stranger = newChatId();
    await say(stranger, "/dangnhap");
    await eventually(async () => messagesTo(stranger).length >= 1);
    expect(messagesTo(stranger)[0]).not.toContain("token=");
  });

  it("refuses a card decision on a nomination a colleague holds, and says who holds it", async () => {
    const n = await submitNomination(t.system.db);
    expect(
      (await decideNomination(t.system.db, { nominationId: n.id, action: "claim", reviewer: minh })).ok,
    ).toBe(true);
    await press(LAN, `rv|approve.${n.code}`);
    await eventually(async () =>
      messagesTo(LAN).some((m) => m.includes(`Hồ sơ ${n.code} đang do Phạm Văn Minh xử lý`)),
    );
    const row = await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } });
    expect(row.status).toBe("in_review");
    expect(row.claimedById).toBe(minh.id);
  });

  it("returns a claim left undecided to the pool when its 72-hour job runs, and leaves a newer claim alone", async () => {
    const n = await submitNomination(t.system.db);
    const claimed = await decideNomination(t.system.db, {
      nominationId: n.id,
      action: "claim",
      reviewer: minh,
    });
    expect(claimed.ok).toBe(true);
    const { claimedAt } = await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } });
    await t.system.events.publish(
      "review.sla",
      { kind: "release", nominationId: n.id, claimedAt: new Date(claimedAt!.getTime() - 1).toISOString() },
      { jobId: `test-stale-${n.id}` },
    );
    await new Promise((r) => setTimeout(r, 800));
    expect((await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe(
      "in_review",
    );
    await t.system.events.publish(
      "review.sla",
      { kind: "release", nominationId: n.id, claimedAt: claimedAt!.toISOString() },
      { jobId: `test-due-${n.id}` },
    );
    await eventually(
      async () =>
        (await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status === "submitted",
    );
    const last = await t.system.db.auditLog.findFirstOrThrow({
      where: { subjectId: n.id },
      orderBy: { id: "desc" },
    });
    expect(last).toMatchObject({ action: "release", actor: "system" });
  });

  it("reminds the reviewers of a nomination nobody claimed when its 48-hour job runs", async () => {
    const n = await submitNomination(t.system.db);
    const { createdAt } = await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } });
    await t.system.events.publish(
      "review.sla",
      { kind: "remind", nominationId: n.id, since: createdAt.toISOString() },
      { jobId: `test-remind-${n.id}` },
    );
    // The review group allows ~20 messages a minute and the earlier tests of this file used its burst:
    // the new card and the reminder may each wait their 3 s turn, longer on a loaded machine.
    await eventually(
      async () => messagesTo(REVIEW_GROUP).some((m) => m.includes(`Nhắc việc: hồ sơ ${n.code}`)),
      40_000,
    );
    // The real reminder, scheduled when the nomination was announced, waits its 48 hours.
    // It is scheduled by the outbox relay's handler of the submission, which waits its turn like the card.
    const sla = await eventually(
      () => t.system.events.queue.getJob(`sla-remind-${n.id}-${createdAt.getTime()}`),
      40_000,
    );
    expect(sla.delay).toBe(48 * 3_600_000);
  }, 100_000);
});
