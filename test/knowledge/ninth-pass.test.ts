/**
 * Readings added in the ninth pass, each checked over every case the rule covers where it holds for
 * all of them: several questions in one message (split at commas, question marks and "và", a heading
 * before a colon shared or dropped), "mới" as "only then", "X được V ra sao", sector names, a menu
 * asked for each, why-questions, whether a kind of participant takes part, kind words matched as
 * typed, "hay" (or), the writer's story set aside, eligibility of an introduced kind, off-topic
 * bodies and phrases, what a cited document contains, who issued the plan, its time frame, particles
 * a keyboard marks by itself, and vocabulary terms typed bare whose syllables fold to stopwords.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { evaluate, loadEvalCases } from "../../src/knowledge/evaluation.js";
import { loadKnowledgeBase } from "../../src/knowledge/knowledge-base.js";
import { buildLexicon, containsPhrase, phraseTokens } from "../../src/knowledge/lexicon.js";
import { parseQuestion } from "../../src/knowledge/question.js";
import { questionKind } from "../../src/knowledge/question-kind.js";
import {
  exactForm,
  foldDiacritics,
  hasDiacritics,
  syllables,
  typedWithDiacritics,
} from "../../src/knowledge/normalize.js";

const dir = fileURLToPath(new URL("../../flows/knowledge/", import.meta.url));
const knowledge = loadKnowledge({ dir });
const base = loadKnowledgeBase(dir);
const lexicon = buildLexicon(base);
const administrative = ["tinh", "huyen", "xa"];
const entry = (id: string) => base.entries.find((e) => e.id === id)!;
const level = (id: string) => base.levels.find((l) => l.id === id)!;
/** The question as written and typed without diacritics: both must read the same. */
const bothForms = (q: string) => [q, foldDiacritics(q)];
const identity = entry("ke-hoach.so-hieu");

/** Every question of every blind set, Vietnamese only. */
const blindCases = readdirSync(fileURLToPath(new URL(".", import.meta.url)))
  .filter((f) => /^blind-set-.*\.yaml$/.test(f))
  .flatMap((f) => loadEvalCases(fileURLToPath(new URL(f, import.meta.url))))
  .filter((c) => c.cat !== "english" && c.cat !== "en");

describe("1. several questions in one message", () => {
  it("a heading before a colon is shared by every question after it", () => {
    for (const q of bothForms(
      "Kỹ năng số của CBCCVC cấp tỉnh: mức cơ bản bao nhiêu %, mức phân tích dữ liệu bao nhiêu %?",
    )) {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, q).toBe(true);
      // The provincial targets of basic skills (100%) and of data analysis (50%), both.
      expect(a.text, q).toContain(entry("tinh.ky-nang-so-co-ban").quote);
      expect(a.text, q).toContain(entry("tinh.ky-nang-phan-tich-du-lieu").quote);
    }
  });

  it("a heading that only announces the questions (“Cho em hỏi 2 ý ạ:”) is dropped", () => {
    for (const q of bothForms(
      "Cho em hỏi 2 ý ạ: xã phải xử lý bao nhiêu % hồ sơ công việc trên mạng, và hộ gia đình cần mấy điện thoại thông minh?",
    )) {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, q).toBe(true);
      expect(a.text, q).toContain("60%");
      expect(a.text, q).toContain("01 điện thoại");
    }
  });

  // Every ordered pair of targets of one administrative level, asked under the level as a heading
  // ("<level>: A bao nhiêu %, B bao nhiêu %?"): both figures (and both passages), or no answer,
  // never one of the two quoted as if it answered both.
  for (const id of administrative) {
    const name = level(id).name.vi;
    const entries = base.entries.filter((e) => e.level === id && e.targets.length);
    const pairs = entries.flatMap((a) => entries.filter((b) => b !== a).map((b) => [a, b] as const));
    it(`answers both of two ${name} targets asked under the level as a heading`, () => {
      expect(pairs.length).toBeGreaterThan(20);
      const wrong: string[] = [];
      let answered = 0;
      for (const [a, b] of pairs) {
        const q = `${name}: ${a.topic.vi.toLowerCase()} bao nhiêu %, ${b.topic.vi.toLowerCase()} bao nhiêu %?`;
        const answer = knowledge.ask(q, "vi");
        if (!answer.answered) continue;
        answered++;
        const both = [a, b].every(
          (e) =>
            answer.text.includes(e.quote) &&
            e.targets.every((t) => answer.text.includes(`${t.value}${t.unit}`)),
        );
        if (!both) wrong.push(q);
      }
      expect(wrong).toEqual([]);
      // Measured: every pair is answered; a topic title holding a comma or "và" of its own may one
      // day leave a pair undecided, which is allowed, but most must be answered.
      expect(answered / pairs.length).toBeGreaterThanOrEqual(0.9);
    });
  }
});

