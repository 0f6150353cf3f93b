import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { SECRET, TelegramUser } from "./updates.js";

import { NOMINATION_STEPS } from "../../conversation/support.js";

/** Steps of the nomination as walked here (a citizen), counted from flows/nomination.yaml. */
const TOTAL = NOMINATION_STEPS;

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4_000, 3)]);

describe("a full nomination on Telegram with buttons and a photo as evidence", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    fake.addFile("large", JPEG, "photos/file_9.jpg");
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      EVIDENCE_MAX_BYTES: String(1024 * 1024),
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("goes from /decu to a code; pressing an old button again neither changes the answer nor submits twice", async () => {
    const u = new TelegramUser(t.url, fake);
    expect((await u.say("/decu")).join("\n")).toContain(`Bước 1/${TOTAL}`);
    const consent = await u.press(/./);
    expect(consent.join("\n")).toContain(`Bước 2/${TOTAL}`);
    const category = u.button(/doanh nghiệp|hợp tác xã/i);
    await u.press(/doanh nghiệp|hợp tác xã/i);
    await u.say("Hợp tác xã Chè Xanh");
    await u.say("bỏ qua");
    await u.say("Hàm Yên");
    await u.say(
      "Ứng dụng truy xuất nguồn gốc bằng mã QR cho toàn bộ sản phẩm chè, bán hàng trên sàn thương mại điện tử.",
    );
    expect((await u.sendPhoto(800)).join("\n")).toContain("1/5");
    await u.say("xong");
    await u.say("Lý Văn Cường");
    await u.say("0387 654 321");
    const summary = (await u.press(/đồng nghiệp/i)).join("\n");
    expect(summary).toContain("Hợp tác xã Chè Xanh");

    // The category keyboard was removed when it was answered; a press that still arrives changes nothing.
    expect(fake.callsOf("editMessageReplyMarkup", u.chatId).map((c) => c.body.message_id)).toContain(
      category.messageId,
    );
    await u.pressAgain(category);

    const confirm = u.button(/xác nhận|gửi/i);
    const done = (await u.press(/xác nhận|gửi/i, 800)).join("\n");
    const code = /DC-\d{4}-\d{6}/.exec(done)![0];
    await u.pressAgain(confirm, 800);

    const rows = await t.database.db.nomination.findMany({ include: { attachments: true } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.code).toBe(code);
    expect(rows[0]!.category).toBe("business");
    expect(rows[0]!.attachments).toHaveLength(1);
    expect(rows[0]!.attachments[0]!.mime).toBe("image/jpeg");
    // Every button press was answered, so no spinner is left on the user's screen.
    const presses = fake.calls.filter((c) => c.method === "answerCallbackQuery").length;
    expect(presses).toBeGreaterThanOrEqual(5);
  });
});
