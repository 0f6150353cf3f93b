/**
 * A message that still fails after its last retry is not lost in silence: the person is asked
 * once, in their language, to send it again (naming the file), one warn line records chat, kind
 * and error class without the content, and the failure counter goes up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import type { MemoryCounter } from "../../../src/queue/inbound-failure.js";
import { documentUpdate, TelegramUser } from "./updates.js";

describe("an inbound message that fails after every retry", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  const logs: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    t = await startTestSystem(
      {
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_WEBHOOK_SECRET: "s3cret-s3cret",
        TELEGRAM_API_ROOT: fake.url,
      },
      { inboundRetry: { attempts: 2, delayMs: 50 }, logs },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  /** Walks the nomination to its evidence step. */
  async function atEvidenceStep(u: TelegramUser): Promise<void> {
    await u.say("/decu");
    await u.press(/./);
    await u.press(/doanh nghiệp|hợp tác xã/i);
    await u.say("Hợp tác xã Chè Xanh");
    await u.say("bỏ qua");
    await u.say("Hàm Yên");
    const evidence = (
      await u.say("Ứng dụng truy xuất nguồn gốc bằng mã QR cho toàn bộ sản phẩm chè của hợp tác xã.")
    ).join("\n");
    expect(evidence).toMatch(/minh chứng/i);
  }

  it("tells the person which photo or file was not received, logs a warn without content, and counts it", async () => {
    const u = new TelegramUser(t.url, fake);
    await atEvidenceStep(u);
    // Telegram's file server is down for as long as the retries last.
    for (let i = 0; i < 8; i++) fake.script("getFile", FakeTelegram.error(502, "Bad Gateway"));
    const photo = (await u.sendPhoto(300)).join("\n");
    expect(photo).toContain("chưa nhận được ảnh");
    expect(photo).toContain("gửi lại");

    const file = (
      await u.deliver(
        documentUpdate(u.chatId, {
          file_id: "doc-1",
          file_name: "bien-ban-nghiem-thu.pdf",
          mime_type: "application/pdf",
          file_size: 5_000,
        }),
        300,
      )
    ).join("\n");
    expect(file).toContain("“bien-ban-nghiem-thu.pdf”");

    const warns = logs.filter((l) => l.level === 40 && String(l.msg).includes("failed after every retry"));
    expect(warns).toHaveLength(2);
    for (const w of warns) {
      expect(w).toMatchObject({
        channel: "telegram",
        chatId: String(u.chatId),
        updateKind: "media",
        errorClass: "TelegramUnavailableError",
      });
      expect(JSON.stringify(w)).not.toContain("bien-ban");
    }
    expect(
      (t.system.inboundFinalFailures as MemoryCounter).value({ channel: "telegram", kind: "media" }),
    ).toBe(2);
  });

  it("answers in English to a person who chose English", async () => {
    const u = new TelegramUser(t.url, fake);
    await u.say("english");
    await u.say("/decu");
    await u.press(/agree/i);
    await u.press(/business|cooperative/i);
    await u.say("Green Tea Cooperative");
    await u.say("skip");
    await u.say("Ham Yen");
    await u.say("A QR code traceability application for all of the cooperative's tea products.");
    for (let i = 0; i < 4; i++) fake.script("getFile", FakeTelegram.error(500, "Internal Server Error"));
    expect((await u.sendPhoto(300)).join("\n")).toContain(
      "Sorry, the photo you just sent could not be received",
    );
  });
});