describe("2. “mới” before a verb is “only then”", () => {
  // Not the "mới" (new) of "sản phẩm, dịch vụ mới": the condition for being honoured.
  const quote = entry("ke-hoach.nguyen-tac-khen-thuong").quote;
  const clause = quote.slice(quote.indexOf("thành tích"), quote.indexOf(";", quote.indexOf("thành tích")));
  const questions = ["thế nào", "như thế nào", "ra sao"].flatMap((how) =>
    ["mới được khen", "mới được khen thưởng", "mới được biểu dương"].map(
      (then) => `thành tích ${how} ${then}`,
    ),
  );
  it("the clause is the plan's condition on achievements", () =>
    expect(clause).toBe("thành tích khen thưởng phải thực sự xuất sắc, tiêu biểu"));
  it.each(questions)("%s: the passage stating what the achievement must be", (q) => {
    for (const form of bothForms(q)) {
      const a = knowledge.ask(form, "vi");
      expect(a.answered, form).toBe(true);
      expect(a.text, form).toContain(clause);
    }
  });
});

describe("3. “X được V ra sao”, “X V thế nào”: the plan's “X phải được V”", () => {
  const passage = entry("ke-hoach.yeu-cau-trien-khai");
  const questions = [
    "được triển khai",
    "triển khai",
    "triển khai đến các cấp",
    "được triển khai đến các cấp",
  ].flatMap((verb) => ["ra sao", "thế nào", "như thế nào"].map((how) => `phong trào ${verb} ${how}`));
  it.each(questions)("%s", (q) => {
    for (const form of bothForms(q)) {
      const a = knowledge.ask(form, "vi");
      expect(a.answered, form).toBe(true);
      expect(a.text, form).toContain("sâu rộng, đồng bộ, xuyên suốt");
      expect(a.text, form).toContain(passage.quote);
    }
  });
});

describe("4. sector names in target questions, read with the concept lexicon", () => {
  // "y tế", "giáo dục" are no words of the plan; concepts.yaml names the targets they mean.
  it.each([
    ["Kế hoạch có chỉ tiêu nào về y tế không?", "hồ sơ số về sức khỏe cá nhân"],
    ["ngành giáo dục có chỉ tiêu gì", "học sinh có hồ sơ số"],
    ["Kế hoạch có chỉ tiêu nào về giáo dục không?", "học sinh có hồ sơ số"],
  ])("%s", (q, quoted) => {
    for (const form of bothForms(q)) {
      const a = knowledge.ask(form, "vi");
      expect(a.answered, form).toBe(true);
      expect(a.text, form).toContain(quoted);
    }
  });

  it("but a level named beside a schedule the plan never gives is still declined", () => {
    const q = "Các chỉ tiêu của cấp xã được báo cáo kết quả định kỳ hằng quý trước ngày nào?";
    for (const form of bothForms(q)) expect(knowledge.ask(form, "vi").answered, form).toBe(false);
  });
});

