import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, WebchatUser, type TestSystem } from "../../support/system.js";
import { FakeZalo, numberedOptions, withoutDiacritics, ZaloUser } from "../../support/fake-zalo.js";
import { i18n } from "../../conversation/support.js";

const SECRET = "zalo-secret-1";

describe("the same conversation on Zalo, without buttons", () => {
  let fake: FakeZalo;
  let t: TestSystem;
  const user = () => new ZaloUser(t.url, fake, SECRET);
  beforeAll(async () => {
    fake = await new FakeZalo().start();
    t = await startTestSystem({
      ZALO_BOT_TOKEN: "123:abc",
      ZALO_WEBHOOK_SECRET: SECRET,
      ZALO_API_ROOT: fake.url,
      EVIDENCE_MAX_BYTES: String(1024 * 1024),
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("shows the main menu as a numbered list", async () => {
    const menu = (await user().say("/start")).join("\n\n");
    expect(menu).toMatch(/Vui lòng trả lời bằng số:|số thứ tự:/);
    const options = numberedOptions(menu);
    expect(options.length).toBeGreaterThanOrEqual(3);
    expect(options.map((o) => o.n)).toEqual(options.map((_, i) => i + 1));
  });

  it("accepts a menu answer as “2”, as “hai” and as the label typed without diacritics", async () => {
    const byDigit = user();
    const menu = (await byDigit.say("menu")).join("\n\n");
    const second = await byDigit.say("2");

    const byWord = user();
    await byWord.say("menu");
    expect(await byWord.say("hai")).toEqual(second);

    const bySoHai = user();
    await bySoHai.say("menu");
    expect(await bySoHai.say("số 2")).toEqual(second);

    // Another option by its label without diacritics gives what its number gives.
    const options = numberedOptions(menu);
    const pick = options.find((o) => /tra cứu/i.test(o.label)) ?? options.at(-1)!;
    const byNumber = user();
    await byNumber.say("menu");
    const expected = await byNumber.say(String(pick.n));
    const byLabel = user();
    await byLabel.say("menu");
    expect(await byLabel.say(withoutDiacritics(pick.label).toLowerCase())).toEqual(expected);
  });

  it("re-prompts briefly on an answer that matches no option, and keeps the step", async () => {
    const u = user();
    await u.say("đề cử");
    const reprompt = (await u.say("42")).join("\n");
    expect(reprompt).toContain(i18n.t("vi", "conversation.invalid.choice"));
    expect(reprompt).toContain(i18n.t("vi", "conversation.step", { n: 1, total: "" }));
    // Still at consent: agreeing moves on to the category question with its own numbered list.
    const next = (await u.say("1")).join("\n\n");
    expect(numberedOptions(next).length).toBe(8);
  });

  it("answers a question about the plan correctly, in messages of at most 2000 characters, like the web chat", async () => {
    const question = "chỉ tiêu hồ sơ công việc cấp xã";
    const zalo = await user().say(question);
    for (const m of zalo) expect(m.length).toBeLessThanOrEqual(2_000);
    expect(zalo.join("\n")).toContain("60%");
    const web = new WebchatUser(t.url);
    const webReplies = await web.ask(question);
    // Same engine, same answer: Zalo only splits and numbers it differently.
    expect(zalo.join("\n")).toContain(webReplies[0]!.text.split("\n")[0]!);
  });

  it("stores a photo sent during a nomination as evidence at once, and politely refuses one too large", async () => {
    const u = user();
    await u.say("đề cử");
    await u.say("đồng ý");
    await u.say("8"); // Cá nhân: người dân
    await u.say("Nguyễn Văn An");
    await u.say("Thôn Tân Lập, xã Tân Trào");
    await u.say("xã Tân Trào");
    const evidencePrompt = await u.say(
      "Hướng dẫn hơn 300 người dân trong thôn cài đặt và dùng VNeID, nộp hồ sơ dịch vụ công trực tuyến.",
    );
    expect(evidencePrompt.join("\n")).toMatch(/minh chứng/i);

    const before = await t.system.db.attachment.count();
    const ack = await u.sendPhoto(`${fake.url}/media/photo.jpg`);
    expect(ack.join("\n")).toContain("1/5");
    const stored = await t.system.db.attachment.findMany({ orderBy: { createdAt: "desc" }, take: 1 });
    expect(await t.system.db.attachment.count()).toBe(before + 1);
    expect(stored[0]).toMatchObject({ kind: "photo", mime: "image/jpeg", size: 2_048 });
    expect(stored[0]!.data?.length).toBe(2_048);

    const refusal = await u.sendPhoto(`${fake.url}/media/big.jpg?size=${2 * 1024 * 1024}`);
    expect(refusal.join("\n")).toContain(i18n.t("vi", "conversation.media.too_large", { mb: 1 }));
    expect(refusal.join("\n")).not.toContain("2/5");
    expect(await t.system.db.attachment.count()).toBe(before + 1);
  });

  it("answers a question typed at an optional note and asks the note again; an emoji re-asks it too", async () => {
    const u = user();
    for (const a of ["tự đánh giá", "1", "1", "3", "Yên Sơn", "UBND xã Tân Trào"]) await u.say(a);
    expect((await u.say("1")).join("\n")).toContain(i18n.t("vi", "selfreport.ask.when").slice(0, 30));
    const asked = (await u.say("chỉ tiêu cấp xã là gì?", 1_500)).join("\n");
    expect(asked).toContain("Cấp xã —");
    expect(asked).toContain(i18n.t("vi", "conversation.question_in_flow.resume"));
    expect(asked).toContain(i18n.t("vi", "selfreport.ask.when").slice(0, 30));
    const emoji = (await u.say("🙂")).join("\n");
    expect(emoji).toContain(i18n.t("vi", "conversation.empty_text"));
    expect(emoji).toContain(i18n.t("vi", "selfreport.ask.when").slice(0, 30));
    // The question was not stored: the note is still unanswered when skipped.
    const next = (await u.say("bỏ qua")).join("\n");
    expect(next).toContain(i18n.t("vi", "selfreport.ask.data_skills").slice(0, 30));
  });

  it("tells a photo sent outside any flow what photos are for", async () => {
    const u = user();
    await u.say("xin chào");
    const r = (await u.sendPhoto(`${fake.url}/media/photo.jpg`)).join("\n");
    expect(r).toContain(i18n.t("vi", "conversation.media.outside_flow"));
  });
});
