import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { FakeZalo, numberedOptions, ZaloUser } from "../support/fake-zalo.js";
import { flows, i18n, knowledge, stepsFor } from "./support.js";

/**
 * Walks a flow on Zalo answering with a number wherever the bot shows a numbered list (`#n`
 * picks the n-th option and fails if no list was shown) and typing only where it shows none.
 */
async function walk(u: ZaloUser, start: string, answers: string[]): Promise<string> {
  let shown = (await u.say(start)).join("\n");
  for (const a of answers) {
    const options = numberedOptions(shown);
    if (a.startsWith("#"))
      expect(options.length, `a list before ${a} in: ${shown.slice(-300)}`).toBeGreaterThanOrEqual(
        Number(a.slice(1)),
      );
    else expect(options, `typed “${a}” where numbers were offered: ${shown.slice(-300)}`).toEqual([]);
    shown = (await u.say(a.startsWith("#") ? a.slice(1) : a)).join("\n");
  }
  return shown;
}

const SECRET = "zalo-secret-nom";

describe("a full nomination on Zalo (no buttons: numbers and words typed)", () => {
  let fake: FakeZalo;
  let t: TestSystem;
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

  it("goes from “de cu” to the code with a photo as evidence, then reports the status", async () => {
    const u = new ZaloUser(t.url, fake, SECRET);
    const total = stepsFor("nomination", { category: "business" });
    expect((await u.say("de cu")).join("\n")).toContain(`Bước 1/${total}`);
    expect((await u.say("1")).join("\n")).toContain(`Bước 2/${total}`);
    expect((await u.say("so 4")).join("\n")).toContain("Theo Kế hoạch 154/KH-UBND");
    await u.say("Hợp tác xã Chè Xanh");
    await u.say("bo qua");
    await u.say("Ham Yen");
    await u.say(
      "Ứng dụng truy xuất nguồn gốc bằng mã QR cho toàn bộ sản phẩm chè, bán hàng trên sàn thương mại điện tử.",
    );
    const photo = (await u.sendPhoto(`${fake.url}/media/photo.jpg`)).join("\n");
    expect(photo).toContain("1/5");
    await u.say("xong");
    await u.say("Lý Văn Cường");
    await u.say("0387 654 321");
    const summary = (await u.say("2")).join("\n");
    expect(summary).toContain("Hợp tác xã Chè Xanh");
    const done = (await u.say("xac nhan")).join("\n");
    const code = /DC-\d{4}-\d{6}/.exec(done)![0];
    const row = await t.database.db.nomination.findUnique({
      where: { code },
      include: { attachments: true },
    });
    expect(row).toMatchObject({
      category: "business",
      localityId: "tq-ham-yen",
      nominatorPhone: "+84387654321",
      relation: "Đồng nghiệp",
    });
    expect(row!.attachments).toHaveLength(1);
    expect(row!.attachments[0]!.mime).toBe("image/jpeg");
    const status = (await u.say(`/trangthai ${code}`, 2_500)).join("\n");
    expect(status).toContain(code);
  });

  it("completes a nomination answering only with numbers wherever numbers are offered", async () => {
    const u = new ZaloUser(t.url, fake, SECRET);
    const achievements =
      "Số hóa toàn bộ hồ sơ một cửa của xã, 95% thủ tục được nộp trực tuyến trong năm 2024.";
    // consent, category (commune collective), name, parent unit (skip by number), locality (typed: no list), achievements, evidence (skip by number), nominator, phone, relation, summary (confirm by number)
    const done = await walk(u, "đề cử", [
      "#1",
      "#3",
      "UBND xã Tân Trào",
      "#1",
      "Sơn Dương",
      achievements,
      "#1",
      "Hà Thị Số",
      "0977 111 222",
      "#2",
      "#1",
    ]);
    const code = /DC-\d{4}-\d{6}/.exec(done)![0];
    expect(await t.database.db.nomination.findUnique({ where: { code } })).toMatchObject({
      category: "commune",
      nomineeName: "UBND xã Tân Trào",
      localityId: "tq-son-duong",
      relation: "Đồng nghiệp",
    });
  });

  it("completes a self-report answering only with numbers wherever numbers are offered", async () => {
    const u = new ZaloUser(t.url, fake, SECRET);
    const citizenSteps = flows
      .get("self-report")!
      .steps.filter((s) => s.when?.step === "respondent" && s.when.in?.includes("citizen")).length;
    // consent, respondent (citizen), level (commune: a citizen is offered district and commune only),
    // locality (a numbered list of the commune's districts), unit (typed), each citizen question, summary (confirm)
    const done = await walk(u, "tự đánh giá", [
      "#1",
      "#2",
      "#2",
      "#1",
      "Xã Tân Trào",
      ...Array.from({ length: citizenSteps }, () => "#1"),
      "#1",
    ]);
    const code = /TD-\d{4}-\d{6}/.exec(done)![0];
    expect(await t.database.db.selfReport.findUnique({ where: { code } })).toMatchObject({
      respondentType: "citizen",
      level: "commune",
      localityId: "tq-city",
    });
  });

  /** Every number at the start of a line, in order: on Zalo each may appear once per message. */
  const lineNumbers = (m: string) => [...m.matchAll(/^(\d+)\. /gm)].map((x) => Number(x[1]));

  it("sends each level's targets once, as the numbered list itself, within one message", async () => {
    // Generated over the plan's levels: each opened from the menu's "Hỏi đáp" list.
    for (const [i, level] of knowledge.levels("vi").entries()) {
      const u = new ZaloUser(t.url, fake, SECRET);
      const menu = (await u.say("menu")).join("\n");
      const ask = numberedOptions(menu).find((o) => o.label === i18n.t("vi", "conversation.menu.ask"))!;
      await u.say(String(ask.n));
      const messages = await u.say(String(i + 1));
      const entries = knowledge.entriesOf(level.id, "vi");
      const where = `${level.label}: ${messages.join("\n").slice(0, 200)}`;
      expect(messages, where).toHaveLength(1);
      expect(lineNumbers(messages[0]!), where).toEqual(entries.map((_, i) => i + 1));
      for (const e of entries) expect(messages[0], where).toContain(e.label);
    }
  });

  it("shows the summary with one set of numbers (the choices), and “2” still leads to a field to edit", async () => {
    const u = new ZaloUser(t.url, fake, SECRET);
    const summary = await walk(u, "đề cử", [
      "#1",
      "#3",
      "UBND xã Minh Thanh",
      "#1",
      "Sơn Dương",
      "Số hóa toàn bộ hồ sơ một cửa của xã, 95% thủ tục được nộp trực tuyến trong năm 2024.",
      "#1",
      "Hà Thị Tóm",
      "0977 111 333",
      "#2",
    ]);
    expect(summary).toContain(i18n.t("vi", "nomination.summary"));
    expect(summary).toContain("• ");
    expect(lineNumbers(summary)).toEqual([1, 2, 3]);
    const which = (await u.say("2")).join("\n");
    expect(which).toContain(i18n.t("vi", "conversation.summary.which"));
    expect(numberedOptions(which).length).toBeGreaterThan(3);
  });

  it("never suggests a slash command on Zalo: the self-report's confirmation and an unknown command name words", async () => {
    const u = new ZaloUser(t.url, fake, SECRET);
    const citizenSteps = flows
      .get("self-report")!
      .steps.filter((s) => s.when?.step === "respondent" && s.when.in?.includes("citizen")).length;
    const done = await walk(u, "tự đánh giá", [
      "#1",
      "#2",
      "#2",
      "#1",
      "Xã Tân Trào",
      ...Array.from({ length: citizenSteps }, () => "#1"),
      "#1",
    ]);
    const code = /TD-\d{4}-\d{6}/.exec(done)![0];
    expect(done).not.toMatch(/\/[a-z]{3,}/);
    expect(done).toContain(`trạng thái ${code}`);
    const unknown = (await new ZaloUser(t.url, fake, SECRET).say("/abc")).join("\n");
    expect(unknown).toContain(i18n.t("vi", "conversation.unknown_command_words", { command: "/abc" }));
    expect(unknown).not.toMatch(/\/(trangthai|decu|huy|thongke)/);
    expect((await u.say(`trạng thái ${code}`, 2_500)).join("\n")).toContain(code);
  });
});
