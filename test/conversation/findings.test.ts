/**
 * Black-box findings about what the bot says outside the flows' steps: a photo sent outside any
 * flow, a village asked about (the plan sets no village targets), and "hồ sơ của tôi" after a
 * deletion request.
 */
import { describe, expect, it } from "vitest";
import { CHANNELS } from "../../src/channels/types.js";
import { capabilitiesOf } from "../../src/channels/capabilities.js";
import { createLocalityPlugin } from "../../src/localities/conversation.js";
import {
  ACHIEVEMENTS,
  buildEngine,
  ChatDriver,
  engineServices,
  flows,
  i18n,
  knowledge,
  newPrefix,
  toSummary,
} from "./support.js";

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

  it("shows a place typed outside the list as typed in the summary, and keeps the “khác:” marker for the reviewer", async () => {
    const e = engine();
    e.use(createLocalityPlugin({ db: services.db, i18n }));
    const chat = new ChatDriver(e);
    const place = "Bản Khuổi Nhòa Xa Lạ";
    await chat.say("đề cử");
    await chat.say("đồng ý");
    await chat.say("8");
    await chat.say("Triệu Thị Khác");
    await chat.say("Hợp tác xã chè");
    await chat.say(place);
    await chat.say(ACHIEVEMENTS);
    await chat.say("bỏ qua");
    await chat.say("Trần Thị Bình");
    await chat.say("0912345678");
    const summary = text(await chat.say("khác: hàng xóm"));
    const marker = i18n.t("vi", "localities.other", { text: "" }).trim();
    expect(summary).toContain(`${t("nomination.label.locality")}: ${place}`);
    expect(summary).not.toContain(`${marker} ${place}`);
    await chat.say("xác nhận");
    const row = await services.db.nomination.findFirstOrThrow({
      where: { nomineeName: "Triệu Thị Khác" },
      select: { locality: true, localityId: true },
    });
    expect(row).toEqual({ locality: `${marker} ${place}`, localityId: null });
  });

  it("offers a citizen's self-report no “Cấp tỉnh”: the plan sets citizens' targets for districts and communes only", async () => {
    const flow = flows.get("self-report")!;
    for (const respondent of flow.options.get("respondent")!) {
      const chat = new ChatDriver(engine());
      await chat.say("tự đánh giá");
      await chat.say("1");
      const levels = (await chat.press(respondent.id)).at(-1)!.choices!.map((c) => c.label);
      expect(levels.includes(t("selfreport.level.province")), respondent.id).toBe(
        respondent.id !== "citizen",
      );
      expect(levels, respondent.id).toContain(t("selfreport.level.commune"));
    }
    const citizen = new ChatDriver(engine());
    await citizen.say("tự đánh giá");
    await citizen.say("1");
    await citizen.press("citizen");
    // Typed anyway, it is not taken: the level question comes back.
    const typed = await citizen.say("cấp tỉnh");
    expect(typed.at(-1)!.text).toContain(t("selfreport.ask.level"));
    expect(text(typed)).not.toContain(t("selfreport.ask.locality"));
  });

  it("asks a nominee's place once, whatever the category (the unit step no longer asks for the village and commune)", () => {
    // Generated from the flow file and both locales: the steps on each category's path whose
    // prompt or hint asks for a place.
    const flow = flows.get("nomination")!;
    const PLACE = {
      vi: /xã\/phường|\bthôn\b|tổ dân phố|địa bàn/i,
      en: /\bvillage|\bcommune|\bplace\b|locality/i,
    };
    for (const category of flow.options.get("category")!)
      for (const lang of ["vi", "en"] as const) {
        const path = flow.steps.filter(
          (s) =>
            !s.when ||
            (s.when.in ?? []).includes(category.id) ||
            s.when.notIn?.includes(category.id) === false,
        );
        const asking = path.filter((s) =>
          PLACE[lang].test(
            [s.prompt, s.hint]
              .filter(Boolean)
              .map((k) => i18n.t(lang, k!))
              .join(" "),
          ),
        );
        expect(
          asking.map((s) => s.id),
          `${category.id} (${lang})`,
        ).toEqual(["locality"]);
      }
  });

  for (const channel of CHANNELS)
    it(`suggests slash commands only where the platform has them, words elsewhere (${channel})`, async () => {
      const chat = new ChatDriver(engine(), channel);
      await chat.say("xin chào");
      const r = text(await chat.say("/abc"));
      if (capabilitiesOf(channel).slashCommands) expect(r).toContain("/trangthai");
      else {
        expect(r).not.toMatch(/\/(trangthai|decu|huy|thongke)/);
        expect(r).toContain(t("conversation.help"));
      }
    });

  it("takes a press on an older, never-answered menu like one on the current menu, for every menu item", async () => {
    const e = engine();
    const items = (await new ChatDriver(e).say("menu")).at(-1)!.choices!;
    for (const item of items) {
      const fresh = new ChatDriver(e);
      await fresh.say("menu");
      const expected = text(await fresh.press(item.id));

      const chat = new ChatDriver(e);
      const oldMenu = (await chat.say("menu")).at(-1)!.choiceToken!;
      await chat.say("chỉ tiêu cấp xã"); // a newer question (the commune's list) is now open
      const r = text(await chat.press(item.id, oldMenu));
      expect(r, item.id).not.toContain(t("conversation.stale"));
      expect(r, item.id).toBe(expected);
    }
  });

  it("says older step options are out of date (not “already answered”) and shows the current question", async () => {
    const chat = new ChatDriver(engine());
    const consent = (await chat.say("đề cử")).at(-1)!.choiceToken!;
    await chat.say("đồng ý");
    const r = await chat.press("yes", consent);
    expect(r).toHaveLength(1);
    expect(r[0]!.text.startsWith(t("conversation.stale"))).toBe(true);
    expect(r[0]!.text).toContain(t("nomination.ask.category"));
  });

  it("keeps a too-short achievement an answer begun, even when the plan speaks of its words", async () => {
    const chat = new ChatDriver(engine());
    await toSummary(chat);
    expect(text(await chat.say("sửa 5"))).toContain(t("nomination.ask.achievements"));
    const short = "địa chỉ số cho hộ gia đình";
    expect(knowledge.ask(short, "vi").kind).not.toBe("none");
    const r = text(await chat.say(short));
    expect(r).toContain(t("conversation.invalid.too_short", { min: 30, length: [...short].length }));
    expect(r).not.toContain(t("conversation.question_in_flow.resume"));
  });
});
