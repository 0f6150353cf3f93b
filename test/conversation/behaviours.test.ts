/**
 * What a person meets when they do not follow the script: unknown commands, writing in another
 * language, pasting a bare code, asking for their own submissions, typing a menu item's words,
 * asking something new while a question is open, pressing old buttons, browsing a list, and the
 * step counter and choices of the self-report for each kind of respondent.
 */
import { describe, expect, it } from "vitest";
import {
  buildEngine,
  ChatDriver,
  flows,
  i18n,
  newPrefix,
  stepsFor,
  toSummary,
  engineServices,
} from "./support.js";

const text = ChatDriver.text;
const t = (key: string, vars?: Record<string, string | number>) => i18n.t("vi", key, vars);

describe("the engine when people do not follow the script", () => {
  const services = engineServices();
  const engine = () => buildEngine({ db: services.db, redis: services.redis, prefix: newPrefix() });

  it("answers an unknown command with the list of commands, not with a search of the plan", async () => {
    // On Telegram, the platform with slash commands (elsewhere the words: findings.test.ts).
    const chat = new ChatDriver(engine(), "telegram");
    await chat.say("xin chào");
    const r = text(await chat.say("/abc"));
    expect(r).toContain("chưa hiểu lệnh /abc");
    for (const command of ["/start", "/decu", "/tudanhgia", "/thongke", "/trangthai", "/huy"])
      expect(r).toContain(command);
    expect(r).not.toContain(t("conversation.forward.offer"));
  });

  it("replies in the language typed: an English phone asking in Vietnamese gets Vietnamese, and back", async () => {
    const chat = new ChatDriver(engine());
    const first = await chat.send(chat.message({ text: "hello", languageHint: "en-US" }));
    expect(text(first)).toContain("Welcome");
    const vi = text(await chat.say("chỉ tiêu hồ sơ công việc cấp xã là gì?"));
    expect(vi).toContain("cấp xã");
    expect(vi).not.toMatch(/\bcommune\b/i);
    const en = text(await chat.say("what are the targets for communes?"));
    expect(en).toMatch(/commune/i);
  });

  it("offers a clear choice of language, keeps it against text that does not tell, and lets typed Vietnamese switch back, with or without diacritics", async () => {
    // Generated over both ways of asking for the choice (menu item, typed word) and both ways of
    // writing Vietnamese.
    for (const ask of ["menu", "ngôn ngữ", "/ngonngu", "ngon ngu"] as const)
      for (const vietnamese of ["chỉ tiêu cấp xã là gì", "chi tieu cap xa la gi"]) {
        const where = `${ask} / ${vietnamese}`;
        const chat = new ChatDriver(engine());
        await chat.say("xin chào");
        const question =
          ask === "menu" ? (await chat.say("menu"), await chat.press("language")) : await chat.say(ask);
        expect(
          question.at(-1)!.choices!.map((c) => c.label),
          where,
        ).toEqual(["Tiếng Việt", "English"]);
        expect(text(await chat.press("en")), where).toContain("Switched to English");
        // Text that does not tell a language keeps the choice.
        for (const neutral of ["menu", "2", "ok", "DC-2026-000001"])
          expect(text(await chat.say(neutral)), `${where}: ${neutral}`).not.toMatch(/Quý anh\/chị|Xin lỗi/);
        const back = text(await chat.say(vietnamese));
        expect(back, where).toContain("Cấp xã");
        expect(back, where).not.toMatch(/Commune level/);
        expect(text(await chat.say("menu")), where).toContain(t("conversation.menu.title"));
      }
    // Chosen Vietnamese on an English phone: two English words are not enough to switch, a sentence is.
    const chat = new ChatDriver(engine());
    await chat.send(chat.message({ text: "hello", languageHint: "en" }));
    await chat.say("language");
    expect(text(await chat.say("tiếng việt"))).toContain(t("conversation.language_set"));
    expect(text(await chat.say("ok thanks"))).not.toContain("How can I help");
    expect(text(await chat.say("what are the targets for communes?"))).toMatch(/Commune level/);
  });

  it("keeps English for an English speaker who types a Vietnamese name in a flow", async () => {
    const chat = new ChatDriver(engine());
    await chat.send(chat.message({ text: "nominate", languageHint: "en" }));
    await chat.say("I agree");
    await chat.say("8");
    expect(text(await chat.say("Nguyễn Thị Hằng"))).toContain(i18n.t("en", "nomination.ask.nominee_unit"));
  });

  it("shows the status of a bare reference code to its owner, and to no one else", async () => {
    const owner = new ChatDriver(engine());
    await toSummary(owner, "Hoàng Văn Mã");
    const code = /DC-\d{4}-\d{6}/.exec(text(await owner.say("xác nhận")))![0];
    const mine = text(await owner.say(code));
    expect(mine).toContain(code);
    expect(mine).toContain(t("nomination.status_name.submitted"));
    const other = new ChatDriver(engine());
    expect(text(await other.say(code))).toContain(t("conversation.status.not_found", { code }));
  });

  it("lists “hồ sơ của tôi” with each submission's status, newest first", async () => {
    const chat = new ChatDriver(engine());
    expect(text(await chat.say("hồ sơ của tôi"))).toContain(t("conversation.mine.none"));
    await toSummary(chat, "Đặng Thị Một");
    const first = /DC-\d{4}-\d{6}/.exec(text(await chat.say("xác nhận")))![0];
    await toSummary(chat, "Đặng Thị Hai");
    const second = /DC-\d{4}-\d{6}/.exec(text(await chat.say("xác nhận")))![0];
    const list = text(await chat.say("ho so cua toi"));
    expect(list).toContain(t("conversation.mine.title"));
    expect(list.indexOf(second)).toBeGreaterThan(-1);
    expect(list.indexOf(second)).toBeLessThan(list.indexOf(first));
    expect(list).toContain("Đặng Thị Một");
    expect(list).toContain(t("nomination.status_name.submitted"));
    // The same from the menu.
    await chat.say("menu");
    expect(text(await chat.press("mine"))).toContain(first);
  });

  it("reaches the same feature from the typed words as from the menu (gương điển hình, thống kê)", async () => {
    const chat = new ChatDriver(engine());
    const menu = (await chat.say("menu")).at(-1)!.choices!;
    for (const label of [t("conversation.menu.examples"), t("conversation.menu.stats")]) {
      const id = menu.find((c) => c.label === label)!.id;
      await chat.say("menu");
      const fromMenu = text(await chat.press(id));
      const typed = text(await chat.say(label.toLowerCase()));
      expect(typed).toBe(fromMenu);
      expect(typed).not.toContain("154/KH-UBND, mục");
    }
    expect(text(await chat.say("guong dien hinh"))).toContain(t("conversation.examples.none"));
  });

  it("answers a new question while “forward to an official?” is open, and drops the offer", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("xin chào");
    await chat.say("giá vàng hôm nay bao nhiêu");
    const consent = await chat.press("forward");
    expect(text(consent)).toContain(t("conversation.forward.consent"));
    const answer = text(await chat.say("chỉ tiêu hồ sơ công việc cấp xã"));
    expect(answer).toContain("154/KH-UBND");
    expect(answer).not.toContain(t("conversation.choose_one"));
    expect(
      await services.db.forwardedQuestion.count({ where: { question: "giá vàng hôm nay bao nhiêu" } }),
    ).toBe(0);
  });

  it("makes an old keyboard harmless after the user typed the answer instead: the current question comes back", async () => {
    const chat = new ChatDriver(engine());
    const consent = await chat.say("đề cử");
    const oldToken = consent.at(-1)!.choiceToken!;
    const category = await chat.say("đồng ý");
    const r = await chat.press("no", oldToken);
    expect(r).toHaveLength(1);
    expect(r[0]!.text).toContain(t("conversation.stale"));
    expect(r[0]!.text).toContain(category.at(-1)!.text);
    expect(r[0]!.choices).toEqual(category.at(-1)!.choices);
    expect(r[0]!.choiceToken).toBe(category.at(-1)!.choiceToken);
    expect(text(await chat.say("8"))).toContain(
      t("conversation.step", { n: 3, total: stepsFor("nomination", { category: "citizen" }) }),
    );
  });

  it("shows any list again when a number beyond it is typed, at every list reachable from the menu in two presses", async () => {
    // Generated: every question with choices within two presses of the menu (the menu itself, its
    // entries' lists, their lists). Typing one more than the list has must keep the same choices
    // on screen (said so for the engine's own lists; a flow step explains in its own words), and
    // never turn into a search of the plan.
    const walk = async (path: string[]) => {
      const chat = new ChatDriver(engine());
      let shown = await chat.say("menu");
      for (const id of path) shown = await chat.press(id);
      return { chat, shown };
    };
    const menu = (await walk([])).shown.at(-1)!.choices!;
    const paths: string[][] = [[]];
    for (const c of menu) {
      paths.push([c.id]);
      const { shown } = await walk([c.id]);
      for (const d of shown.at(-1)?.choices ?? []) paths.push([c.id, d.id]);
    }
    let lists = 0;
    for (const path of paths) {
      const { chat, shown } = await walk(path);
      const choices = shown.at(-1)?.choices;
      if (!choices?.length) continue;
      lists++;
      const n = choices.length + 1;
      if (n > 20) continue;
      const again = await chat.say(String(n));
      const where = `after ${JSON.stringify(path)}, typing ${n}`;
      expect(
        again.at(-1)?.choices?.map((c) => c.label),
        where,
      ).toEqual(choices.map((c) => c.label));
      expect(text(again), where).not.toContain(t("knowledge.not_in_plan").slice(0, 40));
      if (!/(Bước|Step) \d+/.test(text(shown))) {
        // In the language of the conversation (a path through "Ngôn ngữ" switched it).
        const said = (["vi", "en"] as const).map((l) =>
          i18n.t(l, "conversation.choice_out_of_range", { n, max: choices.length }),
        );
        expect(
          said.some((s) => text(again).includes(s)),
          `${where}: ${text(again).slice(0, 80)}`,
        ).toBe(true);
      }
    }
    expect(lists).toBeGreaterThan(menu.length);
  });

  it("keeps a knowledge list browsable: a second item from the same list, and “back to the list”", async () => {
    const chat = new ChatDriver(engine());
    await chat.say("menu");
    await chat.press("ask");
    const list = await chat.press("2");
    const listToken = list.at(-1)!.choiceToken!;
    const entries = list.at(-1)!.choices!;
    expect(entries.length).toBeGreaterThan(1);
    const one = await chat.press("0");
    expect(one.at(-1)!.choices!.map((c) => c.label)).toEqual([t("conversation.back_to_list")]);
    const two = text(await chat.press("1", listToken));
    expect(two).not.toContain(t("conversation.stale"));
    expect(two).not.toBe(text(one));
    const again = await chat.say(t("conversation.back_to_list"));
    expect(again.at(-1)!.choices).toEqual(entries);
  });

  it("counts the self-report's steps for every respondent and level: a total, once shown, never changes, and ends at n = total", async () => {
    // Generated over the flow's own options: every respondent × every level, the last option of
    // every later question (the shortest path) and the first (the longest).
    const flow = flows.get("self-report")!;
    const respondents = flow.options.get("respondent")!.map((o) => o.id);
    const levelsOf = (respondent: string) =>
      flow.options
        .get("level")!
        .filter((o) => !o.for || o.for.includes(respondent))
        .map((o) => o.id);
    for (const [ri, respondent] of respondents.entries())
      for (const [li, level] of levelsOf(respondent).entries())
        for (const pick of ["last", "first"] as const) {
          const where = `${respondent}/${level}/${pick}`;
          const chat = new ChatDriver(engine());
          const seen: Array<[number, number | undefined]> = [];
          const record = (r: string) => {
            const m = /Bước (\d+)(?:\/(\d+))?/.exec(r);
            if (m) seen.push([Number(m[1]), m[2] === undefined ? undefined : Number(m[2])]);
            return r;
          };
          record(text(await chat.say("tự đánh giá")));
          record(text(await chat.say("1")));
          record(text(await chat.say(String(ri + 1))));
          let last = await chat.say(String(li + 1));
          record(text(last));
          const answers: Record<string, string> = { respondent, level };
          for (let i = 0; i < 25 && !text(last).includes(t("selfreport.summary")); i++) {
            const options = last.at(-1)!.choices?.filter((c) => !c.id.startsWith("_")) ?? [];
            const all = last.at(-1)!.choices ?? [];
            if (options.length) {
              const chosen = pick === "last" ? options.at(-1)! : options[0]!;
              const step = flow.steps.find((s) =>
                text(last).includes(t(s.prompt).split("\n")[0]!.slice(0, 40)),
              );
              if (step) answers[step.id] = chosen.id;
              last = await chat.say(String(all.indexOf(chosen) + 1));
            } else last = await chat.say("Ủy ban nhân dân xã Tân Trào");
            record(text(last));
          }
          const total = stepsFor("self-report", answers);
          expect(seen.at(-1), where).toEqual([total, total]);
          for (let i = 1; i < seen.length; i++)
            expect(seen[i]![0], `${where}: step numbers go up by one`).toBe(seen[i - 1]![0] + 1);
          for (const [, shown] of seen)
            if (shown !== undefined) expect(shown, `${where}: a total shown is the final one`).toBe(total);
        }
  });

  it("offers a commune or district unit only the places of its level (no “Cấp tỉnh”, no “Ngoài tỉnh”)", async () => {
    const flow = flows.get("self-report")!;
    const levels = flow.options.get("level")!.map((o) => o.id);
    for (const [i, level] of levels.entries()) {
      const chat = new ChatDriver(engine());
      await chat.say("tự đánh giá");
      await chat.say("1");
      await chat.say("1"); // an official: every level is offered
      const r = await chat.say(String(i + 1));
      if (level === "province") {
        expect(text(r), level).toContain(t("selfreport.ask.unit"));
        continue;
      }
      const labels = r.at(-1)!.choices!.map((c) => c.label);
      expect(labels, level).not.toContain("Cấp tỉnh (Tuyên Quang)");
      expect(labels, level).not.toContain("Ngoài tỉnh hoặc ở nước ngoài");
      expect(labels, level).toContain("Huyện Yên Sơn");
    }
  });

  it("shows “Bỏ qua” at an empty evidence step and only “Xong” once evidence was added", async () => {
    const chat = new ChatDriver(engine());
    await toSummary(chat);
    await chat.say("sửa 6");
    const empty = chat.last!.choices!.map((c) => c.label);
    expect(empty).toEqual([t("conversation.skip")]);
    const added = await chat.say("https://baotuyenquang.com.vn/bai-viet");
    expect(added.at(-1)!.choices!.map((c) => c.label)).toEqual([t("conversation.media.done")]);
    expect(text(await chat.say("1"))).toContain(t("nomination.summary"));
  });
});
