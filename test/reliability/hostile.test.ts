/**
 * Hostile and careless input (issue 9): none of it may crash a process, corrupt a session or leave
 * partial records, and a person always gets a polite answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { codeIn, fillNominationUntilSummary } from "../support/nomination.js";
import { partitionOf } from "../../src/queue/partitioned-queue.js";
import { newChatId, postUpdate, SECRET, textUpdate, user } from "../channels/telegram/updates.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ZALO_SECRET = "zalo-secret-1";

describe("hostile input", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      ZALO_BOT_TOKEN: "9:z",
      ZALO_WEBHOOK_SECRET: ZALO_SECRET,
      ZALO_API_ROOT: fake.url,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("refuses oversized bodies, wrong content types and wrong or missing secrets; acknowledges authenticated malformed JSON", async () => {
    const huge = JSON.stringify(textUpdate(newChatId(), "x".repeat(2_000_000)));
    expect((await postUpdate(t.url, huge)).status).toBe(413);
    // Authenticated, so it is the platform: a 4xx would only make it redeliver the same bytes.
    expect((await postUpdate(t.url, '{"update_id": 1,')).status).toBe(200);
    expect(
      (await postUpdate(t.url, "update_id=1", SECRET, "application/x-www-form-urlencoded")).status,
    ).toBeGreaterThanOrEqual(400);
    expect((await postUpdate(t.url, textUpdate(newChatId(), "hi"), "wrong-secret")).status).toBe(401);
    expect((await postUpdate(t.url, textUpdate(newChatId(), "hi"), null)).status).toBe(401);
    const zalo = (body: string, secret: string | null, type = "application/json") =>
      fetch(`${t.url}/webhooks/zalo`, {
        method: "POST",
        headers: { "content-type": type, ...(secret ? { "x-bot-api-secret-token": secret } : {}) },
        body,
      });
    expect((await zalo("x".repeat(2_000_000), ZALO_SECRET)).status).toBe(413);
    expect((await zalo("{nope", ZALO_SECRET)).status).toBe(200);
    expect([401, 403]).toContain((await zalo("{}", "nope")).status);
    // Still healthy, and nothing of the above reached the platform.
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    expect(fake.callsOf("sendMessage")).toHaveLength(0);
  });

  it("answers a 10,000-character message politely", async () => {
    const chat = newChatId();
    expect((await postUpdate(t.url, textUpdate(chat, "chỉ tiêu ".repeat(1_112)))).status).toBe(200);
    const [reply] = await fake.waitFor("sendMessage", { chatId: chat });
    expect(String(reply!.body.text).length).toBeGreaterThan(0);
    expect(String(reply!.body.text).length).toBeLessThanOrEqual(4096);
  });

  it("escapes HTML and script typed into free text on Telegram, and stores SQL-looking text verbatim", async () => {
    const chat = newChatId();
    const nominee = '<script>alert(1)</script> Robert\'); DROP TABLE "Nomination";--';
    for (const text of ["đề cử", "đồng ý", "8", nominee]) {
      expect((await postUpdate(t.url, textUpdate(chat, text))).status).toBe(200);
      await sleep(300);
    }
    await fake.waitFor("sendMessage", { chatId: chat, count: 4, timeoutMs: 15_000 });
    const sent = fake.callsOf("sendMessage", chat);
    for (const call of sent) {
      expect(String(call.body.text)).not.toContain("<script>");
      expect(call.body.parse_mode ?? "HTML").toBe("HTML");
    }
    // The table is intact and the session goes on.
    expect(await t.system.db.nomination.count()).toBeGreaterThanOrEqual(0);
  });

  it("normalises names typed in decomposed Unicode with control characters", async () => {
    const web = new WebchatUser(t.url);
    await fillNominationUntilSummary(web, { nominee: "Nguye\u0302\u0303n\u0007 Thi\u0323 Ha\u0300\u200b" });
    const code = codeIn(await web.ask("xác nhận"));
    expect(code).toBeTruthy();
    const row = await t.system.db.nomination.findUniqueOrThrow({ where: { code: code! } });
    expect(row.nomineeName).toBe("Nguyễn Thị Hà".normalize("NFC"));
  });

  it("throttles a flood of 200 messages from one user in 10 s, and other users are unaffected", {
    timeout: 90_000,
  }, async () => {
    const flooder = newChatId();
    // A user in another partition: messages of one partition are handled one at a time, so a user
    // who shares the flooder's partition waits behind the (cheaply dropped) flood — a known limit.
    let bystander = newChatId();
    while (partitionOf(`telegram:${bystander}`, 4) === partitionOf(`telegram:${flooder}`, 4))
      bystander = newChatId();
    const floods = Array.from({ length: 200 }, (_, i) =>
      postUpdate(t.url, textUpdate(flooder, `tin số ${i}`)),
    );
    const statuses = await Promise.all(floods);
    expect(statuses.every((r) => r.status === 200)).toBe(true);
    const started = Date.now();
    expect((await postUpdate(t.url, textUpdate(bystander, "chỉ tiêu hồ sơ công việc cấp xã"))).status).toBe(
      200,
    );
    const [answer] = await fake.waitFor("sendMessage", { chatId: bystander, timeoutMs: 15_000 });
    expect(String(answer!.body.text)).toContain("60%");
    expect(Date.now() - started).toBeLessThan(10_000);
    // The flooder's own replies trickle out at Telegram's ~1 message/s per chat: wait for the
    // polite "please slow down", which follows the answers to the first few messages.
    const slowDown = (s: string) => /quá nhanh/i.test(s);
    const deadline = Date.now() + 45_000;
    while (
      !fake.callsOf("sendMessage", flooder).some((c) => slowDown(String(c.body.text))) &&
      Date.now() < deadline
    )
      await sleep(200);
    await sleep(2_000);
    const toFlooder = fake.callsOf("sendMessage", flooder).map((c) => String(c.body.text));
    // A few answers, one "please slow down", and the rest dropped.
    expect(toFlooder.filter(slowDown)).toHaveLength(1);
    expect(toFlooder.length).toBeLessThanOrEqual(22);
  });

  it("refuses evidence of the wrong type or too large, politely, storing nothing", async () => {
    const chat = newChatId();
    for (const text of [
      "đề cử",
      "đồng ý",
      "8",
      "Hà Văn Sơn",
      "Thôn Cầu Mạ",
      "yen son",
      "Tổ chức tập huấn chữ ký số cho 30 cán bộ thôn, bản trong toàn xã năm 2024.",
    ]) {
      await postUpdate(t.url, textUpdate(chat, text));
      await sleep(250);
    }
    await fake.waitFor("sendMessage", { chatId: chat, count: 7, timeoutMs: 20_000 });
    fake.addFile("exe1", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(2048)]), "documents/setup.exe");
    fake.addFile(
      "big1",
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(11 * 1024 * 1024)]),
      "photos/big.jpg",
    );
    const before = await t.system.db.attachment.count();
    const doc = (fileId: string, name: string, mime: string, size: number) => ({
      update_id: Math.floor(Math.random() * 1e9),
      message: {
        message_id: Math.floor(Math.random() * 1e6),
        date: Math.floor(Date.now() / 1000),
        chat: { id: chat, type: "private" },
        from: user(chat),
        document: {
          file_id: fileId,
          file_unique_id: `u${fileId}`,
          file_name: name,
          mime_type: mime,
          file_size: size,
        },
      },
    });
    const sentBefore = fake.callsOf("sendMessage", chat).length;
    await postUpdate(t.url, doc("exe1", "setup.exe", "application/x-msdownload", 2050));
    await fake.waitFor("sendMessage", { chatId: chat, count: sentBefore + 1, timeoutMs: 15_000 });
    await postUpdate(t.url, doc("big1", "big.jpg", "image/jpeg", 11 * 1024 * 1024 + 3));
    await fake.waitFor("sendMessage", { chatId: chat, count: sentBefore + 2, timeoutMs: 15_000 });
    expect(await t.system.db.attachment.count()).toBe(before);
    const refusals = fake
      .callsOf("sendMessage", chat)
      .slice(sentBefore)
      .map((c) => String(c.body.text));
    for (const r of refusals) expect(r).toMatch(/quý anh\/chị|vui lòng/i);
  });
});
