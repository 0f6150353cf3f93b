/**
 * The whole loop, end to end through the real HTTP paths: a citizen on Zalo asks what the plan does
 * not cover and forwards it; an official answers on Telegram and the citizen receives it once; an
 * admin publishes it as FAQ; another citizen on the web chat asks a paraphrase and gets the
 * official answer with its FAQ source line — served, without a restart, by the process that was
 * running all along and by a second worker process started before the entry existed.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
import { FakeZalo, ZaloUser } from "../support/fake-zalo.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { signIn } from "../support/admin-session.js";
import { callbackUpdate, postUpdate, SECRET, textUpdate } from "../channels/telegram/updates.js";
import { addReviewer } from "../../src/review/reviewers.js";
import { eventually } from "../review/fixtures.js";
import { forwardOnZalo, startWorkerProcess } from "./support.js";

const ZALO_SECRET = "zalo-secret-1";
const OFFICIAL = 7_180_001;
const QUESTION = "Tổ công nghệ số cộng đồng có được trả phụ cấp hằng tháng không?";
const PARAPHRASE = "thành viên tổ công nghệ số cộng đồng có phụ cấp hàng tháng không";
const ANSWER =
  "Thành viên Tổ công nghệ số cộng đồng hoạt động tình nguyện; UBND cấp xã có thể hỗ trợ từ kinh phí của xã theo quy định.";
const UNIT = "Sở Nội vụ tỉnh Tuyên Quang";

describe("officials close the loop, and their answer becomes FAQ the bot uses", () => {
  let telegram: FakeTelegram;
  let zalo: FakeZalo;
  let t: TestSystem;
  let child: ChildProcess | undefined;
  let adminId: string;
  const env = {
    TELEGRAM_BOT_TOKEN: "123:abc",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    ZALO_BOT_TOKEN: "123:zalo",
    ZALO_WEBHOOK_SECRET: ZALO_SECRET,
  };

  beforeAll(async () => {
    telegram = await new FakeTelegram("123:abc").start();
    zalo = await new FakeZalo().start();
    const full = { ...env, TELEGRAM_API_ROOT: telegram.url, ZALO_API_ROOT: zalo.url };
    t = await startTestSystem(full);
    await addReviewer(t.system.db, {
      name: "Cán bộ Hoàng Thị Thu",
      channel: "telegram",
      externalId: String(OFFICIAL),
    });
    adminId = (await addReviewer(t.system.db, { name: "Quản trị Sở Nội vụ", role: "admin" })).id;
    // The second worker process starts before any FAQ entry exists.
    child = await startWorkerProcess(t, full);
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGCONT");
      child.kill("SIGTERM");
      await new Promise((r) => child!.once("exit", r));
    }
    await t?.stop();
    await telegram?.stop();
    await zalo?.stop();
  });

  it("runs from a Zalo question to an FAQ answer on the web chat", async () => {
    const db = t.system.db;
    // (1) The plan does not cover it: the bot declines, and the citizen forwards it.
    const citizen = new ZaloUser(t.url, zalo, ZALO_SECRET);
    const { decline, done } = await forwardOnZalo(citizen, QUESTION);
    expect(decline.join("\n")).toContain("không có trong Kế hoạch 154/KH-UBND");
    expect(done.join("\n")).toContain("Đã chuyển câu hỏi");
    const q = await db.forwardedQuestion.findFirstOrThrow({ where: { question: QUESTION } });
    expect(q).toMatchObject({ status: "new", channel: "zalo", chatId: citizen.chatId, language: "vi" });

    // (2) The official gets a card, presses "Trả lời", and sends the answer as the next message.
    const card = await eventually(
      async () =>
        telegram
          .callsOf("sendMessage", OFFICIAL)
          .find((c) => JSON.stringify(c.body.reply_markup ?? {}).includes(`qa|ans.${q.id}`)),
      15_000,
    );
    const buttons = (card.body.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard
      .flat()
      .map((b) => b.text);
    expect(buttons).toEqual(["Trả lời", "Trùng", "Bỏ qua"]);
    expect(String(card.body.text)).toContain(QUESTION);
    await postUpdate(t.url, callbackUpdate(OFFICIAL, `qa|ans.${q.id}`));
    await eventually(async () =>
      telegram.callsOf("sendMessage", OFFICIAL).some((c) => String(c.body.text).includes("gửi câu trả lời")),
    );
    await postUpdate(t.url, textUpdate(OFFICIAL, ANSWER));
    const before = zalo.textsTo(citizen.chatId).length;
    await zalo.waitFor(() => zalo.textsTo(citizen.chatId).length > before, 15_000, "the answer");
    await new Promise((r) => setTimeout(r, 1_500));
    const answers = zalo.textsTo(citizen.chatId).slice(before);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain(`Cán bộ ${UNIT} trả lời câu hỏi của quý anh/chị: ${ANSWER}`);
    expect(await db.forwardedQuestion.findUniqueOrThrow({ where: { id: q.id } })).toMatchObject({
      status: "answered",
      answer: ANSWER,
      answerUnit: UNIT,
      deliveredAt: expect.any(Date),
    });
    await eventually(async () =>
      telegram
        .callsOf("editMessageText", OFFICIAL)
        .some((c) => String(c.body.text).includes("Đã trả lời") && !c.body.reply_markup),
    );
    expect(
      (
        await db.auditLog.findMany({
          where: { subjectType: "question", subjectId: q.id },
          orderBy: { id: "asc" },
        })
      ).map((a) => `${a.action}:${a.actor}`),
    ).toEqual(["claim:Cán bộ Hoàng Thị Thu", "answer:Cán bộ Hoàng Thị Thu"]);

    // (3) An admin proposes it as FAQ from the question and publishes it.
    const admin = await signIn(t, adminId);
    const form = await (await admin.get(`/admin/faq/new?question=${q.id}`)).text();
    expect(form).toContain(ANSWER);
    const proposed = await admin.post("/admin/faq", {
      sourceQuestionId: q.id,
      question: QUESTION,
      answer: ANSWER,
      unit: UNIT,
      answeredOn: "2026-11-20",
    });
    expect(proposed.status).toBe(303);
    const entryId = proposed.headers.get("location")!.match(/\/admin\/faq\/([0-9a-f-]{36})/)![1]!;
    // Proposed is not yet used.
    const early = new WebchatUser(t.url);
    await early.ask("xin chào");
    // (The plan may decline the paraphrase or offer "did you mean" items; either way, not the FAQ.)
    const unpublished = (await early.ask(PARAPHRASE)).map((m) => m.text).join("\n");
    expect(unpublished).not.toContain(ANSWER);
    expect(unpublished).not.toContain("không phải trích nguyên văn Kế hoạch 154");
    expect((await admin.post(`/admin/faq/${entryId}/publish`, {})).status).toBe(303);
    expect(await db.faqEntry.findUniqueOrThrow({ where: { id: entryId } })).toMatchObject({
      status: "published",
      sourceQuestionId: q.id,
    });

    // (4) A different citizen on the web chat asks a paraphrase: this process answers it (the
    // second worker paused), then the second worker answers it (this process's workers closed).
    const expectFaqAnswer = (texts: string[]) => {
      const all = texts.join("\n");
      expect(all).toContain(ANSWER);
      expect(all).toContain(
        `Trả lời của ${UNIT}, ngày 20/11/2026, không phải trích nguyên văn Kế hoạch 154.`,
      );
      expect(all).not.toContain("Trích kế hoạch");
      expect(all).not.toContain("không có trong Kế hoạch 154/KH-UBND");
    };
    child!.kill("SIGSTOP");
    const here = new WebchatUser(t.url);
    await here.say("xin chào");
    await here.next(1, 30_000);
    await here.say(PARAPHRASE);
    expectFaqAnswer((await here.next(1, 30_000)).map((m) => m.text));
    child!.kill("SIGCONT");

    await t.system.inbound.queue.closeWorkers();
    const there = new WebchatUser(t.url);
    await there.say("xin chào");
    await there.next(1, 30_000);
    await there.say(PARAPHRASE);
    expectFaqAnswer((await there.next(1, 30_000)).map((m) => m.text));
  }, 180_000);
});