describe("5. a menu becomes the list when each one is asked for", () => {
  // Every Vietnamese phrase of `kinds.each` ("mỗi cái", "cả hai", "từng mức"…) after a share asked of
  // two targets: both targets, listed, answered.
  const phrases = base.vocabulary.kinds.each.filter(hasDiacritics);
  const basic = entry("tinh.ky-nang-so-co-ban");
  const analysis = entry("tinh.ky-nang-phan-tich-du-lieu");
  it("has Vietnamese phrases, “mỗi cái” among them", () => {
    expect(phrases.length).toBeGreaterThan(10);
    expect(phrases).toContain("mỗi cái");
  });
  it.each(phrases)("“2 chỉ tiêu tập huấn … bao nhiêu % %s”: both figures", (phrase) => {
    for (const form of bothForms(`2 chỉ tiêu tập huấn cho cbccvc cấp tỉnh là bao nhiêu % ${phrase}`)) {
      const a = knowledge.ask(form, "vi");
      expect(a.answered, form).toBe(true);
      expect(a.text, form).toContain("100%");
      expect(a.text, form).toContain("50%");
      expect(a.text, form).toContain(basic.quote);
      expect(a.text, form).toContain(analysis.quote);
    }
  });
});

describe("6. why-questions get the plan's reason from the same sentence", () => {
  // The plan honours and spreads good models "nhằm tạo sự lan tỏa sâu rộng": that is its why.
  it.each(["Tại sao", "Vì sao", "Lý do gì"])(
    "%s phải biểu dương khen thưởng trong phong trào này?",
    (why) => {
      for (const form of bothForms(`${why} phải biểu dương khen thưởng trong phong trào này?`)) {
        const a = knowledge.ask(form, "vi");
        expect(a.answered, form).toBe(true);
        expect(a.text, form).toContain("tạo sự lan tỏa sâu rộng");
      }
    },
  );
});

describe("7. whether a kind of participant takes part: the plan's own section heading", () => {
  // Every level with a heading of its own (`lead`) that is not an administrative level (businesses
  // and cooperatives, individuals), asked by each of its names whether it takes part.
  const kinds = base.levels.filter((l) => l.lead && l.id !== "ke-hoach" && !administrative.includes(l.id));
  it("covers businesses and individuals", () =>
    expect(kinds.map((l) => l.id).sort()).toEqual(["ca-nhan", "doanh-nghiep"]));
  for (const kind of kinds)
    it(`names “${kind.lead!.vi}” for every name of ${kind.id}`, () => {
      for (const alias of kind.aliases.vi)
        for (const q of [
          `${foldDiacritics(alias)} co phai tham gia phong trao nay ko`,
          `${alias} có phải tham gia phong trào này không`,
        ]) {
          const a = knowledge.ask(q, "vi");
          expect(a.answered, q).toBe(true);
          expect(a.text, q).toContain(kind.lead!.vi);
        }
    });
  it("htx co phai tham gia phong trao nay ko", () => {
    const a = knowledge.ask("htx co phai tham gia phong trao nay ko", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("Đối với các doanh nghiệp, hợp tác xã");
  });
});

describe("8. kind words matched as typed when the writer types diacritics", () => {
  // Folded, "chữ ký số nào" holds "chứ" (a yes/no ending) and "sở nào" (which department); typed
  // with marks it holds neither: no question whether someone takes part, nor who.
  const q = "văn bản trao đổi giữa các cơ quan nhà nước phải ký bằng loại chữ ký số nào?";
  const parsed = parseQuestion(q, lexicon);
  it("the folded syllables do hold the kind words (the case tests the rule)", () => {
    expect(containsPhrase(parsed.tokens, phraseTokens("sở nào"))).toBe(true);
    expect(containsPhrase(parsed.tokens, phraseTokens("chứ"))).toBe(true);
    expect(parsed.accented).toBe(true);
  });
  it("membership and who are false", () => {
    const kind = questionKind(parsed, lexicon);
    expect(kind.membership).toBe(false);
    expect(kind.who).toBe(false);
  });
  it("and the answer quotes the signature the plan names", () => {
    const a = knowledge.ask(q, "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("chữ ký số chuyên dùng");
  });
});

describe("9. “hay” (or) joins two topics", () => {
  it("chỉ tiêu nào có nói tới điện thoại hay thiết bị di động", () => {
    for (const q of bothForms("chỉ tiêu nào có nói tới điện thoại hay thiết bị di động")) {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, q).toBe(true);
      expect(a.text, q).toContain("thiết bị di động");
      expect(a.text, q).toContain("01 điện thoại thông minh");
    }
  });

  // Every pair of the administrative targets' topics (each by its first keyword) that is found when
  // asked alone, joined by "hay": both passages, and not the whole list of a level.
  const word = (e: (typeof base.entries)[number]) => e.keywords.vi[0] ?? e.sharedKeywords.vi[0];
  const topics = new Map<string, (typeof base.entries)[number]>();
  for (const e of base.entries)
    if (administrative.includes(e.level) && word(e) && !topics.has(e.topicKey)) topics.set(e.topicKey, e);
  const alone = [...topics.values()].filter((e) => {
    const a = knowledge.ask(`chỉ tiêu nào có nói tới ${word(e)}`, "vi");
    return a.answered && a.kind !== "level-list" && a.text.includes(e.quote);
  });
  // "hay" is "or" only between two content words: a keyword ending in a stopword ("thiết kế lại")
  // leaves the "hay" after it unread as "or" ("lại hay" is also "again, often").
  const endsInStopword = (w: string) => lexicon.stopwords.vi.has(phraseTokens(w).at(-1)!);
  const pairs = alone
    .filter((a) => !endsInStopword(word(a)!))
    .flatMap((a) => alone.filter((b) => b !== a).map((b) => [a, b] as const));

  it("quotes both of every pair of topics joined by “hay”", () => {
    expect(pairs.length).toBeGreaterThan(300);
    const missed = pairs
      .map(([a, b]) => ({
        q: `chỉ tiêu nào có nói tới ${word(a)} hay ${word(b)}`,
        quotes: [a.quote, b.quote],
      }))
      .filter(({ q, quotes }) => {
        const a = knowledge.ask(q, "vi");
        return !a.answered || a.kind === "level-list" || !quotes.every((quote) => a.text.includes(quote));
      });
    expect(missed.map((c) => c.q)).toEqual([]);
  });

  it("but “cách làm hay” (a good way of working) stays one topic: the passage that says it", () => {
    const passage = entry("ke-hoach.nhan-rong-dien-hinh");
    for (const q of bothForms("cách làm hay là gì")) {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, q).toBe(true);
      expect(a.text, q).toContain(passage.quote);
    }
  });
});

