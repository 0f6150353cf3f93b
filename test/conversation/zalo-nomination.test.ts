import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { FakeZalo, ZaloUser } from "../support/fake-zalo.js";

const SECRET = "zalo-secret-nom";

describe("a full nomination on Zalo (no buttons: numbers and words typed)", () => {
  let fake: FakeZalo;
  let t: TestSystem;
  beforeAll(async () => {
    fake = await new FakeZalo().start();
    t = await startTestSystem({ ZALO_BOT_TOKEN: "123:abc", ZALO_WEBHOOK_SECRET: SECRET, ZALO_API_ROOT: fake.url, EVIDENCE_MAX_BYTES: String(1024 * 1024) });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("goes from “de cu” to the code with a photo as evidence, then reports the status", async () => {
    const u = new ZaloUser(t.url, fake, SECRET);
    expect((await u.say("de cu")).join("\n")).toContain("Bước 1/11");
    expect((await u.say("1")).join("\n")).toContain("Bước 2/11");
    expect((await u.say("so 4")).join("\n")).toContain("Theo Kế hoạch 154/KH-UBND");
    await u.say("Hợp tác xã Chè Xanh");
    await u.say("bo qua");
    await u.say("Ham Yen");
    await u.say("Ứng dụng truy xuất nguồn gốc bằng mã QR cho toàn bộ sản phẩm chè, bán hàng trên sàn thương mại điện tử.");
    const photo = (await u.sendPhoto(`${fake.url}/media/photo.jpg`)).join("\n");
    expect(photo).toContain("1/5");
    await u.say("xong");
    await u.say("Lý Văn Cường");
    await u.say("0387 654 321");
    const summary = (await u.say("2")).join("\n");
    expect(summary).toContain("Hợp tác xã Chè Xanh");
    const done = (await u.say("xac nhan")).join("\n");
    const code = /DC-\d{4}-\d{6}/.exec(done)![0];
    const row = await t.database.db.nomination.findUnique({ where: { code }, include: { attachments: true } });
    expect(row).toMatchObject({ category: "business", localityId: "tq-ham-yen", nominatorPhone: "+84387654321", relation: "Đồng nghiệp" });
    expect(row!.attachments).toHaveLength(1);
    expect(row!.attachments[0]!.mime).toBe("image/jpeg");
    const status = (await u.say(`/trangthai ${code}`, 2_500)).join("\n");
    expect(status).toContain(code);
  });
});
