/**
 * An FAQ entry's life through the panel, as the running bot sees it: proposed (not used), published
 * by an admin only (used at once), edited (the new text used at once, a stale edit refused),
 * retired (no longer used) — with its history and audit rows; and the plan's confident answer
 * always wins over an FAQ entry on the same question.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { signIn, type AdminSession } from "../support/admin-session.js";
import { addReviewer } from "../../src/review/reviewers.js";
import { forwardQuestion } from "../../src/conversation/data-requests.js";
import { actOnQuestion } from "../../src/questions/transitions.js";

const QUESTION = "Hộ kinh doanh nhỏ có bắt buộc dùng hóa đơn điện tử không?";
const PARAPHRASE = "ho kinh doanh nho co bat buoc phai dung hoa don dien tu khong";
const DECLINE = "không có trong Kế hoạch 154/KH-UBND";

describe("an FAQ entry's life, seen by the running bot", () => {
  let t: TestSystem;
  let admin: AdminSession;
  let reviewer: AdminSession;
  let official: { id: string; name: string };

  beforeAll(async () => {
    t = await startTestSystem();
    official = await addReviewer(t.system.db, { name: "Lê Thu Hà" });
    admin = await signIn(t, (await addReviewer(t.system.db, { name: "Quản trị viên", role: "admin" })).id);
    reviewer = await signIn(t, official.id);
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  /** A fresh web-chat citizen's reply to `question`, with its buttons' labels. */
  async function reply(question: string): Promise<string> {
    const u = new WebchatUser(t.url);
    await u.ask("xin chào");
    return (await u.ask(question))
      .map((m) => [m.text, ...(m.choices ?? []).map((c) => `[${c.label}]`)].join("\n"))
      .join("\n");
  }

  async function answeredQuestion(question: string, answer: string): Promise<string> {
    const person = await t.system.db.person.create({
      data: { channel: "webchat", externalId: `p${Math.random()}`, chatId: `c${Math.random()}` },
    });
    const id = await forwardQuestion(t.system.db, { personId: person.id, question });
    expect(
      (
        await actOnQuestion(t.system.db, {
          questionId: id,
          action: "answer",
          actor: official,
          text: answer,
          unit: "Cục Thuế tỉnh Tuyên Quang",
        })
      ).ok,
    ).toBe(true);
    return id;
  }

  const entryOf = (res: Response) => res.headers.get("location")!.match(/\/admin\/faq\/([0-9a-f-]{36})/)![1]!;

  it("is used only once published, follows edits at once, and stops when retired", async () => {
    const qid = await answeredQuestion(QUESTION, "Có, từ 01/6/2025 hộ kinh doanh phải dùng hóa đơn điện tử.");
    expect(await reply(PARAPHRASE)).toContain(DECLINE);

    const proposed = await reviewer.post(
      "/admin/faq",
      {
        sourceQuestionId: qid,
        question: QUESTION,
        answer: "Có, từ 01/6/2025 hộ kinh doanh phải dùng hóa đơn điện tử.",
        unit: "Cục Thuế tỉnh Tuyên Quang",
        answeredOn: "2026-11-21",
      },
      "/admin/faq",
    );
    const id = entryOf(proposed);
    expect(await reply(PARAPHRASE)).toContain(DECLINE);

    // Only an admin publishes.
    expect((await reviewer.post(`/admin/faq/${id}/publish`, {}, "/admin/faq")).status).toBe(403);
    expect(await reply(PARAPHRASE)).toContain(DECLINE);
    expect((await admin.post(`/admin/faq/${id}/publish`, {}, "/admin/faq")).status).toBe(303);
    const used = await reply(PARAPHRASE);
    expect(used).toContain("Có, từ 01/6/2025 hộ kinh doanh phải dùng hóa đơn điện tử.");
    expect(used).toContain(
      "Trả lời của Cục Thuế tỉnh Tuyên Quang, ngày 21/11/2026, không phải trích nguyên văn Kế hoạch 154.",
    );
    // The citizen may still forward it if the official answer does not settle it.
    expect(used).toContain("[Chuyển câu hỏi tới cán bộ]");

    const edited = await reviewer.post(
      `/admin/faq/${id}/edit`,
      {
        version: "2",
        question: QUESTION,
        answer: "Có. Hộ kinh doanh nộp thuế theo kê khai phải dùng hóa đơn điện tử.",
        unit: "Cục Thuế tỉnh Tuyên Quang",
        answeredOn: "2026-11-22",
      },
      "/admin/faq",
    );
    expect(decodeURIComponent(edited.headers.get("location")!)).toContain("Đã lưu phiên bản mới");
    expect(await reply(PARAPHRASE)).toContain(
      "Hộ kinh doanh nộp thuế theo kê khai phải dùng hóa đơn điện tử.",
    );
    // An edit made on an older version is refused.
    const stale = await admin.post(
      `/admin/faq/${id}/edit`,
      { version: "2", question: QUESTION, answer: "Không.", unit: "X", answeredOn: "2026-11-22" },
      "/admin/faq",
    );
    expect(decodeURIComponent(stale.headers.get("location")!)).toContain("vừa được người khác sửa");

    expect(
      (await admin.post(`/admin/faq/${id}/retire`, { reason: "Quy định đã thay đổi" }, "/admin/faq")).status,
    ).toBe(303);
    expect(await reply(PARAPHRASE)).toContain(DECLINE);

    const history = await t.system.db.faqRevision.findMany({
      where: { entryId: id },
      orderBy: { id: "asc" },
    });
    expect(history.map((h) => `${h.version}:${h.action}:${h.status}:${h.actor}`)).toEqual([
      "1:propose:proposed:Lê Thu Hà",
      "2:publish:published:Quản trị viên",
      "3:edit:published:Lê Thu Hà",
      "4:retire:retired:Quản trị viên",
    ]);
    expect(history[1]!.answer).toContain("từ 01/6/2025");
    const audits = await t.system.db.auditLog.findMany({
      where: { subjectType: "faq_entry", subjectId: id },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => a.action)).toEqual(["faq_propose", "faq_publish", "faq_edit", "faq_retire"]);
    expect(audits[3]!.note).toBe("Quy định đã thay đổi");
    const list = await (await reviewer.get("/admin/faq")).text();
    expect(list).toContain(QUESTION);
    expect((await fetch(`${t.url}/admin/faq`, { redirect: "manual" })).status).not.toBe(200);
    expect(
      (await fetch(`${t.url}/admin/faq/${id}/publish`, { method: "POST", redirect: "manual" })).status,
    ).not.toBe(303);
    const page = await (await admin.get(`/admin/faq/${id}`)).text();
    expect(page).toContain("Đã thôi dùng");
    expect(page).toContain("từ 01/6/2025");
  });

  it("lets the plan's confident answer win over an FAQ entry on the same question", async () => {
    const planQuestion = "chỉ tiêu hồ sơ công việc cấp xã";
    const qid = await answeredQuestion(planQuestion, "ĐÂY LÀ TRẢ LỜI CỦA CÁN BỘ");
    const id = entryOf(
      await admin.post(
        "/admin/faq",
        {
          sourceQuestionId: qid,
          question: planQuestion,
          answer: "ĐÂY LÀ TRẢ LỜI CỦA CÁN BỘ",
          unit: "Sở Nội vụ",
          answeredOn: "2026-11-21",
        },
        "/admin/faq",
      ),
    );
    await admin.post(`/admin/faq/${id}/publish`, {}, "/admin/faq");
    expect((await t.system.db.faqEntry.findUniqueOrThrow({ where: { id } })).status).toBe("published");
    const text = await reply(planQuestion);
    expect(text).toContain("154/KH-UBND");
    expect(text).not.toContain("ĐÂY LÀ TRẢ LỜI CỦA CÁN BỘ");
    expect(text).not.toContain("không phải trích nguyên văn");
  });

  it("never serves an entry imitating the plan's quotes, even one written straight into the table", async () => {
    await t.system.db.faqEntry.create({
      data: {
        question: "Giờ làm việc của bộ phận một cửa huyện Sơn Dương?",
        answer: "Trích kế hoạch: “Sáng 7h30 đến 11h30”",
        unit: "UBND huyện",
        answeredOn: new Date(Date.UTC(2026, 10, 1)),
        status: "published",
      },
    });
    await t.system.redis.incr(`${t.prefix}:faq:version`);
    const text = await reply("Giờ làm việc của bộ phận một cửa huyện Sơn Dương?");
    expect(text).toContain(DECLINE);
    expect(text).not.toContain("Sáng 7h30");
  });
});
