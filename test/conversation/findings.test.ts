/**
 * Black-box findings about what the bot says outside the flows' steps: a photo sent outside any
 * flow, a village asked about (the plan sets no village targets), and "hồ sơ của tôi" after a
 * deletion request.
 */
import { describe, expect, it } from "vitest";
import { CHANNELS } from "../../src/channels/types.js";
import { buildEngine, ChatDriver, engineServices, i18n, knowledge, newPrefix, toSummary } from "./support.js";

const text = ChatDriver.text;
const t = (key: string, vars?: Record<string, string | number>) => i18n.t("vi", key, vars);

describe("what the bot says outside the flows' steps", () => {
  const services = engineServices();
  const engine = () => buildEngine({ db: services.db, redis: services.redis, prefix: newPrefix() });

  for (const channel of CHANNELS)
    it(`answers a photo sent outside any flow with what photos are for, and the menu (${channel})`, async () => {
      const chat = new ChatDriver(engine(), channel);
      await chat.say("xin chào");
      const r = await chat.media({ kind: "photo", url: "https://example.invalid/a.jpg" });
      expect(text(r)).toContain(t("conversation.media.outside_flow"));
      expect(r.at(-1)!.choices!.map((c) => c.label)).toContain(t("conversation.menu.nominate"));
    });

  it("says the plan sets no village targets before the commune's, with or without diacritics, and only then", () => {
    const note = "không đặt chỉ tiêu riêng cho thôn";
    for (const q of ["thôn bản", "thon ban", "chỉ tiêu của thôn là gì", "tổ dân phố cần đạt gì"]) {
      const a = knowledge.ask(q, "vi");
      expect(a.kind, q).not.toBe("none");
      expect(a.text.split("\n")[0], q).toContain(note);
      expect(a.text, q).toContain("Cấp xã");
    }
    expect(knowledge.ask("what are the targets for villages", "en").text).toMatch(/no targets for villages/);
    for (const q of ["chỉ tiêu cấp xã", "xây dựng nông thôn mới", "kỹ năng số cơ bản"])
      expect(knowledge.ask(q, "vi").text, q).not.toContain(note);
  });

  it("tells “hồ sơ của tôi” about a deletion request still waiting, with and without submissions", async () => {
    const none = new ChatDriver(engine());
    await none.say("xóa dữ liệu của tôi");
    await none.say("có");
    const date = new Intl.DateTimeFormat("vi-VN", {
      timeZone: "Asia/Ho_Chi_Minh",
      day: "2-digit",
      month: "2-digit",
      year: "numeric",
    }).format(new Date());
    const pending = t("conversation.mine.deletion_pending", { date });
    expect(text(await none.say("hồ sơ của tôi"))).toContain(pending);

    const some = new ChatDriver(engine());
    await toSummary(some, "Lý Văn Xóa");
    await some.say("xác nhận");
    expect(text(await some.say("ho so cua toi"))).not.toContain(pending);
    await some.say("xóa dữ liệu của tôi");
    await some.say("có");
    const mine = text(await some.say("ho so cua toi"));
    expect(mine).toContain("Lý Văn Xóa");
    expect(mine).toContain(pending);
  });
});
