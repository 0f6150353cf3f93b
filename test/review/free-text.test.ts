/**
 * Every path that stores what a person typed goes through the one sanitiser: a NUL (which makes
 * PostgreSQL refuse the write) or a hidden control in a reviewer's note, a submitter's answer to
 * an information request, or a forwarded question is removed, and the write succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { callbackUpdate, newChatId, postUpdate, SECRET, textUpdate } from "../channels/telegram/updates.js";
import { addReviewer } from "../../src/review/reviewers.js";
import { cleanText } from "../../src/text/free-text.js";
import { eventually, submitNomination } from "./fixtures.js";

/** Every character the sanitiser must remove: C0/C1 controls but \n and \t, zero-width and bidi controls, BOM, lone surrogates. */
const HIDDEN = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).filter(
    (c) => c !== "\n" && c !== "\t" && c !== "\r",
  ),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
  ..."\u200B\u200C\u200D\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\uFEFF",
  "\uD83D",
  "\uDE00",
];

describe("the free-text sanitiser", () => {
  it("removes every hidden character wherever it sits, and keeps Vietnamese, emoji and line breaks", () => {
    for (const c of HIDDEN) {
      expect(cleanText(`Giấy${c} khen`)).toBe("Giấy khen");
      expect(cleanText(`${c}Giấy khen${c}`)).toBe("Giấy khen");
    }
    expect(cleanText("Nguyễn Văn A 👍\nDòng 2\tcột")).toBe("Nguyễn Văn A 👍\nDòng 2\tcột");
    expect(cleanText("Nguye\u0302\u0303n")).toBe("Nguyễn");
  });
});

describe("stored free text", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  const LAN = 7_200_001;
  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: "123:abc",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_REVIEW_CHAT_ID: "-1001999",
    });
    await addReviewer(t.system.db, { name: "Nguyễn Thị Lan", channel: "telegram", externalId: String(LAN) });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });
  const texts = (chatId: number) => fake.callsOf("sendMessage", chatId).map((c) => String(c.body.text));

  it("keeps a reviewer's note and the submitter's answer that contain NUL and bidi controls", async () => {
    const submitter = newChatId();
    const n = await submitNomination(t.system.db, { chatId: String(submitter) });
    await postUpdate(t.url, callbackUpdate(LAN, `rv|info.${n.code}`, 42, "private", LAN));
    await eventually(async () => texts(LAN).some((m) => m.includes(n.code)));
    await postUpdate(t.url, textUpdate(LAN, "Đề nghị gửi\u0000 ảnh giấy khen\u202E"));
    await eventually(async () => texts(submitter).length >= 1);
    expect((await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).infoRequestNote).toBe(
      "Đề nghị gửi ảnh giấy khen",
    );

    await postUpdate(t.url, textUpdate(submitter, "Giấy khen số 123\u0000/QĐ-UBND\u200B"));
    await eventually(async () => texts(submitter).some((m) => m.includes("Đã nhận thông tin bổ sung")));
    const row = await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } });
    // The answer goes back to the reviewer who asked (an answer returns to its holder).
    expect(row.status).toBe("in_review");
    expect(row.infoAnswers).toEqual([expect.objectContaining({ text: "Giấy khen số 123/QĐ-UBND" })]);
  });

  it("forwards a question that contains NUL to an official", async () => {
    const u = new WebchatUser(t.url);
    await u.ask("xin chào");
    const none = await u.ask("Thời tiết\u0000 ngày mai ở Hà Giang thế nào?");
    const offer = none.find((m) => m.choices?.some((c) => c.id === "forward"))!;
    await u.press(offer.choiceToken!, "forward");
    const consent = (await u.next(1)).at(-1)!;
    await u.press(consent.choiceToken!, "yes");
    await u.next(1);
    const q = await eventually(() =>
      t.system.db.forwardedQuestion.findFirst({ where: { question: { contains: "Thời tiết" } } }),
    );
    expect(q.question).toBe("Thời tiết ngày mai ở Hà Giang thế nào?");
  });
});