describe("10. a story about the writer before the asking clause is set aside", () => {
  it("“nha toi co 1 cai dt cuc gach thoi, …”: the household target", () => {
    const a = knowledge.ask(
      "nha toi co 1 cai dt cuc gach thoi, theo KH thi moi ho phai co it nhat may cai dien thoai thong minh?",
      "vi",
    );
    expect(a.answered).toBe(true);
    expect(a.text).toContain("01 điện thoại thông minh");
  });

  it("a clause ending in “?” is no story: both questions stand, and neither is the plan's", () => {
    const q = "Làm sao để nhà tôi được cấp mã QR địa chỉ số? Ra xã làm thủ tục gì?";
    for (const form of bothForms(q)) expect(knowledge.ask(form, "vi").answered, form).toBe(false);
  });

  it("a trailing “mà ko hiểu” clause is set aside", () => {
    for (const q of bothForms("SSO là gì thế ad, thấy ghi trong kế hoạch mà ko hiểu")) {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, q).toBe(true);
      expect(a.text, q).toContain("(SSO)");
    }
  });
});

describe("11. eligibility of a kind the writer introduces themselves as", () => {
  it.each([
    [
      "e la nong dan trong cam o Ham Yen, ban hang online thi co duoc bieu duong ko a",
      "Người dân tích cực ứng dụng chuyển đổi số",
    ],
    [
      "Cháu là Việt kiều ở Đức, quê Chiêm Hóa, muốn đóng góp cho CĐS của tỉnh thì có được ghi nhận trong phong trào không ạ?",
      "người Việt Nam định cư ở nước ngoài",
    ],
    // Not a yes/no question: the introduction is set aside and the question itself answered.
    [
      "Kính chào, tôi là cán bộ Phòng Nội vụ huyện Chiêm Hóa. Xin hỏi việc biểu dương, khen thưởng trong phong trào phải bảo đảm những nguyên tắc gì?",
      "dân chủ, khách quan",
    ],
  ])("%s", (q, quoted) => {
    const a = knowledge.ask(q, "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain(quoted);
  });
});

describe("12. off-topic bodies and things", () => {
  // Bodies and things the plan never names: declined, with or without diacritics.
  it.each([
    "Ai làm chủ tịch Hội đồng thi đua khen thưởng của phong trào này?",
    "Bộ TT&TT có văn bản nào hướng dẫn phong trào này không?",
    "Tổ công nghệ số cộng đồng ở mỗi thôn có mấy người?",
    "tỷ lệ thanh toán trực tuyến trong giải quyết TTHC phải đạt bao nhiêu",
  ])("declines “%s”", (q) => {
    for (const form of bothForms(q)) expect(knowledge.ask(form, "vi").answered, form).toBe(false);
  });

  it("but a wrong guess at where to report is answered with where the plan says", () => {
    for (const q of bothForms("Vướng mắc về phong trào thì gửi Sở Thông tin và Truyền thông đúng không?")) {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, q).toBe(true);
      expect(a.text, q).toContain("qua Sở Nội vụ");
    }
  });

  it("“số, điện thoại” across a comma is no “số điện thoại” (phone number)", () => {
    const a = knowledge.ask(
      "Địa chỉ số, điện thoại thông minh của hộ gia đình: cấp huyện với cấp xã chỉ tiêu có khác không",
      "vi",
    );
    expect(a.answered).toBe(true);
    expect(a.text).toContain(entry("xa.dia-chi-so-ho-gia-dinh").quote);
  });

  it("“chuyển đổi số do” holds no “sổ đỏ” (a compound is not cut)", () => {
    const a = knowledge.ask(
      "Ke hoach phat dong phong trao thi dua chuyen doi so do co quan nao ban hanh?",
      "vi",
    );
    expect(a.answered).toBe(true);
    expect(a.text).toContain("12/8/2022");
  });

  it("“hỏi nghị quyết” holds no “hội nghị” when “hỏi” is typed with its mark", () => {
    const a = knowledge.ask("Chào bot, cho mình hỏi nghi quyet 48 ngay nao", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("15/11/2021");
  });
});

describe("13. what a cited document contains is not in the plan", () => {
  // Every document the plan rests on, by its full and short name, asked for its contents.
  const cited = base.entries.filter((e) => e.group === "can-cu");
  const names = cited.flatMap((e) => {
    const full = e.topic.vi.replace(/^Căn cứ: /, "");
    return [full, full.replace(/[-/].*$/, "").replace(/^\S+/, (w) => w.toLowerCase())];
  });
  const questions = names.flatMap((n) =>
    ["gồm những nội dung cụ thể gì", "có những nội dung gì", "nội dung cụ thể gồm những gì"].map(
      (ask) => `${n} ${ask}`,
    ),
  );
  it("covers Nghị quyết 48 and Kế hoạch 55", () => {
    expect(names).toContain("kế hoạch 55");
    expect(names).toContain("nghị quyết 48");
  });
  it.each(questions)("declines “%s”", (q) => {
    for (const form of bothForms(q)) expect(knowledge.ask(form, "vi").answered, form).toBe(false);
  });
  it("but what the plan itself says of its legal basis is answered", () => {
    const a = knowledge.ask(`các nội dung về ${cited[0]!.topic.vi.toLowerCase()} gồm những gì`, "vi");
    expect(a.answered).toBe(true);
    for (const e of cited) expect(a.text, e.id).toContain(e.quote);
  });
});

describe("14. who issued or launched the plan is its identity", () => {
  const questions = ["ai", "cơ quan nào", "đơn vị nào"].flatMap((who) => [
    `${who} phát động phong trào`,
    `phong trào do ${who} phát động`,
    `${who} ban hành kế hoạch 154`,
    `kế hoạch 154 do ${who} ban hành`,
  ]);
  it.each(questions)("%s", (q) => {
    for (const form of bothForms(q)) {
      const a = knowledge.ask(form, "vi");
      expect(a.answered, form).toBe(true);
      expect(a.text, form).toMatch(/(Ủy ban nhân dân|UBND) tỉnh Tuyên Quang/);
      expect(a.text, form).toContain("12/8/2022");
    }
  });

  // Who issued a document the plan cites is that document, never Plan 154's own identity.
  it.each([
    ["Nghị quyết 48 do ai ban hành", "ke-hoach.nghi-quyet-48"],
    ["ai ban hành nghị quyết 48", "ke-hoach.nghi-quyet-48"],
    ["kế hoạch 55 do ai ban hành", "ke-hoach.ke-hoach-55"],
  ])("%s: the cited document", (q, id) => {
    for (const form of bothForms(q)) {
      const a = knowledge.ask(form, "vi");
      expect(a.answered, form).toBe(true);
      expect(a.text, form).toContain(entry(id).quote);
      expect(a.text, form).not.toContain(identity.quote);
    }
  });

  it("and why the province launched it is not its identity", () => {
    const a = knowledge.ask("Tại sao tỉnh lại phát động thi đua về chuyển đổi số, muốn huy động ai?", "vi");
    expect(a.text).not.toContain(identity.quote);
    expect(a.text).not.toContain("12/8/2022");
  });
});

describe("15. the time frame of the targets", () => {
  const frame = entry("ke-hoach.thoi-han-chi-tieu").quote;
  it("is the plan's “đến năm 2025”", () =>
    expect(frame).toBe("Các tiêu chí và chỉ tiêu thi đua đến năm 2025"));
  it.each([
    "Các chỉ tiêu thi đua tính mốc đến năm nào?",
    "Mốc để đánh giá các chỉ tiêu thi đua là năm nào?",
    "cac tieu chi chi tieu thi dua tinh den nam bao nhieu",
  ])("%s", (q) => {
    for (const form of bothForms(q)) {
      const a = knowledge.ask(form, "vi");
      expect(a.answered, form).toBe(true);
      expect(a.text, form).toContain(frame);
    }
  });

  // A level's targets for a year the plan sets none for: never answered confidently. For 2030 (the
  // movement's horizon) the answer still says what the plan says of 2030.
  const asked = administrative.flatMap((id) =>
    ["2026", "2028", "2030"].map((year) => ({
      q: `Chỉ tiêu cụ thể của ${level(id).name.vi.toLowerCase()} đến năm ${year} là gì?`,
      year,
    })),
  );
  it.each(asked)("$q: not answered", ({ q, year }) => {
    for (const form of bothForms(q)) {
      const a = knowledge.ask(form, "vi");
      expect(a.answered, form).toBe(false);
      if (year === "2030") expect(a.text, form).toContain("2030");
    }
  });

  it("but whether 2030 has targets at all is answered", () => {
    for (const q of bothForms("năm 2030 có chỉ tiêu gì cụ thể không")) {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, q).toBe(true);
      expect(a.text, q).toContain("2030");
    }
  });
});

