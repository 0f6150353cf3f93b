/**
 * The questions inbox: concurrent answers produce one delivery, duplicates receive the original's
 * answer, dismissals carry a reason, every action is audited, reminders come after the configured
 * hours, a citizen sees their own questions, the panel filters and acts, and erasure covers
 * questions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { signIn } from "../support/admin-session.js";
import { callbackUpdate, postUpdate, SECRET, textUpdate } from "../channels/telegram/updates.js";
import { addReviewer } from "../../src/review/reviewers.js";
import { performDeletion } from "../../src/review/erasure.js";
import { requestDeletion } from "../../src/conversation/data-requests.js";
import { actOnQuestion, shortId } from "../../src/questions/transitions.js";
import { questionMetrics } from "../../src/questions/metrics.js";
import { eventually } from "../review/fixtures.js";

const GROUP = "-1009990001";
const LAN = 7_181_001;
const MINH = 7_181_002;
const UNIT = "Sở Nội vụ tỉnh Tuyên Quang";

/** A web-chat citizen who asks something the plan does not cover and forwards it. */
async function forwardOnWeb(
  t: TestSystem,
  question: string,
  lang: "vi" | "en" = "vi",
): Promise<{ user: WebchatUser; id: string }> {
  const user = new WebchatUser(t.url, lang);
  await user.ask(lang === "en" ? "hello" : "xin chào");
  const decline = await user.ask(question);
  const offer = decline.find((m) => m.choices?.some((c) => c.id === "forward"))!;
  await user.press(offer.choiceToken!, "forward");
  const consent = (await user.next(1)).at(-1)!;
  await user.press(consent.choiceToken!, "yes");
  await user.next(1);
  const q = await t.system.db.forwardedQuestion.findFirstOrThrow({
    where: { chatId: user.chatId },
    orderBy: { createdAt: "desc" },
  });
  return { user, id: q.id };
}

