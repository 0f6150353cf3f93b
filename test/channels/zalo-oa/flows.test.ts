/**
 * Every flow end to end on the Zalo OA channel, with buttons: signed events through the real
 * webhook, the real queues, engine, PostgreSQL and Redis, and a fake OA server that checks the
 * documented shapes (template buttons, the error envelope, tokens).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runZaloOaCommand } from "../../../src/cli/zalo-oa.js";
import { decideNomination } from "../../../src/review/decisions.js";
import { addReviewer } from "../../../src/review/reviewers.js";
import { createLoginLink } from "../../../src/review/login-links.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { buttonsOf, FakeZaloOa, OaUser, textOf, type OaSent } from "../../support/fake-zalo-oa.js";

const DAY = 24 * 3_600_000;

describe("a citizen on the Zalo OA", () => {
  let fake: FakeZaloOa;
  let t: TestSystem;
  let env: Record<string, string>;
  beforeAll(async () => {
    fake = await new FakeZaloOa().start();
    env = fake.env();
    t = await startTestSystem({ ...env, EVIDENCE_MAX_BYTES: String(1024 * 1024) });
    // The console's API Explorer pair, stored the way an IT officer would.
    const pair = fake.issuePair();
    const out: string[] = [];
    await runZaloOaCommand(
      ["set-tokens", "--access", pair.access, "--refresh", pair.refresh, "--expires-in", "90000"],
      { ...env, DATABASE_URL: t.database.url },
      { db: t.database.db, out: (l) => void out.push(l) },
    );
    expect(out.join("\n")).toContain("stored");
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("is greeted as talking to an automated assistant, with the menu as buttons (five) and the rest as numbers", async () => {
    const u = new OaUser(t.url, fake);
    const hi = await u.say("xin chào");
    expect(textOf(hi)).toContain("trợ lý tự động");
    expect(textOf(hi)).toContain("thông tin cần thu thập");
    expect(buttonsOf(hi)).toHaveLength(5);
    expect(buttonsOf(hi)[0]).toMatch(/^1\. Hỏi đáp/);
    expect(textOf(hi)).toMatch(/^6\. Tra cứu hồ sơ$/m);
    // Every button is hidden-query with a payload carrying the choice token.
    for (const b of hi.at(-1)!.buttons!)
      expect(b).toMatchObject({ type: "oa.query.hide", payload: expect.stringMatching(/^#c\|[^|]+\|.+$/) });
  });

  it("asks a question through the menu button and gets the plan's answer", async () => {
    const u = new OaUser(t.url, fake);
    await u.say("menu");
    const intro = await u.press(/Hỏi đáp/);
    expect(textOf(intro)).toContain("tìm hiểu tiêu chí");
    const answer = await u.say("chỉ tiêu cấp xã về dịch vụ công trực tuyến là bao nhiêu?");
    expect(textOf(answer)).toMatch(/%/);
    expect(textOf(answer)).toContain("Kế hoạch 154");
  });

  it("nominates with a photo (buttons for choices, typed text for the rest), then gets the review decision", async () => {
    const u = new OaUser(t.url, fake);
    await u.say("de cu");
    const consent = fake.sentTo(u.userId).at(-1)!;
    expect(consent.buttons?.map((b) => b.title)).toContain("Đồng ý");
    const category = await u.press("Đồng ý");
    expect(textOf(category)).toContain("Bước 2/11");
    // Option 8 has no button (five at most): typing its number works.
    const nominee = await u.say("8");
    expect(textOf(nominee)).toContain("Bước 3/11");
    await u.say("Nguyễn Văn Bền");
    await u.say("Thôn Làng Ngòi");
    await u.say("yen son");
    const evidence = await u.say(
      "Hướng dẫn hơn 200 hộ dân trong thôn cài đặt VNeID mức 2 và thanh toán không dùng tiền mặt.",
    );
    expect(textOf(evidence)).toMatch(/ảnh|minh chứng/i);
    const photo = await u.attach("image", `${fake.url}/media/photo.jpg`);
    expect(textOf(photo)).toContain("1/5");
    const pdf = await u.attach("file", `${fake.url}/media/report.pdf`, { name: "bao-cao.pdf", size: "521" });
    expect(textOf(pdf)).toContain("2/5");
    await u.say("xong");
    await u.say("Trần Thị Bình");
    const relation = await u.say("0912 345 678");
    const summary = buttonsOf(relation).length
      ? await u.press(buttonsOf(relation)[0]!)
      : await u.say("người dân cùng địa bàn");
    expect(textOf(summary)).toContain("Nguyễn Văn Bền");
    const confirm = buttonsOf(summary).find((b) => /xác nhận|gửi/i.test(b));
    expect(confirm, JSON.stringify(buttonsOf(summary))).toBeDefined();
    const done = await u.press(confirm!);
    const code = /DC-\d{4}-\d{6}/.exec(textOf(done))?.[0];
    expect(code, textOf(done)).toBeDefined();
    const row = await t.database.db.nomination.findUniqueOrThrow({
      where: { code: code! },
      include: { attachments: true, person: true },
    });
    expect(row).toMatchObject({
      category: "citizen",
      nomineeName: "Nguyễn Văn Bền",
      nominatorPhone: "+84912345678",
    });
    expect(row.person).toMatchObject({ channel: "zalo_oa", externalId: u.userId, chatId: u.userId });
    expect(row.attachments.map((a) => a.mime).sort()).toEqual(["application/pdf", "image/jpeg"]);

    // A reviewer approves it; the decision reaches the citizen on the OA.
    const reviewer = await addReviewer(t.database.db, { name: "Lê Thị Duyệt" });
    expect(
      (await decideNomination(t.database.db, { nominationId: row.id, action: "approve", reviewer })).ok,
    ).toBe(true);
    const decision = await fake.waitFor(
      () =>
        fake
          .sentTo(u.userId)
          .find((m) => m.text?.includes(code!) && /duyệt|chấp thuận|công nhận/i.test(m.text)),
      20_000,
      "the decision",
    );
    expect(decision.text).toContain(code);
  });

  it("self-reports with buttons", async () => {
    const u = new OaUser(t.url, fake);
    await u.say("menu");
    await u.press(/Tự đánh giá/);
    // A button's label typed without diacritics works like the button.
    const typed = await u.say("dong y");
    expect(textOf(typed)).toMatch(/Bước 2|tư cách|đối tượng/i);
    const pressed: string[] = [];
    const pressOrSay = async (label: RegExp, typed: string): Promise<OaSent[]> => {
      const last = [...fake.sentTo(u.userId)].reverse().find((s) => s.buttons?.length);
      if (!last?.buttons?.some((b) => label.test(b.title))) return u.say(typed);
      pressed.push(String(label));
      return u.press(label);
    };
    await pressOrSay(/cán bộ|công chức/i, "1");
    await pressOrSay(/xã/i, "cap xa");
    await u.say("yen son");
    const basic = await u.say("UBND xã Kim Phú");
    expect(textOf(basic)).toContain("kỹ năng số cơ bản");
    await pressOrSay(/đã tập huấn/i, "đã tập huấn");
    await u.say("06/2025");
    await u.say("3");
    await pressOrSay(/^(đã có|có)/i, "đã có");
    const summary = await pressOrSay(/^chưa/i, "chưa");
    expect(textOf(summary)).toContain("UBND xã Kim Phú");
    const done = await pressOrSay(/xác nhận|gửi/i, "xác nhận");
    const code = /TD-\d{4}-\d{6}/.exec(textOf(done))?.[0];
    expect(code, textOf(done)).toBeDefined();
    const row = await t.database.db.selfReport.findUniqueOrThrow({
      where: { code: code! },
      include: { person: true },
    });
    expect(row).toMatchObject({ respondentType: "official", level: "commune", unit: "UBND xã Kim Phú" });
    expect(row.person!.channel).toBe("zalo_oa");
    // Most answers went through buttons (hidden-query payloads), not typed text.
    expect(pressed.length, JSON.stringify(pressed)).toBeGreaterThanOrEqual(4);
  });

  it("a decision after the 7-day window marks the person unreachable, keeps the decision, and tells them when they are back", async () => {
    const u = new OaUser(t.url, fake);
    // A nomination made more than a week ago (the fastest way there: the web of the flow is tested above).
    await u.say("xin chào");
    const person = await t.database.db.person.findUniqueOrThrow({
      where: { channel_externalId: { channel: "zalo_oa", externalId: u.userId } },
    });
    const n = await t.database.db.nomination.create({
      data: {
        code: `DC-2026-9${String(Date.now()).slice(-5)}`,
        personId: person.id,
        idempotencyKey: `late-${u.userId}`,
        category: "citizen",
        nomineeName: "Hoàng Văn Muộn",
        nomineeUnit: "Thôn Bản",
        locality: "Yên Sơn",
        achievements: "Hướng dẫn người dân dùng dịch vụ công.",
        nominatorName: "Hoàng Thị Gửi",
        nominatorPhone: "+84912000111",
        relation: "hàng xóm",
        consentVersion: "v1",
        consentAt: new Date(),
      },
    });
    // Eight days of silence, as Zalo and our own record see it.
    const eightDaysAgo = Date.now() - 8 * DAY;
    fake.lastInteraction.set(u.userId, eightDaysAgo);
    await t.system.redis.set(`${t.prefix}:zalo_oa:interaction:${u.userId}`, String(eightDaysAgo));
    // Messages to this user only: the previous test's last reply to its own user may still be on its way.
    const csToUser = () =>
      fake
        .callsTo("/v3.0/oa/message/cs")
        .filter((c) => (c.body as { recipient?: { user_id?: string } }).recipient?.user_id === u.userId)
        .length;
    const csBefore = csToUser();
    const quotaBefore = fake.callsTo("/v3.0/oa/quota/message").length;

    const reviewer = await addReviewer(t.database.db, { name: "Phạm Văn Xét" });
    expect(
      (await decideNomination(t.database.db, { nominationId: n.id, action: "approve", reviewer })).ok,
    ).toBe(true);
    const deadline = Date.now() + 20_000;
    let unreachableAt: Date | null = null;
    while (!unreachableAt && Date.now() < deadline) {
      unreachableAt = (await t.database.db.person.findUniqueOrThrow({ where: { id: person.id } }))
        .unreachableAt;
      if (!unreachableAt) await new Promise((r) => setTimeout(r, 100));
    }
    expect(unreachableAt).not.toBeNull();
    // The pre-flight asked Zalo first, so nothing was sent (no billed or refused message).
    expect(fake.callsTo("/v3.0/oa/quota/message").length).toBeGreaterThan(quotaBefore);
    expect(csToUser()).toBe(csBefore);
    // The decision itself is kept.
    expect((await t.database.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe(
      "approved",
    );

    // Reviewers see it on the nomination page.
    const { url } = await createLoginLink(t.database.db, reviewer.id, t.url, { label: "cli" });
    const cookie = (await fetch(url, { redirect: "manual" })).headers.get("set-cookie")!.split(";")[0]!;
    const page = await (await fetch(`${t.url}/admin/n/${n.code}`, { headers: { cookie } })).text();
    expect(page).toContain("Không gửi được tin qua Zalo OA");

    // Back after the silence: the mark is cleared and the person is told to look the submission up.
    const back = await u.say("xin chào");
    expect(textOf(back)).toContain("trạng thái");
    expect(
      (await t.database.db.person.findUniqueOrThrow({ where: { id: person.id } })).unreachableAt,
    ).toBeNull();
  });
});
