import { describe, expect, it } from "vitest";
import { buildEngine, ChatDriver, engineServices, newPrefix, toSummary } from "../conversation/support.js";
import { submitNomination, vietnamYear } from "../../src/nominations/index.js";
import { formatCode } from "../../src/db/codes.js";

const text = ChatDriver.text;
const codeIn = (s: string) => /DC-\d{4}-\d{6}/.exec(s)?.[0];

describe("nominations", () => {
  const database = engineServices();
  const engine = (extra: Partial<Parameters<typeof buildEngine>[0]> = {}) =>
    buildEngine({ db: database.db, redis: database.redis, prefix: newPrefix(), ...extra });

  it("gives sequential codes of the current year, never reused, and one nomination per confirmation", async () => {
    const pokes: number[] = [];
    const chat = new ChatDriver(engine({ pokeOutbox: () => pokes.push(1) }));
    await toSummary(chat, "Hoàng Văn Một");
    const first = codeIn(text(await chat.say("xác nhận")))!;
    await toSummary(chat, "Hoàng Văn Hai");
    const second = codeIn(text(await chat.say("xác nhận")))!;
    const year = vietnamYear(new Date());
    expect(first).toMatch(new RegExp(`^DC-${year}-\\d{6}$`));
    expect(Number(second.slice(-6))).toBe(Number(first.slice(-6)) + 1);
    expect(pokes.length).toBe(2);
    // A stale "Xác nhận gửi" button after the submission changes nothing.
    const summaryToken = chat.last!.choiceToken!;
    await chat.press("confirm", summaryToken);
    expect(await database.db.nomination.count({ where: { nomineeName: "Hoàng Văn Hai" } })).toBe(1);
  });

  it("a retried submission with the same idempotency key returns the first nomination", async () => {
    const person = await database.db.person.create({
      data: { channel: "webchat", externalId: "idem", chatId: "idem" },
    });
    const input = {
      personId: person.id,
      idempotencyKey: "webchat:idem:run1",
      category: "citizen" as const,
      nomineeName: "A B",
      nomineeUnit: "Thôn 1",
      locality: "Yên Sơn",
      localityId: "tq-yen-son",
      achievements: "x".repeat(40),
      nominatorName: "C D",
      nominatorPhone: "+84912345678",
      relation: "Đồng nghiệp",
      consentVersion: "nd13-2023-v1",
      consentAt: new Date(),
      attachmentIds: [],
      links: [],
    };
    const a = await submitNomination(database.db, input, { maxPerDay: 5, now: new Date() });
    const b = await submitNomination(database.db, input, { maxPerDay: 5, now: new Date() });
    expect(b).toEqual({ ...a, created: false });
    expect(await database.db.nomination.count({ where: { idempotencyKey: "webchat:idem:run1" } })).toBe(1);
  });

  it("warns about a second nomination of the same nominee within 30 days and asks whether to continue", async () => {
    const chat = new ChatDriver(engine());
    await toSummary(chat, "Đặng Thị Trùng");
    const code = codeIn(text(await chat.say("xác nhận")))!;
    await chat.say("đề cử");
    await chat.say("đồng ý");
    await chat.say("8");
    const warning = await chat.say("dang thi trung");
    expect(text(warning)).toContain(code);
    expect(text(warning)).toContain("30 ngày");
    const stop = await chat.say("dừng lại");
    expect(text(stop)).toContain("Đã dừng");
  });

  it("politely refuses more than the daily number of submissions", async () => {
    const chat = new ChatDriver(engine({ maxPerDay: 1 }));
    await toSummary(chat, "Người Thứ Nhất");
    expect(codeIn(text(await chat.say("xác nhận")))).toBeDefined();
    const refused = await chat.say("đề cử");
    expect(text(refused)).toContain("tối đa trong một ngày");
    expect(text(refused)).not.toContain("Bước");
  });

  it("tells the user to try again when the database fails at confirmation, records nothing half-written, and succeeds later", async () => {
    const chat = new ChatDriver(engine());
    await toSummary(chat, "Phạm Văn Lỗi");
    const before = await database.db.codeCounter.findMany();
    // The outbox row is the last write of the transaction: break it so the nomination insert must roll back.
    await database.db.$executeRawUnsafe(`alter table "Outbox" rename to "Outbox_broken"`);
    let failed;
    try {
      failed = await chat.say("xác nhận");
    } finally {
      await database.db.$executeRawUnsafe(`alter table "Outbox_broken" rename to "Outbox"`);
    }
    expect(text(failed)).toContain("vui lòng gửi lại");
    expect(text(failed)).toContain("kiểm tra lại thông tin");
    expect(await database.db.nomination.count({ where: { nomineeName: "Phạm Văn Lỗi" } })).toBe(0);
    expect(await database.db.codeCounter.findMany()).toEqual(before);
    const ok = await chat.say("xác nhận");
    const code = codeIn(text(ok))!;
    const row = await database.db.nomination.findUnique({ where: { code } });
    expect(row!.nomineeName).toBe("Phạm Văn Lỗi");
  });

  it("shows the status only to the submitter and lets them withdraw a pending nomination", async () => {
    const owner = new ChatDriver(engine());
    await toSummary(owner, "Vũ Thị Rút");
    const code = codeIn(text(await owner.say("xác nhận")))!;
    const stranger = new ChatDriver(engine());
    const nope = await stranger.say(`rút hồ sơ ${code}`);
    expect(text(nope)).toContain("Không tìm thấy");
    const status = await owner.say(`trạng thái ${code.toLowerCase()}`);
    expect(text(status)).toContain("chờ xét duyệt");
    await owner.press("withdraw");
    const done = await owner.say("có");
    expect(text(done)).toContain(`Đã rút hồ sơ ${code}`);
    const row = await database.db.nomination.findUnique({ where: { code } });
    expect(row!.status).toBe("withdrawn");
    expect(
      await database.db.auditLog.count({
        where: { subjectId: row!.id, action: "withdraw", actor: "submitter" },
      }),
    ).toBe(1);
    const again = await owner.say(`rút hồ sơ ${code}`);
    expect(text(again)).toContain("không thể rút");
  });

  it("lists approved, publishable nominations as exemplary examples", async () => {
    const chat = new ChatDriver(engine());
    const none = await chat.say("menu");
    expect(text(none)).toContain("Gương điển hình");
    await database.db.nomination.create({
      data: {
        code: formatCode("DC", 1999, 1),
        idempotencyKey: "example-1",
        category: "commune",
        nomineeName: "UBND xã Mẫu",
        nomineeUnit: "Huyện Sơn Dương",
        locality: "Sơn Dương",
        achievements: "100% hồ sơ công việc xử lý trên môi trường mạng.",
        nominatorName: "x",
        nominatorPhone: "+84912345678",
        relation: "x",
        consentVersion: "v",
        consentAt: new Date(),
        status: "approved",
        publishable: true,
        decidedAt: new Date(),
      },
    });
    const examples = await chat.say("Gương điển hình");
    expect(text(examples)).toContain("UBND xã Mẫu");
    expect(text(examples)).toContain("Tập thể: cấp xã");
  });
});