describe("the questions inbox", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  let lan: { id: string; name: string };
  let minh: { id: string; name: string };
  let admin: { id: string; name: string };

  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: "123:abc",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_REVIEW_CHAT_ID: GROUP,
      QUESTION_REMIND_HOURS: "6",
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
    admin = await addReviewer(t.system.db, { name: "Quản trị viên", role: "admin" });
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  const texts = (u: WebchatUser) => u.received.map((m) => m.text);
  const answersTo = async (u: WebchatUser, settleMs = 1_200) => {
    await new Promise((r) => setTimeout(r, settleMs));
    await u.poll();
    return texts(u).filter(
      (x) => x.includes("trả lời câu hỏi của quý anh/chị") || x.includes("answered your question"),
    );
  };
  /** Messages to a chat other than question cards. */
  const toChat = (chat: number | string) =>
    fake
      .callsOf("sendMessage", chat)
      .filter((c) => !JSON.stringify(c.body.reply_markup ?? {}).includes("qa|"))
      .map((c) => String(c.body.text));

  it("delivers one answer when officials answer at the same moment, and tells the others who did", async () => {
    const { user, id } = await forwardOnWeb(
      t,
      "Xã có được cấp kinh phí mua máy tính cho bộ phận một cửa không?",
    );
    const results = await Promise.all([
      actOnQuestion(t.system.db, {
        questionId: id,
        action: "answer",
        actor: lan,
        text: "Có, theo dự toán của xã.",
        unit: UNIT,
      }),
      actOnQuestion(t.system.db, {
        questionId: id,
        action: "answer",
        actor: minh,
        text: "Không, xã tự bố trí.",
        unit: UNIT,
      }),
      actOnQuestion(t.system.db, { questionId: id, action: "answer", actor: lan, text: "Có.", unit: UNIT }),
    ]);
    t.system.outbox.poke();
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok))
      expect(r).toMatchObject({ reason: "conflict", current: "answered", by: expect.any(String) });
    await eventually(async () => (await answersTo(user, 0)).length >= 1, 15_000);
    expect(await answersTo(user)).toHaveLength(1);
    expect(
      await t.system.db.outbox.count({
        where: { topic: "question.decided", payload: { path: ["questionId"], equals: id } },
      }),
    ).toBe(1);
    expect(await t.system.db.auditLog.count({ where: { subjectId: id, action: "answer" } })).toBe(1);
  });

  it("lets one of two officials pressing “Trả lời” at once answer; the other is told who has it", async () => {
    const { user, id } = await forwardOnWeb(t, "Có lớp tập huấn kỹ năng số cho hội phụ nữ xã không?");
    await eventually(
      async () =>
        fake.callsOf("sendMessage").filter((c) => JSON.stringify(c.body.reply_markup ?? {}).includes(id))
          .length >= 3,
    );
    await Promise.all([
      postUpdate(t.url, callbackUpdate(LAN, `qa|ans.${id}`)),
      postUpdate(t.url, callbackUpdate(MINH, `qa|ans.${id}`)),
    ]);
    await eventually(
      async () => [...toChat(LAN), ...toChat(MINH)].filter((m) => m.includes(`#${shortId(id)}`)).length >= 2,
    );
    const replies = [...toChat(LAN), ...toChat(MINH)].filter((m) => m.includes(`#${shortId(id)}`));
    expect(replies.filter((m) => m.includes("gửi câu trả lời"))).toHaveLength(1);
    expect(replies.filter((m) => m.includes("đã được") && m.includes("xử lý"))).toHaveLength(1);
    const winner = toChat(LAN).some((m) => m.includes("gửi câu trả lời") && m.includes(shortId(id)))
      ? LAN
      : MINH;
    const loser = winner === LAN ? MINH : LAN;
    // The other official's text is not taken as an answer.
    await postUpdate(t.url, textUpdate(loser, "Tôi cũng trả lời"));
    await postUpdate(t.url, textUpdate(winner, "Có, Hội Liên hiệp Phụ nữ tỉnh tổ chức hằng quý."));
    await eventually(async () => (await answersTo(user, 0)).length >= 1, 15_000);
    const got = await answersTo(user);
    expect(got).toHaveLength(1);
    expect(got[0]).toContain("Hội Liên hiệp Phụ nữ tỉnh tổ chức hằng quý");
  });

  it("sends the original's answer to a duplicate's asker, once, whether it came before or after", async () => {
    const a = await forwardOnWeb(t, "Khi nào có kết quả bình chọn mô hình chuyển đổi số tiêu biểu?");
    const b = await forwardOnWeb(t, "Bao giờ công bố kết quả bình chọn mô hình chuyển đổi số?");
    const c = await forwardOnWeb(
      t,
      "When will the results of the vote for digital transformation models be announced?",
      "en",
    );
    // b repeats a before a is answered; c after.
    expect(
      (
        await actOnQuestion(t.system.db, {
          questionId: b.id,
          action: "duplicate",
          actor: lan,
          duplicateOfId: a.id,
        })
      ).ok,
    ).toBe(true);
    expect(
      (
        await actOnQuestion(t.system.db, {
          questionId: a.id,
          action: "answer",
          actor: lan,
          text: "Dự kiến tháng 12/2026.",
          unit: UNIT,
        })
      ).ok,
    ).toBe(true);
    // A duplicate of a duplicate points at the original.
    expect(
      (
        await actOnQuestion(t.system.db, {
          questionId: c.id,
          action: "duplicate",
          actor: minh,
          duplicateOfId: b.id,
        })
      ).ok,
    ).toBe(true);
    expect(
      (await t.system.db.forwardedQuestion.findUniqueOrThrow({ where: { id: c.id } })).duplicateOfId,
    ).toBe(a.id);
    t.system.outbox.poke();
    for (const u of [a.user, b.user, c.user])
      await eventually(async () => (await answersTo(u, 0)).length >= 1, 15_000);
    for (const u of [a.user, b.user, c.user]) expect(await answersTo(u)).toHaveLength(1);
    expect((await answersTo(c.user))[0]).toContain(
      "An official of Sở Nội vụ tỉnh Tuyên Quang answered your question: Dự kiến tháng 12/2026.",
    );
    // A question marked as a repeat of another repeat-bearing question hands its repeats over.
    const x = await forwardOnWeb(t, "Có hỗ trợ sửa máy tính cho nhà văn hóa không?");
    const y = await forwardOnWeb(t, "Nhà văn hóa thôn có được sửa máy tính miễn phí không?");
    const z = await forwardOnWeb(t, "Máy tính nhà văn hóa hỏng thì báo ai?");
    expect(
      (
        await actOnQuestion(t.system.db, {
          questionId: z.id,
          action: "duplicate",
          actor: lan,
          duplicateOfId: y.id,
        })
      ).ok,
    ).toBe(true);
    expect(
      (
        await actOnQuestion(t.system.db, {
          questionId: y.id,
          action: "duplicate",
          actor: lan,
          duplicateOfId: x.id,
        })
      ).ok,
    ).toBe(true);
    expect(
      (
        await actOnQuestion(t.system.db, {
          questionId: x.id,
          action: "answer",
          actor: lan,
          text: "Có, qua Tổ công nghệ số cộng đồng.",
          unit: UNIT,
        })
      ).ok,
    ).toBe(true);
    t.system.outbox.poke();
    for (const u of [x.user, y.user, z.user])
      await eventually(async () => (await answersTo(u, 0)).length >= 1, 15_000);
    for (const u of [x.user, y.user, z.user]) expect(await answersTo(u)).toHaveLength(1);
    // Nothing can mark a question a duplicate of itself.
    await expect(
      actOnQuestion(t.system.db, { questionId: a.id, action: "duplicate", actor: lan, duplicateOfId: a.id }),
    ).rejects.toThrow(/duplicate_target/);
  });

  it("dismisses with a reason given on Telegram, audited; the citizen sees it in “câu hỏi của tôi”", async () => {
    const { user, id } = await forwardOnWeb(t, "Giá vé xe buýt Tuyên Quang đi Hà Nội bao nhiêu?");
    await eventually(async () =>
      fake
        .callsOf("sendMessage", MINH)
        .some((c) => JSON.stringify(c.body.reply_markup ?? {}).includes(`qa|dis.${id}`)),
    );
    await postUpdate(t.url, callbackUpdate(MINH, `qa|dis.${id}`));
    await eventually(async () => toChat(MINH).some((m) => m.includes("lý do bỏ qua")));
    await postUpdate(t.url, textUpdate(MINH, "Không thuộc phong trào thi đua chuyển đổi số"));
    await eventually(
      async () =>
        (await t.system.db.forwardedQuestion.findUniqueOrThrow({ where: { id } })).status === "dismissed",
    );
    const audit = await t.system.db.auditLog.findFirstOrThrow({
      where: { subjectId: id, action: "dismiss" },
    });
    expect(audit).toMatchObject({
      actor: "Phạm Văn Minh",
      fromStatus: "new",
      toStatus: "dismissed",
      note: "Không thuộc phong trào thi đua chuyển đổi số",
      subjectType: "question",
    });
    // The citizen is told, once, politely — without the officials' internal reason.
    await eventually(
      async () => (await user.poll(), texts(user).some((x) => x.includes("không thuộc phạm vi phong trào"))),
      15_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    await user.poll();
    const notes = texts(user).filter((x) => x.includes("không thuộc phạm vi phong trào"));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("Giá vé xe buýt");
    expect(notes[0]).not.toContain("Không thuộc phong trào thi đua chuyển đổi số");
    for (const typed of ["câu hỏi của tôi", "cau hoi cua toi", "/cauhoi"]) {
      const list = (await user.ask(typed)).map((m) => m.text).join("\n");
      expect(list).toContain("Giá vé xe buýt Tuyên Quang đi Hà Nội");
      expect(list).toContain("Không thuộc phạm vi trả lời");
    }
  });

  it("lists a citizen's own questions with their status and answer, and no one else's", async () => {
    const mine = await forwardOnWeb(t, "Trường học có được hỗ trợ wifi miễn phí không?");
    const other = await forwardOnWeb(t, "Bưu điện xã có hỗ trợ cài ứng dụng VNeID không?");
    await actOnQuestion(t.system.db, {
      questionId: mine.id,
      action: "answer",
      actor: lan,
      text: "Có, theo chương trình của Sở.",
      unit: UNIT,
    });
    const list = (await mine.user.ask("câu hỏi của tôi")).map((m) => m.text).join("\n");
    expect(list).toContain(`#${shortId(mine.id)}`);
    expect(list).toContain("Đã trả lời ngày");
    expect(list).toContain("Có, theo chương trình của Sở.");
    expect(list).not.toContain("VNeID");
    const theirs = (await other.user.ask("câu hỏi của tôi")).map((m) => m.text).join("\n");
    expect(theirs).toContain("Đang chờ cán bộ trả lời");
    const nobody = new WebchatUser(t.url);
    await nobody.ask("xin chào");
    expect((await nobody.ask("câu hỏi của tôi")).map((m) => m.text).join("\n")).toContain(
      "chưa gửi câu hỏi nào",
    );
  });

  it("schedules the reminder after the configured hours and reminds officials of a question still open", async () => {
    const { id } = await forwardOnWeb(t, "Lịch tiếp công dân của Sở vào thứ mấy?");
    const job = await eventually(() => t.system.events.queue.getJob(`question-remind-${id}`), 15_000);
    expect(job.delay).toBe(6 * 3_600_000);
    await t.system.events.publish("question.sla", { questionId: id }, { jobId: `test-remind-${id}` });
    await eventually(async () =>
      toChat(GROUP).some((m) => m.includes(`Nhắc việc: câu hỏi #${shortId(id)}`) && m.includes("6 giờ")),
    );
    // An official who starts answering and cancels hands it back, with a fresh reminder.
    await postUpdate(t.url, callbackUpdate(LAN, `qa|ans.${id}`));
    await eventually(
      async () =>
        (await t.system.db.forwardedQuestion.findUniqueOrThrow({ where: { id } })).status === "claimed",
    );
    await postUpdate(t.url, textUpdate(LAN, "hủy"));
    await eventually(
      async () => (await t.system.db.forwardedQuestion.findUniqueOrThrow({ where: { id } })).status === "new",
    );
    const release = await t.system.db.auditLog.findFirstOrThrow({
      where: { subjectId: id, action: "release" },
    });
    expect(
      await eventually(() => t.system.events.queue.getJob(`question-remind-${id}-${release.id}`), 15_000),
    ).toBeTruthy();
    await eventually(async () =>
      toChat(LAN).some((m) => m.includes(`Đã hủy thao tác với câu hỏi #${shortId(id)}`)),
    );
    // An answered question reminds nobody.
    await actOnQuestion(t.system.db, {
      questionId: id,
      action: "answer",
      actor: lan,
      text: "Trưởng thôn.",
      unit: UNIT,
    });
    const before = toChat(LAN).filter((m) => m.includes("Nhắc việc") && m.includes(shortId(id))).length;
    await t.system.events.publish("question.sla", { questionId: id }, { jobId: `test-remind2-${id}` });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(toChat(LAN).filter((m) => m.includes("Nhắc việc") && m.includes(shortId(id))).length).toBe(before);
  });

  it("filters and acts in the panel, audited, and refuses visitors and forged forms", async () => {
    const { user, id } = await forwardOnWeb(t, "Có hỗ trợ lắp camera an ninh cho thôn không?");
    const session = await signIn(t, admin.id);
    expect((await fetch(`${t.url}/admin/questions`, { redirect: "manual" })).status).not.toBe(200);
    const newTab = await (await session.get("/admin/questions?status=new&channel=webchat")).text();
    expect(newTab).toContain("Có hỗ trợ lắp camera an ninh cho thôn không?");
    expect(await (await session.get("/admin/questions?status=new&channel=zalo")).text()).not.toContain(
      "lắp camera",
    );
    expect(await (await session.get("/admin/questions?status=answered")).text()).not.toContain("lắp camera");
    expect(await (await session.get("/admin/questions?from=2020-01-01&to=2020-01-02")).text()).not.toContain(
      "lắp camera",
    );
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    expect(await (await session.get(`/admin/questions?from=${today}&to=${today}`)).text()).toContain(
      "lắp camera",
    );
    // A form without the session's CSRF token changes nothing.
    const forged = await fetch(`${t.url}/admin/questions/${id}/claim`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "_csrf=x",
      redirect: "manual",
    });
    expect(forged.status).not.toBe(303);
    expect((await session.post(`/admin/questions/${id}/claim`, {})).status).toBe(303);
    expect((await t.system.db.forwardedQuestion.findUniqueOrThrow({ where: { id } })).status).toBe("claimed");
    // Someone else's claim blocks another official's answer.
    expect(
      await actOnQuestion(t.system.db, {
        questionId: id,
        action: "answer",
        actor: lan,
        text: "x",
        unit: UNIT,
      }),
    ).toMatchObject({ ok: false, reason: "conflict", by: "Quản trị viên" });
    const empty = await session.post(`/admin/questions/${id}/answer`, { text: " ", unit: UNIT });
    expect(decodeURIComponent(empty.headers.get("location")!)).toContain("không được để trống");
    await session.post(`/admin/questions/${id}/answer`, {
      text: "Không, camera do Công an huyện lắp đặt.",
      unit: "UBND xã Thái Bình",
    });
    await eventually(async () => (await answersTo(user, 0)).length >= 1, 15_000);
    expect((await answersTo(user))[0]).toContain(
      "Cán bộ UBND xã Thái Bình trả lời câu hỏi của quý anh/chị: Không, camera do Công an huyện lắp đặt.",
    );
    const detail = await (await session.get(`/admin/questions/${id}`)).text();
    expect(detail).toContain("Đề xuất đưa vào câu hỏi thường gặp");
    expect(
      (await t.system.db.auditLog.findMany({ where: { subjectId: id }, orderBy: { id: "asc" } })).map(
        (a) => `${a.action}:${a.actor}`,
      ),
    ).toEqual(["claim:Quản trị viên", "answer:Quản trị viên"]);
    const dashboard = await (await session.get("/admin")).text();
    expect(dashboard).toMatch(/Câu hỏi của người dân: \d+ đang chờ trả lời/);
  });

  it("erases a person's questions with the rest of their data, and their card shows it", async () => {
    const { user, id } = await forwardOnWeb(
      t,
      "Nhà tôi ở thôn Làng Mông, số điện thoại 0912000111, có được hỗ trợ internet không?",
    );
    await eventually(async () => (await t.system.db.questionCard.count({ where: { questionId: id } })) >= 3);
    const q = await t.system.db.forwardedQuestion.findUniqueOrThrow({ where: { id } });
    const requestId = await requestDeletion(t.system.db, {
      personId: q.personId!,
      channel: "webchat",
      chatId: user.chatId,
    });
    await performDeletion(
      { db: t.system.db, i18n: t.system.i18n, enqueue: (job) => t.system.outbound.enqueue(job) },
      requestId,
      admin,
    );
    const erased = await t.system.db.forwardedQuestion.findUniqueOrThrow({ where: { id } });
    expect(erased).toMatchObject({ question: "[đã xóa]", chatId: null, erasedAt: expect.any(Date) });
    t.system.outbox.poke();
    await eventually(async () =>
      fake
        .callsOf("editMessageText")
        .some((c) => String(c.body.text).includes(shortId(id)) && String(c.body.text).includes("[đã xóa]")),
    );
    // Nothing of it is left in the panel, and an answer given afterwards reaches no one.
    const session = await signIn(t, admin.id);
    expect(await (await session.get("/admin/questions")).text()).not.toContain("0912000111");
    await actOnQuestion(t.system.db, {
      questionId: id,
      action: "answer",
      actor: lan,
      text: "Có.",
      unit: UNIT,
    });
    expect(await answersTo(user, 1_500)).toHaveLength(0);
  });

  it("computes forwarded, answered and the median time to answer", async () => {
    const before = await questionMetrics(t.system.db);
    const person = await t.system.db.person.create({
      data: { channel: "webchat", externalId: `m-${Date.now()}`, chatId: `m-${Date.now()}` },
    });
    const base = Date.now() - 10 * 3_600_000;
    for (const [i, hours] of [1, 2, 30].entries()) {
      await t.system.db.forwardedQuestion.create({
        data: {
          personId: person.id,
          question: `q${i}`,
          createdAt: new Date(base),
          status: "answered",
          answered: true,
          answer: "a",
          answeredAt: new Date(base + hours * 3_600_000),
        },
      });
    }
    const after = await questionMetrics(t.system.db);
    expect(after.forwarded - before.forwarded).toBe(3);
    expect(after.answered - before.answered).toBe(3);
    expect(after.medianSecondsToAnswer).toBeGreaterThan(0);
  });
});
