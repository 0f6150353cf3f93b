/**
 * A statistics question is answered before the conversation engine (the unit's own figures), but
 * text typed at a flow step is that step's answer: an achievement "đạt 95% hồ sơ trực tuyến" must be
 * stored, not answered with "you have no self-report yet" and lost (found by a black-box drive).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useTelegramSystem } from "../channels/telegram/system.js";
import { TelegramUser } from "../channels/telegram/updates.js";
import { NOMINATION_STEPS } from "../conversation/support.js";
import { loadIndicators } from "../../src/self-reports/indicators.js";
import { matchProgressQuestion } from "../../src/self-reports/progress-question.js";

const indicators = loadIndicators(
  fileURLToPath(new URL("../../flows/self-report/indicators.yaml", import.meta.url)),
);
const ACHIEVEMENT =
  "Đơn vị tôi đạt bao nhiêu phần trăm kỹ năng số? Năm 2024 đạt 95%, nhờ mở 12 lớp cho người dân.";

describe("a statistics-looking answer typed at a flow step", () => {
  const tg = useTelegramSystem();

  it("is kept as the step's answer, and the same words outside a flow still get the unit's figures", async () => {
    // The text really is what the statistics middleware answers (else this test proves nothing).
    expect(matchProgressQuestion(ACHIEVEMENT, indicators)).not.toBeNull();
    const outside = new TelegramUser(tg.t.url, tg.fake);
    expect((await outside.say(ACHIEVEMENT)).join("\n")).toContain("chưa có báo cáo tự đánh giá");

    const u = new TelegramUser(tg.t.url, tg.fake);
    await u.say("đề cử");
    await u.say("đồng ý");
    await u.say("8");
    await u.say("Nguyễn Văn An");
    await u.say("Thôn Làng Ngòi");
    const achievements = (await u.say("Yên Sơn")).join("\n");
    expect(achievements).toMatch(/thành tích/i);
    const next = (await u.say(ACHIEVEMENT)).join("\n");
    expect(next).not.toContain("chưa có báo cáo tự đánh giá");
    expect(next).toContain(`Bước 7/${NOMINATION_STEPS}`);
  });
});
