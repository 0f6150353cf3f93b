/**
 * Zalo as it really behaves (see docs/zalo.md): payload shapes beyond the documented one, protected
 * senders, link previews, groups, and the docs' error table — each through the real webhook,
 * queues, PostgreSQL and Redis, against the fake Zalo API.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { FakeZalo, ZALO_ANSWERS, ZALO_PAYLOADS, ZaloUser } from "../../support/fake-zalo.js";

const SECRET = "zalo-secret-cases";
const newChat = () => `c${randomBytes(9).toString("hex")}`;
const settle = (ms = 700) => new Promise((r) => setTimeout(r, ms));

describe("Zalo as the platform really behaves", () => {
  let fake: FakeZalo;
  let t: TestSystem;
  const logs: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    fake = await new FakeZalo().start();
    t = await startTestSystem(
      {
        ZALO_BOT_TOKEN: "123:abc",
        ZALO_WEBHOOK_SECRET: SECRET,
        ZALO_API_ROOT: fake.url,
        EVIDENCE_MAX_BYTES: String(1024 * 1024),
      },
      { logs },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  const post = (event: unknown, raw?: string) =>
    fetch(`${t.url}/webhooks/zalo`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-bot-api-secret-token": SECRET },
      body: raw ?? JSON.stringify(event),
    });

  it("stores an evidence photo in every shape public implementations report", async () => {
    const u = new ZaloUser(t.url, fake, SECRET);
    for (const text of ["de cu", "1", "so 4", "Hợp tác xã Chè Xanh", "bo qua", "Ham Yen"]) await u.say(text);
    expect(
      (await u.say("Ứng dụng truy xuất nguồn gốc bằng mã QR cho toàn bộ sản phẩm chè của hợp tác xã.")).join(
        "\n",
      ),
    ).toMatch(/minh chứng/i);
    const shapes = ZALO_PAYLOADS.imageShapes(u.chatId, `${fake.url}/media/photo.jpg`);
    for (const [i, { shape, event }] of shapes.entries()) {
      const res = await u.post(event);
      expect(res.status, shape).toBe(200);
      const seen = fake.textsTo(u.chatId).length;
      const wanted = i + 1 < 5 ? `${i + 1}/5` : "đủ 5";
      await fake.waitFor(() => fake.textsTo(u.chatId).slice(seen).join("\n").includes(wanted), 10_000, shape);
    }
    expect(
      await t.system.db.attachment.count({ where: { kind: "photo", nominationId: null } }),
    ).toBeGreaterThanOrEqual(shapes.length);
  });

  it("acknowledges a shape it cannot read (never 400), logs its field names only, and answers the person", async () => {
    const chat = newChat();
    const odd = {
      event_name: "message.image.received",
      message: {
        message_id: `odd-${chat}`,
        date: Date.now(),
        chat: { id: chat, chat_type: "PRIVATE" },
        from: { id: chat, display_name: "Bà Hoa" },
        picture: { secret_field: "0912345678" },
      },
    };
    expect((await post(odd)).status).toBe(200);
    expect((await fake.nextTexts(chat, 0)).join("\n")).toContain("chưa đọc được");
    const line = logs.find((l) => String(l.msg).includes("unknown shape") && l.chatId === chat)!;
    expect(line.keys).toContain("picture{secret_field}");
    expect(JSON.stringify(line)).not.toContain("0912345678");
    expect(JSON.stringify(line)).not.toContain("Bà Hoa");

    // No chat at all, an unparseable body: logged and acknowledged too.
    expect(
      (await post({ event_name: "message.text.received", message: { message_id: "x", text: "hi" } })).status,
    ).toBe(200);
    expect((await post(undefined, "{not json")).status).toBe(200);
    expect(
      logs.some(
        (l) =>
          String(l.msg).includes("unreadable Zalo event") &&
          String(l.keys).includes("message{message_id,text}"),
      ),
    ).toBe(true);
  });

  it("tells a protected sender once, kindly, and does not loop", async () => {
    const chat = newChat();
    for (let i = 0; i < 3; i++) expect((await post(ZALO_PAYLOADS.unsupported(chat))).status).toBe(200);
    await fake.nextTexts(chat, 0);
    await settle();
    const texts = fake.textsTo(chat);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("không đọc được tin nhắn từ tài khoản này");
    expect(texts[0]).not.toContain("vui lòng gõ chữ");
  });

  it("reads a link preview as the link, and asks for the address when Zalo withheld it", async () => {
    const chat = newChat();
    await post(ZALO_PAYLOADS.text(chat, "xin chào"));
    await fake.nextTexts(chat, 0);
    const before = fake.textsTo(chat).length;
    await post(ZALO_PAYLOADS.linkPreview(chat, "https://tuyenquang.gov.vn/bai-viet/chuyen-doi-so"));
    const reply = (await fake.nextTexts(chat, before)).join("\n");
    expect(reply).not.toContain("vui lòng gõ chữ");
    const after = fake.textsTo(chat).length;
    await post(ZALO_PAYLOADS.linkWithoutAddress(chat));
    const asked = (await fake.nextTexts(chat, after)).join("\n");
    expect(asked).toContain("dán đường link");
    expect(asked).not.toContain("vui lòng gõ chữ");
  });

  for (const [name, answer] of [
    ["403 (the docs' internal server error)", ZALO_ANSWERS.internalError403],
    ["403 under HTTP 200", ZALO_ANSWERS.internalError403With200],
    ["408 (timeout)", ZALO_ANSWERS.timeout408],
  ] as const) {
    it(`retries a send refused with ${name} and delivers it`, async () => {
      const chat = newChat();
      fake.failNext("sendMessage", answer);
      await post(ZALO_PAYLOADS.text(chat, "xin chào"));
      const texts = await fake.nextTexts(chat, 0, 1, 500, 15_000);
      expect(texts.length).toBeGreaterThan(0);
      const attempts = fake.callsOf("sendMessage").filter((c) => c.body.chat_id === chat);
      expect(attempts[0]!.ok).toBe(false);
      expect(attempts[1]!.body.text).toBe(attempts[0]!.body.text);
      expect(
        await t.system.db.person.count({
          where: { channel: "zalo", chatId: chat, unreachableAt: { not: null } },
        }),
      ).toBe(0);
    });
  }

  it("in a group: answers plan questions, moves personal data to a private chat, and keeps one session per member", async () => {
    const group = newChat();
    const [an, binh] = [newChat(), newChat()];
    await post(ZALO_PAYLOADS.text(group, "@TroLyCDS chỉ tiêu cấp xã", an, "GROUP"));
    const answer = (await fake.nextTexts(group, 0)).join("\n");
    expect(answer).toMatch(/xã/);
    const n1 = fake.textsTo(group).length;
    await post(ZALO_PAYLOADS.text(group, "đề cử", an, "GROUP"));
    const moved = (await fake.nextTexts(group, n1)).join("\n");
    expect(moved).toContain("nhắn tin trực tiếp");
    expect(moved).not.toMatch(/Bước 1\//);
    // Binh's words are Binh's: An's session in the group is not touched by them.
    await post(ZALO_PAYLOADS.text(group, "menu", binh, "GROUP"));
    await fake.nextTexts(group, n1 + 1);
    const keys = await t.system.redis.keys(`${t.prefix}:sess:zalo:${group}*`);
    expect(keys.filter((k) => !k.endsWith(":lock")).sort()).toEqual(
      [`${t.prefix}:sess:zalo:${group}~${an}`, `${t.prefix}:sess:zalo:${group}~${binh}`].sort(),
    );
    // Notifications about An's submissions go to An's private chat, never to the group.
    const person = await t.system.db.person.findFirstOrThrow({ where: { channel: "zalo", externalId: an } });
    expect(person.chatId).toBe(an);
  });

  // Everything that shows or changes a person's own records is for a private chat, however it is asked.
  for (const text of [
    "trạng thái DC-2026-000001",
    "DC-2026-000001",
    "rút hồ sơ DC-2026-000001",
    "hồ sơ của tôi",
    "câu hỏi của tôi",
    "xóa dữ liệu của tôi",
    "/start nomination",
  ]) {
    it(`in a group, “${text}” is answered by moving to a private chat`, async () => {
      const group = newChat();
      await post(ZALO_PAYLOADS.text(group, `@TroLyCDS ${text}`, newChat(), "GROUP"));
      const reply = (await fake.nextTexts(group, 0)).join("\n");
      expect(reply).toContain("nhắn tin trực tiếp");
      expect(reply).not.toMatch(/Bước 1\/|DC-2026-000001|xác nhận/i);
    });
  }
});
