import { describe, expect, it } from "vitest";
import { MediaRejectedError } from "../../src/channels/types.js";
import {
  ACHIEVEMENTS,
  buildEngine,
  ChatDriver,
  newPrefix,
  NOMINATION_STEPS,
  testRedis,
  toSummary,
  engineServices,
} from "./support.js";

/** Steps of the nomination as these tests walk it (a citizen), counted from flows/nomination.yaml. */
const TOTAL = NOMINATION_STEPS;

const text = ChatDriver.text;

describe("the conversation engine", () => {
  const services = engineServices();
  const engine = (extra: Partial<Parameters<typeof buildEngine>[0]> = {}) =>
    buildEngine({ db: services.db, redis: services.redis, prefix: newPrefix(), ...extra });

  it("shows where the user is and re-asks an invalid answer with a specific message, keeping earlier answers", async () => {
    const chat = new ChatDriver(engine());
    const first = await chat.say("đề cử");
    expect(text(first)).toContain(`Bước 1/${TOTAL}`);
    await chat.say("đồng ý");
    await chat.say("số 8");
    await chat.say("Nguyễn Văn An");
    await chat.say("Thôn Làng Ngòi");
    await chat.say("Yên Sơn");
    const short = await chat.say("Giỏi lắm");
    expect(text(short)).toContain("ít nhất 30 ký tự");
    expect(text(short)).toContain(`Bước 6/${TOTAL}`);
    await chat.say(ACHIEVEMENTS);
    await chat.say("bỏ qua");
    await chat.say("Trần Thị Bình");
    const phone = await chat.say("12345");
    expect(text(phone)).toContain("Số điện thoại chưa đúng");
    expect(text(phone)).toContain(`Bước 9/${TOTAL}`);
    await chat.say("+84 912.345.678");
    const summary = await chat.say("Đồng nghiệp");
    expect(text(summary)).toContain("Nguyễn Văn An");
    expect(text(summary)).toContain("+84912345678");
    expect(text(summary)).toContain(`Bước 11/${TOTAL}`);
  });

  it("goes back one step with “quay lại” and shows the answer given there", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("de cu");
    await chat.say("dong y");
    await chat.say("Cá nhân: người dân tích cực ứng dụng, lan tỏa chuyển đổi số");
    await chat.say("Nguyễn Văn An");
    const back = await chat.say("quay lại");
    expect(text(back)).toContain(`Bước 3/${TOTAL}`);
    expect(text(back)).toContain("Nguyễn Văn An");
    const again = await chat.say("Nguyễn Văn Bình");
    expect(text(again)).toContain(`Bước 4/${TOTAL}`);
  });

  it("edits a field picked by number from the summary, then returns to the summary", async () => {
    const chat = new ChatDriver(engine());
    await toSummary(chat);
    const edit = await chat.say("sửa 2");
    expect(text(edit)).toContain("Họ tên của cá nhân");
    const back = await chat.say("Lê Thị Cúc");
    expect(text(back)).toContain("kiểm tra lại thông tin");
    expect(text(back)).toContain("Lê Thị Cúc");
    expect(text(back)).not.toContain("Nguyễn Văn An");
    // The same through the buttons: Sửa thông tin → pick field 9 (relation).
    await chat.press("edit");
    await chat.say("9");
    const after = await chat.say("Lãnh đạo, quản lý");
    expect(text(after)).toContain("Quan hệ: Lãnh đạo, quản lý");
  });

  it("changing the category asks the step that now applies before returning to the summary", async () => {
    const chat = new ChatDriver(engine());
    await toSummary(chat);
    await chat.say("sửa 1");
    const next = await chat.say("1");
    expect(text(next)).toContain("Cơ quan chủ quản");
    const summary = await chat.say("bỏ qua");
    expect(text(summary)).toContain("kiểm tra lại thông tin");
    expect(text(summary)).toContain("Tập thể: cơ quan, đơn vị cấp tỉnh");
  });

  it("cancels only after a confirmation", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("đề cử");
    await chat.say("đồng ý");
    const ask = await chat.say("hủy");
    expect(text(ask)).toContain("có chắc muốn hủy");
    const no = await chat.say("không");
    expect(text(no)).toContain("Bước 2/");
    await chat.say("/huy");
    const yes = await chat.say("có");
    expect(text(yes)).toContain("Đã hủy");
    const after = await chat.say("Nguyễn Văn An");
    expect(text(after)).not.toContain("Bước");
  });

  it("skips an optional step with “bỏ qua” and refuses to skip a required one", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("đề cử");
    await chat.say("đồng ý");
    const required = await chat.say("bỏ qua");
    expect(text(required)).toContain("Bước này cần có thông tin");
    await chat.say("1");
    await chat.say("Sở Thông tin và Truyền thông");
    const optional = await chat.say("bỏ qua");
    expect(text(optional)).toContain("Bước 5/");
  });

  it("asks a user returning after 30 minutes whether to continue or start over", async () => {
    const clock = { now: Date.now() };
    const chat = new ChatDriver(engine({ clock: () => clock.now }), "webchat", clock);
    await chat.say("đề cử");
    await chat.say("đồng ý");
    await chat.say("8");
    clock.now += 31 * 60_000;
    const resume = await chat.say("Nguyễn Văn An");
    expect(text(resume)).toContain("quay lại");
    expect(text(resume)).toContain(`3/${TOTAL}`);
    const cont = await chat.say("tiếp tục");
    expect(text(cont)).toContain(`Bước 3/${TOTAL}`);
    clock.now += 40 * 60_000;
    await chat.say("x");
    const restart = await chat.press("restart");
    expect(text(restart)).toContain(`Bước 1/${TOTAL}`);
  });

  it("forgets a session after its TTL: the next message starts fresh", async () => {
    const chat = new ChatDriver(engine({ sessionTtlSeconds: 1 }));
    await chat.say("đề cử");
    await chat.say("đồng ý");
    await new Promise((r) => setTimeout(r, 1_200));
    const fresh = await chat.say("menu");
    expect(text(fresh)).not.toContain("Tiếp tục");
    expect(text(fresh)).toContain("Đề cử điển hình");
  });

  it("answers a stale button with a short note and changes nothing", async () => {
    const chat = new ChatDriver(engine());
    const start = await chat.say("đề cử");
    const oldToken = start.at(-1)!.choiceToken!;
    await chat.press("yes", oldToken);
    const stale = await chat.press("yes", oldToken);
    expect(text(stale)).toContain("đã cũ");
    const current = await chat.press("citizen");
    expect(text(current)).toContain("Bước 3/");
  });

  it("resumes where the user was in a new engine instance (a crash between two steps)", async () => {
    const prefix = newPrefix();
    const first = new ChatDriver(buildEngine({ db: services.db, redis: services.redis, prefix }));
    await first.say("đề cử");
    await first.say("đồng ý");
    await first.say("8");
    const restarted = buildEngine({ db: services.db, redis: testRedis(), prefix });
    first.engine = restarted;
    const next = await first.say("Nguyễn Văn An");
    expect(text(next)).toContain(`Bước 4/${TOTAL}`);
  });

  it("returns the stored replies for a message processed twice (a retried job) without re-processing", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("đề cử");
    const msg = chat.message({ text: "đồng ý" });
    const once = await chat.send(msg);
    const twice = await chat.send(msg);
    expect(twice).toEqual(once);
    const next = await chat.say("8");
    expect(text(next)).toContain("Bước 3/");
  });

  it("a retried job in a group returns the same private-chat link, in the conversation's language", async () => {
    const chat = new ChatDriver(engine(), "telegram");
    const msg = chat.message({ text: "đề cử", chatType: "group", userId: "4242" });
    const once = await chat.send(msg);
    expect(once.at(-1)).toMatchObject({ openPrivate: { start: "nomination" }, lang: "vi" });
    expect(await chat.send(msg)).toEqual(once);
  });

  it("processes two messages of one chat sent together one after the other, without corrupting the session", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("đề cử");
    await chat.say("đồng ý");
    await chat.say("8");
    const [a, b] = await Promise.all([chat.say("Nguyễn Văn An"), chat.say("Thôn Làng Ngòi")]);
    expect(text(a)).toContain(`Bước 4/${TOTAL}`);
    expect(text(b)).toContain(`Bước 5/${TOTAL}`);
    const summaryPath = await chat.say("Yên Sơn");
    expect(text(summaryPath)).toContain(`Bước 6/${TOTAL}`);
  });

  it("answers unsupported content politely and keeps the current step", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("đề cử");
    const r = await chat.send(chat.message({ unsupported: "sticker" }));
    expect(text(r)).toContain("chưa đọc được");
    expect(text(r)).toContain("Bước 1/");
  });

  it("discards a corrupt session politely", async () => {
    const prefix = newPrefix();
    const chat = new ChatDriver(buildEngine({ db: services.db, redis: services.redis, prefix }));
    await services.redis.set(`${prefix}:sess:webchat:${chat.chatId}`, "{not json", "EX", 60);
    const r = await chat.say("menu");
    expect(text(r)).toContain("không đọc được");
    expect(text(r)).toContain("Đề cử điển hình");
  });

  it("stores photos at once as pending evidence, accepts links, refuses a too large file and links them on confirmation", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const chat = new ChatDriver(
      engine({
        fetchMedia: async (_c, ref) => {
          if (ref.fileId === "big") throw new MediaRejectedError("too_large");
          return { bytes: png, mime: "image/png", fileName: "anh.png" };
        },
      }),
    );
    await chat.say("đề cử");
    await chat.say("đồng ý");
    await chat.say("8");
    await chat.say("Nguyễn Văn Ảnh");
    await chat.say("Thôn Làng Ngòi");
    await chat.say("Yên Sơn");
    await chat.say(ACHIEVEMENTS);
    const big = await chat.media({ kind: "photo", fileId: "big" });
    expect(text(big)).toContain("Tệp quá lớn");
    const photo = await chat.media({ kind: "photo", fileId: "ok" });
    expect(text(photo)).toContain("1/5");
    const link = await chat.say("https://baotuyenquang.com.vn/bai-viet");
    expect(text(link)).toContain("2/5");
    await chat.say("xong");
    await chat.say("Trần Thị Bình");
    await chat.say("0912345678");
    await chat.say("Đồng nghiệp");
    const done = await chat.say("xác nhận");
    const code = /DC-\d{4}-\d{6}/.exec(text(done))![0];
    const row = await services.db.nomination.findUnique({ where: { code }, include: { attachments: true } });
    expect(row!.attachments.map((a) => a.kind).sort()).toEqual(["link", "photo"]);
    expect(row!.attachments.find((a) => a.kind === "photo")!.size).toBe(png.length);
  });

  it("sends text outside a flow to question answering and offers to forward an unanswered one", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("menu");
    const answered = await chat.say("chỉ tiêu hồ sơ công việc cấp xã");
    expect(text(answered)).toContain("154/KH-UBND");
    const none = await chat.say("giá vàng hôm nay bao nhiêu");
    expect(none.at(-1)!.choices!.map((c) => c.id)).toContain("forward");
    await chat.press("forward");
    const ok = await chat.say("đồng ý");
    expect(text(ok)).toContain("Đã chuyển câu hỏi");
    const q = await services.db.forwardedQuestion.findFirst({
      where: { question: "giá vàng hôm nay bao nhiêu" },
    });
    expect(q).not.toBeNull();
    expect(
      await services.db.outbox.count({
        where: { topic: "question.forwarded", payload: { equals: { questionId: q!.id } } },
      }),
    ).toBe(1);
  });

  it("offers forwarding to an official beside a “did you mean” list, and forwards on request", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("menu");
    const choices = await chat.say("phân tích dữ liệu");
    const ids = choices.at(-1)!.choices!.map((c) => c.id);
    expect(ids.length).toBeGreaterThan(2);
    expect(ids.at(-1)).toBe("forward");
    await chat.press("forward");
    const ok = await chat.say("đồng ý");
    expect(text(ok)).toContain("Đã chuyển câu hỏi");
    expect(
      await services.db.forwardedQuestion.findFirst({ where: { question: "phân tích dữ liệu" } }),
    ).not.toBeNull();
  });

  it("shows a village the commune's nearest target with the plan's note, and offers an official too", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("menu");
    const r = await chat.say("thôn phải có bao nhiêu % hộ gia đình có địa chỉ số");
    expect(text(r)).toContain("không đặt chỉ tiêu riêng cho thôn");
    expect(text(r)).toContain("100% hộ gia đình có địa chỉ số");
    expect(r.at(-1)!.choices!.map((c) => c.id)).toContain("forward");
    // Asked of the commune by name, the same target is a plain answer.
    const commune = await chat.say("xã tôi có 9 thôn, bao nhiêu % hộ gia đình phải có địa chỉ số");
    expect(text(commune)).not.toContain("không đặt chỉ tiêu riêng cho thôn");
    expect(commune.at(-1)!.choices?.map((c) => c.id) ?? []).not.toContain("forward");
  });

  it("switches language with /ngonngu (a choice of Tiếng Việt / English) and remembers it", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("/ngonngu");
    const r = await chat.say("English");
    expect(text(r)).toContain("Switched to English");
    const menu = await chat.say("/menu");
    expect(text(menu)).toContain("How can I help");
    const person = await services.db.person.findFirst({ where: { externalId: chat.chatId } });
    expect(person!.language).toBe("en");
  });

  it("queues a “delete my data” request for a reviewer after a confirmation", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("xin chào");
    const ask = await chat.say("xóa dữ liệu của tôi");
    expect(text(ask)).toContain("Nghị định 13/2023");
    const done = await chat.say("có");
    expect(text(done)).toContain("Đã tiếp nhận yêu cầu xóa dữ liệu");
    const person = await services.db.person.findFirst({ where: { externalId: chat.chatId } });
    const req = await services.db.deletionRequest.findFirst({ where: { personId: person!.id } });
    expect(req).toMatchObject({ status: "requested", channel: "webchat", chatId: chat.chatId });
    expect(
      await services.db.outbox.count({
        where: { topic: "deletion.requested", payload: { equals: { requestId: req!.id } } },
      }),
    ).toBe(1);
  });

  it("browses the plan from the menu: levels, then a level's entries, then one entry", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("menu");
    const levels = await chat.say("hỏi đáp về phong trào");
    expect(levels.at(-1)!.choices!.map((c) => c.label)).toContain("Cấp xã");
    const entries = await chat.say("cap xa");
    expect(entries.at(-1)!.choices!.length).toBeGreaterThan(2);
    const entry = await chat.press("0");
    expect(text(entry)).toContain("154/KH-UBND");
  });

  it("greets a first-time user whose platform speaks English in English", async () => {
    const chat = new ChatDriver(engine());
    const r = await chat.send(chat.message({ text: "hello", languageHint: "en" }));
    expect(text(r)).toContain("Welcome");
    expect(text(r)).toContain("Nominate an example");
  });

  it("deletes the evidence files of a nomination the user cancels", async () => {
    const chat = new ChatDriver(
      engine({
        fetchMedia: async () => ({
          bytes: Buffer.from("%PDF-1.4 test"),
          mime: "application/pdf",
          fileName: "bang-khen.pdf",
        }),
      }),
    );
    await chat.say("đề cử");
    await chat.say("đồng ý");
    await chat.say("8");
    await chat.say("Nguyễn Văn Huỷ");
    await chat.say("Thôn 3");
    await chat.say("Na Hang");
    await chat.say(ACHIEVEMENTS);
    await chat.media({ kind: "document", fileId: "doc" });
    expect(
      await services.db.attachment.count({ where: { fileName: "bang-khen.pdf", nominationId: null } }),
    ).toBe(1);
    await chat.say("hủy");
    await chat.say("có");
    expect(await services.db.attachment.count({ where: { fileName: "bang-khen.pdf" } })).toBe(0);
  });

  it("runs the flow in English with English labels typed, and explains how to look up a status", async () => {
    const chat = new ChatDriver(engine());
    await chat.send(chat.message({ text: "hello", languageHint: "en" }));
    const start = await chat.say("nominate");
    expect(text(start)).toContain(`Step 1/${TOTAL}`);
    await chat.say("I agree");
    const criterion = await chat.say("citizen actively applying");
    expect(text(criterion)).toContain(`Step 3/${TOTAL}`);
    const how = await chat.say("/trangthai");
    expect(text(how)).toContain("status DC-");
    const vi = await chat.say("tiếng việt");
    expect(text(vi)).toContain("Đã chuyển sang tiếng Việt");
  });
});