describe("16. typedWithDiacritics ignores the particles a keyboard marks by itself", () => {
  it("ad ơi chi tieu cap xa vậy ạ / chỉ tiêu cấp xã", () => {
    expect(typedWithDiacritics("ad ơi chi tieu cap xa vậy ạ")).toBe(false);
    expect(typedWithDiacritics("chỉ tiêu cấp xã")).toBe(true);
  });

  // Every blind-set question typed bare stays bare with marked particles and greetings around it.
  const bare = blindCases.filter((c) => !typedWithDiacritics(c.q)).map((c) => c.q);
  it.each([
    ["ad ơi ", " vậy ạ"],
    ["dạ ", " nhé"],
    ["chào ad, ", " nhỉ, cảm ơn nhiều ạ"],
  ])("“%s… %s” around a question typed bare", (before, after) => {
    expect(bare.length).toBeGreaterThan(600);
    expect(bare.filter((q) => typedWithDiacritics(`${before}${q}${after}`))).toEqual([]);
  });

  it("the commune's targets, asked bare between marked particles", () => {
    const a = knowledge.ask("ad ơi cap xa phai dat nhung chi tieu gi vậy ạ", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("60% hồ sơ công việc tại cấp xã");
  });
});

describe("17. a vocabulary term typed bare whose syllables fold to stopwords is still read", () => {
  it("Viet kieu co duoc ghi nhan trong phong trao khong", () => {
    const a = knowledge.ask("Viet kieu co duoc ghi nhan trong phong trao khong", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("người Việt Nam định cư ở nước ngoài");
  });

  // Every synonym term of two syllables or more written with diacritics, typed bare on its own: read
  // as that synonym. Left out: (a) a term each of whose marked syllables is a stopword even as
  // written ("khi nào", "bà con", "xem là"): its marks do not make it a word of its own, and the
  // kind words read it; (b) a term holding a term of a synonym listed earlier with another meaning
  // ("điện tử" in "chữ ký điện tử", "dvc" in "dvc trực tuyến"): the first listed wins a syllable.
  const cases = base.vocabulary.synonyms.flatMap((s, si) =>
    s.terms.flatMap((term) => {
      const exact = syllables(exactForm(term));
      const tokens = phraseTokens(term);
      if (exact.length < 2 || foldDiacritics(term) === term) return [];
      if (exact.every((x) => foldDiacritics(x) === x || lexicon.exactStopwords.has(x))) return [];
      const means = phraseTokens(s.means).join(" ");
      const earlier = lexicon.synonyms
        .slice(0, si)
        .some((o) => o.means.join(" ") !== means && o.terms.some((t) => containsPhrase(tokens, t)));
      return earlier ? [] : [{ term, bare: foldDiacritics(term), means }];
    }),
  );

  it("covers the terms, several of which fold to stopwords only", () => {
    expect(cases.length).toBeGreaterThan(150);
    const foldsToStopwords = cases.filter((c) =>
      phraseTokens(c.term).every((t) => lexicon.stopwords.vi.has(t)),
    );
    expect(foldsToStopwords.map((c) => c.term)).toContain("việt kiều");
    expect(foldsToStopwords.length).toBeGreaterThan(3);
  });

  it("reads each, typed bare, as its synonym", () => {
    const missed = cases.filter(
      ({ bare, means }) =>
        !parseQuestion(bare, lexicon).units.some((u) => u.kind === "synonym" && u.means.join(" ") === means),
    );
    expect(missed.map((c) => `${c.term} → ${c.means}`)).toEqual([]);
  });
});

describe("18. “ad ơi … vậy ạ” around a question typed bare", () => {
  // Every Vietnamese blind-set question typed without diacritics that is answered right stays right
  // with marked particles around it. Measured when written: 704 of 706 (99.7%), so the bound is set
  // just below, at 99.5% (the brief's floor was 97%). The two that changed: a long chat message with
  // its own greeting and thanks ("hi ban, minh la sinh vien …"), and "nhung chi tieu cap huyen co ma
  // cap xa khong co".
  // (English questions, which an out-of-scope set also holds, are no question typed bare in Vietnamese.)
  const bare = blindCases.filter(
    (c) => !typedWithDiacritics(c.q) && parseQuestion(c.q, lexicon).lang !== "en",
  );
  const right = evaluate(knowledge, bare)
    .results.filter((r) => r.correct)
    .map((r) => r.case);
  it("keeps at least 99.5% of them right", () => {
    expect(right.length).toBeGreaterThan(600);
    const wrapped = evaluate(
      knowledge,
      right.map((c) => ({ ...c, q: `ad ơi ${c.q} vậy ạ` })),
    );
    const wrong = wrapped.results.filter((r) => !r.correct).map((r) => r.case.q);
    expect(1 - wrong.length / right.length, wrong.join("\n")).toBeGreaterThanOrEqual(0.995);
    // No question out of the plan's scope is answered for the particles around it.
    expect(wrapped.results.filter((r) => !r.case.answered && r.answered).map((r) => r.case.q)).toEqual([]);
  });
});
