import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";

import { NOMINATION_STEPS } from "./support.js";

const TOTAL = NOMINATION_STEPS;

const ACHIEVEMENTS =
  "Hướng dẫn hơn 300 hộ dân trong thôn cài đặt VNeID và nộp hồ sơ dịch vụ công trực tuyến, tổ chức lớp học kỹ năng số mỗi tuần.";

/** Answers the nomination flow up to the summary, as a citizen typing on a phone would. */
async function fillNomination(user: WebchatUser, nominee = "Nguyễn Văn An") {
  const start = await user.ask("đề cử");
  expect(start.at(-1)!.text).toContain("Bước 1/");
  await user.ask("đồng ý");
  const criterion = await user.ask("8");
  expect(criterion.map((r) => r.text).join("\n")).toContain("Theo Kế hoạch 154/KH-UBND");
  await user.ask(nominee);
  await user.ask("Thôn Làng Ngòi");
  await user.ask("yen son");
  await user.ask(ACHIEVEMENTS);
  await user.ask("bỏ qua");
  await user.ask("Trần Thị Bình");
  await user.ask("0912 345 678");
  const summary = await user.ask("người dân cùng địa bàn");
  return summary.at(-1)!;
}

describe("a citizen nominates through the web chat", () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("goes from “đề cử” to a DC-YYYY-NNNNNN code, stored with its consent, then sees its status", async () => {
    const user = new WebchatUser(t.url);
    const summary = await fillNomination(user);
    expect(summary.text).toContain("Nguyễn Văn An");
    expect(summary.text).toContain("+84912345678");
    const done = await user.ask("xác nhận");
    const codeMatch = /DC-\d{4}-\d{6}/.exec(done.map((r) => r.text).join("\n"));
    expect(codeMatch).not.toBeNull();
    const code = codeMatch![0];

    const row = await t.database.db.nomination.findUnique({ where: { code }, include: { person: true } });
    expect(row).toMatchObject({
      category: "citizen",
      nomineeName: "Nguyễn Văn An",
      nominatorPhone: "+84912345678",
      localityId: "tq-yen-son",
      consentVersion: "nd13-2023-v1",
      status: "submitted",
    });
    expect(row!.consentAt).toBeInstanceOf(Date);
    expect(row!.person!.externalId).toBe(user.chatId);
    const outbox = await t.database.db.outbox.findMany({ where: { topic: "nomination.submitted" } });
    expect(outbox.map((o) => (o.payload as { code: string }).code)).toContain(code);

    const status = await user.ask(`/trangthai ${code}`);
    expect(status[0]!.text).toContain(code);
    expect(status[0]!.text).toContain("chờ xét duyệt");

    const stranger = new WebchatUser(t.url);
    const other = await stranger.ask(`trạng thái ${code}`);
    expect(other[0]!.text).toContain("Không tìm thấy");
    const missing = await stranger.ask("trạng thái DC-2001-999999");
    expect(missing[0]!.text.replace("DC-2001-999999", code)).toBe(other[0]!.text);
  });

  it("keeps the answers when a typed answer is invalid and re-asks politely", async () => {
    const user = new WebchatUser(t.url);
    await user.ask("de cu");
    await user.ask("dong y");
    const wrong = await user.ask("số 42");
    expect(wrong.at(-1)!.text).toContain("chưa rõ lựa chọn");
    expect(wrong.at(-1)!.text).toContain("Bước 2/");
    const ok = await user.ask("hai");
    expect(ok.map((r) => r.text).join("\n")).toContain("Bước 3/");
  });

  it("ignores a press of an old button and answers the current question only once", async () => {
    const user = new WebchatUser(t.url);
    const first = await user.ask("đề cử");
    const consent = first.at(-1)!;
    await user.press(consent.choiceToken!, "yes");
    const afterFirst = await user.next(1);
    expect(afterFirst.at(-1)!.text).toContain("Bước 2/");
    await user.press(consent.choiceToken!, "yes");
    const stale = await user.next(1);
    expect(stale[0]!.text).toContain("đã cũ");
  });

  it("two messages of one chat sent together are both applied, in order", async () => {
    const user = new WebchatUser(t.url);
    await user.ask("đề cử");
    await user.ask("đồng ý");
    await user.ask("8");
    await Promise.all([user.say("Nguyễn Văn Song"), user.say("Thôn Song Song")]);
    const replies = await user.next(2);
    expect(replies.map((r) => r.text).join("\n")).toContain(`Bước 5/${TOTAL}`);
    const next = await user.ask("quay lại");
    expect(next.at(-1)!.text).toContain("Thôn Song Song");
  });
});

describe("a restart between two steps", () => {
  it("resumes where the user was in a freshly started system (same database and Redis)", async () => {
    const first = await startTestSystem();
    const user = new WebchatUser(first.url);
    await user.ask("đề cử");
    await user.ask("đồng ý");
    await first.system.stop();
    const second = await startTestSystem({ REDIS_PREFIX: first.prefix }, { database: first.database });
    try {
      const again = user.at(second.url);
      const next = await again.ask("8");
      expect(next.map((r) => r.text).join("\n")).toContain(`Bước 3/${TOTAL}`);
    } finally {
      await second.stop();
      await first.database.drop();
    }
  });
});
