/**
 * Kinds of question, each walked over the whole knowledge base rather than a few examples: the
 * conversation around a question, lists filtered by figure, comparisons across levels, whole
 * levels, narrative groups, the bot's own services and the near misses that must be declined.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { loadKnowledgeBase } from "../../src/knowledge/knowledge-base.js";
import { evaluate, loadEvalCases, statesFact } from "../../src/knowledge/evaluation.js";
import { buildLexicon } from "../../src/knowledge/lexicon.js";
import { parseQuestion } from "../../src/knowledge/question.js";
import { unwrap } from "../../src/knowledge/wrapper.js";

const dir = fileURLToPath(new URL("../../flows/knowledge/", import.meta.url));
const knowledge = loadKnowledge({ dir });
const base = loadKnowledgeBase(dir);
const levelNames: Record<string, string> = { tinh: "cấp tỉnh", huyen: "cấp huyện", xa: "cấp xã" };
const administrative = Object.keys(levelNames);

describe("the conversation around a question", () => {
  const wrappers: [string, string][] = [
    ["Chào bạn, mình là cán bộ văn phòng UBND, cho mình hỏi ", " nhé, cảm ơn nhiều"],
    ["Dạ em chào anh chị. Em là chuyên viên phòng Nội vụ, mới được giao việc này. ", " ạ? Em cảm ơn ạ."],
    ["xin chao ad, toi la can bo, ", ". cam on ad nhieu"],
    // The writer's situation told in sentences of its own before the sentence that asks.
    [
      "Chào buổi sáng! Sếp mình bảo tìm hiểu kế hoạch mà mình chưa đọc kịp. Nhà mình ở xa. Cho mình hỏi ",
      "? Cảm ơn bạn",
    ],
    [
      "chao ad, minh lam o van phong, sep bao minh tim hieu ke hoach ma minh chua doc kip. ad cho minh hoi ",
      " a, thanks nhieu",
    ],
    ["Hi, I'm a civil servant - ", "? Thanks"],
    // A story of what the writer read, then what they do not know, then how they want the answer.
    [
      "Mình đọc báo thấy tỉnh phát động phong trào nhưng chưa rõ ",
      ", bạn nói ngắn gọn giúp mình được không?",
    ],
  ];
  const cases = loadEvalCases(fileURLToPath(new URL("./dev-set.yaml", import.meta.url))).filter(
    (c) => !c.kind && !/^[\x00-\x7f]*$/.test(c.q),
  );

  for (const [before, after] of wrappers) {
    it(`changes no answer of the development set when wrapped in “${before.trim()} … ${after.trim()}”`, () => {
      const wrapped = evaluate(
        knowledge,
        cases.map((c) => ({ ...c, q: `${before}${c.q}${after}` })),
      );
      const wrong = wrapped.results.filter((r) => !r.correct).map((r) => r.case.q);
      // Vietnamese wrappers around a question: at most 3% of answers may change (a handful of
      // questions are fragments that only make sense alone); no out-of-scope question is answered.
      expect(wrong.length / cases.length, wrong.join("\n")).toBeLessThanOrEqual(0.03);
      expect(wrapped.results.filter((r) => !r.case.answered && r.answered).map((r) => r.case.q)).toEqual([]);
    }, 60_000);
  }
});

describe("the writer's situation", () => {
  const lexicon = buildLexicon(base);

  it("is set aside when a later sentence asks, and kept as an introduction", () => {
    const u = unwrap(
      "hi bot, minh la nguoi dan o TP Tuyen Quang, nha co 4 nguoi. Minh muon hoi ke hoach noi gi ve ho gia dinh voi dien thoai thong minh? tks ban",
      lexicon,
    );
    expect(u.question).toBe("Minh muon hoi ke hoach noi gi ve ho gia dinh voi dien thoai thong minh?");
    expect(u.introductions.join(" ")).toContain("nha co 4 nguoi");
  });

  it("is kept when the question is about the writer (“những người như tôi”)", () => {
    const u = unwrap(
      "Xin chào. Tôi sống ở Úc đã lâu. Kế hoạch có ghi nhận những người như tôi không?",
      lexicon,
    );
    expect(u.question).toContain("sống ở Úc");
  });

  it("is kept when no sentence plainly asks", () => {
    const u = unwrap("Mình ở cấp xã. Chỉ tiêu hồ sơ công việc", lexicon);
    expect(u.question).toContain("cấp xã");
  });
});

describe("two questions in one sentence", () => {
  // Each target with the next one of the same level, asked together: both figures, or no answer.
  for (const level of administrative) {
    const entries = base.entries.filter((e) => e.level === level && e.targets.length);
    it(`answers both ${levelNames[level]} targets asked “X bao nhiêu và Y bao nhiêu”`, () => {
      const wrong: string[] = [];
      let answered = 0;
      for (let i = 0; i + 1 < entries.length; i++) {
        const [a, b] = [entries[i]!, entries[i + 1]!];
        const q = `${levelNames[level]} phải đạt tỷ lệ ${a.topic.vi.toLowerCase()} bao nhiêu và ${b.topic.vi.toLowerCase()} bao nhiêu?`;
        const answer = knowledge.ask(q, "vi");
        if (!answer.answered) continue;
        answered++;
        if (![a, b].every((e) => e.targets.every((t) => answer.text.includes(`${t.value}${t.unit}`))))
          wrong.push(q);
      }
      expect(wrong).toEqual([]);
      // Most pairs are answered (a topic title holding a "và" of its own may leave one undecided).
      expect(answered / (entries.length - 1)).toBeGreaterThanOrEqual(0.7);
    });
  }

  it("answers the two parts of a question its whole does not find", () => {
    const a = knowledge.ask(
      "Cho hỏi Sở phải đạt tỷ lệ hồ sơ TTHC xử lý hoàn toàn trực tuyến bao nhiêu và mức hài lòng bao nhiêu?",
      "vi",
    );
    expect(a.answered).toBe(true);
    expect(a.text).toContain("80%");
    expect(a.text).toContain("90%");
  });
});

describe("syllables typed without diacritics", () => {
  it("reads a short syllable typed without diacritics that the plan spells one way only (“gui”: gửi)", () => {
    const a = knowledge.ask("kho khan khi trien khai phong trao thi gui cho ai", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("Sở Nội vụ");
  });
});

describe("lists filtered by a figure", () => {
  for (const level of administrative) {
    const entries = base.entries.filter((e) => e.level === level);
    const values = [...new Set(entries.flatMap((e) => e.targets.map((t) => t.value)))];
    for (const value of values) {
      it(`lists exactly the ${levelNames[level]} targets at ${value}%`, () => {
        const a = knowledge.ask(`${levelNames[level]} có những chỉ tiêu ${value}% nào`, "vi");
        expect(a.answered).toBe(true);
        for (const e of entries) {
          const at = e.targets.some((t) => t.value === value);
          expect(a.text.includes(e.quote), `${e.id} ${at ? "missing" : "listed"}`).toBe(at);
        }
      });
    }
    it(`lists the ${levelNames[level]} targets below 100%`, () => {
      const a = knowledge.ask(`những chỉ tiêu dưới 100% ở ${levelNames[level]}`, "vi");
      for (const e of entries)
        expect(a.text.includes(e.quote), e.id).toBe(e.targets.some((t) => t.value < 100));
    });
  }

  it("says so when no target of the level has that figure", () => {
    const a = knowledge.ask("cấp xã có những chỉ tiêu 70% nào", "vi");
    expect(a.answered).toBe(false);
    expect(a.text).toContain("70%");
  });
});

describe("comparisons across levels", () => {
  const topics = [...new Set(base.entries.map((e) => e.topicKey))]
    .map((t) => base.entries.filter((e) => e.topicKey === t && administrative.includes(e.level)))
    .filter((group) => group.length >= 2);

  it("has topics set at several levels", () => expect(topics.length).toBeGreaterThanOrEqual(8));

  for (const group of topics) {
    it(`compares “${group[0]!.topic.vi}” level by level`, () => {
      const a = knowledge.ask(
        `so sánh chỉ tiêu ${group[0]!.topic.vi.toLowerCase()} giữa cấp tỉnh, huyện và xã`,
        "vi",
      );
      expect(a.answered).toBe(true);
      for (const e of group) for (const t of e.targets) expect(a.text, e.id).toContain(`${t.value}${t.unit}`);
      for (const e of group) expect(a.text).toContain(levelNames[e.level]!.replace("cấp", "Cấp"));
    });
  }
});

describe("whole levels and narrative groups", () => {
  for (const level of knowledge.levels("vi").filter((l) => l.id !== "ke-hoach")) {
    it(`lists every target of ${level.id} in the plan's words`, () => {
      const a = knowledge.ask(`liệt kê toàn bộ tiêu chí của ${level.label.toLowerCase()}`, "vi");
      expect(a.answered).toBe(true);
      for (const e of base.entries.filter((x) => x.level === level.id))
        expect(statesFact(a.text, e.quote), e.id).toBe(true);
    });
  }

  const groups = [...new Set(base.entries.filter((e) => e.group).map((e) => `${e.level}/${e.group}`))];
  for (const key of groups) {
    const [level, group] = key.split("/");
    const members = base.entries.filter((e) => e.level === level && e.group === group);
    it(`answers a list question on ${key} with all ${members.length} of its entries`, () => {
      const a = knowledge.ask(
        `các nội dung về ${members[0]!.topic.vi.toLowerCase()}${level === "ke-hoach" ? "" : ` của ${levelNames[level!] ?? level}`} gồm những gì`,
        "vi",
      );
      expect(a.answered).toBe(true);
      for (const e of members) expect(a.text.includes(e.quote), e.id).toBe(true);
    });
  }

  it("answers the movement's purpose with its aims, not the plan's number", () => {
    for (const q of ["phong trào này nhằm mục đích gì", "What is the purpose of the movement?"]) {
      const a = knowledge.ask(q, "vi");
      expect(a.answered).toBe(true);
      for (const aim of ["chính quyền số", "kinh tế số", "xã hội số"]) expect(a.text).toContain(aim);
      expect(a.text).not.toContain("12/8/2022");
    }
  });
});

describe("a level the plan does not set the topic for", () => {
  it("says so before the nearest entry of another level, and adds no more of that level", () => {
    const a = knowledge.ask("cấp xã trực tuyến", "vi");
    expect(a.text).toContain("không nêu chỉ tiêu này cho cấp xã");
    expect(a.text.match(/Cấp tỉnh/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });
});

describe("a figure asked of a level the plan sets no such target for", () => {
  // Every target of an administrative level, asked "bao nhiêu %" of each administrative level whose
  // list has no target of that topic: the nearest level's figure is no answer to it.
  const asked = base.entries.flatMap((e) =>
    e.targets.length && administrative.includes(e.level)
      ? administrative
          .filter((l) => !base.entries.some((o) => o.level === l && o.topicKey === e.topicKey))
          .map((l) => ({ id: e.id, q: `${levelNames[l]} phải đạt bao nhiêu % ${e.topic.vi.toLowerCase()}?` }))
      : [],
  );
  // (A topic whose own name is a level, "huyện, thành phố tham gia mở dữ liệu", would name two levels.)
  const lexicon = buildLexicon(base);
  const oneLevel = asked.filter(({ q }) => parseQuestion(q, lexicon).levels.length === 1);
  it("covers targets missing at some level", () => expect(oneLevel.length).toBeGreaterThan(10));
  for (const { id, q } of oneLevel)
    it(`${q} (${id})`, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, a.text).toBe(false);
    });
});

describe("what the plan does not contain, asked beside what it does", () => {
  // The documents the plan cites are named by number, date and title; a count of their targets is
  // theirs, not the plan's. A count of the documents themselves is the plan's.
  const cited = base.entries
    .filter((e) => e.group === "can-cu")
    .map((e) => e.topic.vi.replace(/^Căn cứ: /, ""));
  it("cites documents", () => expect(cited.length).toBeGreaterThanOrEqual(2));
  for (const doc of cited)
    for (const q of [`${doc} có tổng cộng bao nhiêu chỉ tiêu?`, `${doc} đặt ra mấy chỉ tiêu?`])
      it(`declines "${q}"`, () => expect(knowledge.ask(q, "vi").answered).toBe(false));
  it("answers how many documents the plan rests on", () => {
    const a = knowledge.ask("Phong trào căn cứ mấy văn bản?", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("48-NQ/TU");
  });
  // A level named beside a schedule the plan never gives: not that level's list of targets.
  for (const level of Object.values(levelNames))
    it(`declines a reporting schedule asked of ${level}`, () => {
      const a = knowledge.ask(
        `Các chỉ tiêu của ${level} được báo cáo kết quả định kỳ hằng quý trước ngày nào?`,
        "vi",
      );
      expect(a.answered, a.text).toBe(false);
    });
});

describe("whether the plan concerns the writer, who says who and where they are", () => {
  // The kind the writer names is answered with its own passage, whatever else they say of
  // themselves; where they live (abroad, another province) is no question about another place.
  const cases: [string, string][] = [
    [
      "Tôi là Việt kiều ở Canada, người như tôi có thuộc đối tượng được biểu dương không?",
      "định cư ở nước ngoài",
    ],
    ["Em là nhà khoa học ở Hà Nội, em có thuộc đối tượng của phong trào không?", "nhà khoa học"],
  ];
  for (const [q, named] of cases)
    it(q, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, a.text).toBe(true);
      expect(a.text).toContain(named);
    });
});

describe("what the plan requires", () => {
  // Of a kind of participant (businesses, individuals): that kind's criteria, every one of them.
  for (const level of base.levels.filter((l) => !administrative.includes(l.id) && l.id !== "ke-hoach"))
    it(`of ${level.name.vi}`, () => {
      const a = knowledge.ask(`Kế hoạch yêu cầu gì đối với ${level.aliases.vi[0]}?`, "vi");
      expect(a.answered, a.text).toBe(true);
      for (const e of base.entries.filter((x) => x.level === level.id)) expect(a.text).toContain(e.quote);
    });
  // Of the movement, with the verb that governs "yêu cầu": the requirements section.
  for (const verb of ["đáp ứng", "bảo đảm", "đảm bảo"])
    it(`"phong trào phải ${verb} yêu cầu gì"`, () => {
      const a = knowledge.ask(`phong trào phải ${verb} yêu cầu gì`, "vi");
      expect(a.answered, a.text).toBe(true);
      for (const e of base.entries.filter((x) => x.group === "yeu-cau" && x.level === "ke-hoach"))
        expect(a.text).toContain(e.quote);
    });
});

describe("which documents the movement carries out", () => {
  const cited = base.entries.filter((e) => e.group === "can-cu");
  for (const q of [
    "Phong trào được phát động để thực hiện những nghị quyết, kế hoạch nào?",
    "Kế hoạch căn cứ vào văn bản nào?",
    "Which resolution does the plan implement?",
  ])
    it(q, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, a.text).toBe(true);
      for (const e of cited) expect(a.text).toContain(e.quote.slice(0, 30));
    });
  it("the movement carried out under which plan: Plan 154 itself", () => {
    const a = knowledge.ask("Phong trào thực hiện theo kế hoạch nào?", "vi");
    expect(a.text).toContain("154/KH-UBND");
    expect(a.text).not.toContain("48-NQ/TU");
  });
});

describe("“did you mean” choices", () => {
  it("offer the entries of the level the question names, wherever the plan sets the topic there", () => {
    const lexicon = buildLexicon(base);
    const questions = ["dev-set", "generalisation-set", "blind-set-a", "blind-set-b"].flatMap((f) =>
      loadEvalCases(fileURLToPath(new URL(`./${f}.yaml`, import.meta.url))).map((c) => c.q),
    );
    let checked = 0;
    for (const q of questions) {
      const a = knowledge.ask(q, "vi");
      const levels = parseQuestion(q, lexicon).levels;
      if (a.answered || !a.choices?.length || levels.length !== 1) continue;
      for (const c of a.choices) {
        const entry = base.entries.find((e) => e.id === c.id);
        if (!entry) continue;
        checked++;
        const there = base.entries.some((e) => e.topicKey === entry.topicKey && e.level === levels[0]);
        if (there) expect(entry.level, `${q} → ${c.id}`).toBe(levels[0]);
      }
    }
    expect(checked).toBeGreaterThan(0);
  }, 60_000);
});

describe("the bot's own services and near misses", () => {
  it("points nomination questions to the nomination flow, never to a plan target", () => {
    for (const q of [
      "thời hạn nộp hồ sơ đề cử là khi nào?",
      "nộp hồ sơ đề cử ở đâu",
      "Where do I submit a nomination?",
    ]) {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, q).toBe(false);
      expect(a.sources).toEqual([]);
      expect(a.text, q).toMatch(/đề cử|nominat/i);
      expect(a.text).not.toMatch(/\d+%/);
    }
  });

  it("answers a commune's smartphone target as a target, not as progress", () => {
    const a = knowledge.ask("xã tôi cần đạt bao nhiêu % hộ có điện thoại thông minh", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("100%");
  });

  const declined = [
    // forms and amounts of award the plan never names
    ...["bằng khen", "giấy khen", "huân chương", "tiền thưởng", "kinh phí"].map(
      (w) => `${w} cho tập thể xuất sắc trong phong trào là gì`,
    ),
    // counts of things the plan does not count
    "tỉnh phải có bao nhiêu tập thể được khen thưởng",
    "đến 2025 có bao nhiêu doanh nghiệp công nghệ số",
    // one department's own duty
    "Sở Y tế có nhiệm vụ gì trong phong trào",
    // a share asked of passages without figures
    "bao nhiêu % doanh nghiệp phải hoàn thành chuyển đổi số",
    // a deadline for a citizen's action
    "What is the deadline to activate a VNeID account?",
    // procedures the plan does not describe
    "thủ tục xin cấp chữ ký số chuyên dùng",
    "How do I get a digital signature certificate?",
    // a money amount, asked in English
    "What is the reward amount for outstanding individuals?",
    // a near miss at a level the target is not set for
    "tỷ lệ kết quả giải quyết thủ tục được số hóa ở cấp xã",
    // a person the plan does not name, a body it does not describe
    "Ai là người ký Kế hoạch 154/KH-UBND?",
    "ai ky ke hoach nay",
    "Who signed Plan 154?",
    "Hội đồng thi đua khen thưởng tỉnh gồm những ai",
    "thanh vien ban chi dao gom nhung ai",
  ];
  for (const q of declined) {
    it(`declines “${q}”`, () => expect(knowledge.ask(q, "vi").answered).toBe(false));
  }

  // The plan sets targets; how many have met one so far is no text of it. Walked over every target.
  const targeted = base.entries.filter((e) => administrative.includes(e.level) && e.targets.length);
  it("declines how far the movement has got, for every target, and still answers the target", () => {
    for (const e of targeted) {
      const level = levelNames[e.level]!.replace("cấp ", "");
      const topic = e.topic.vi.toLowerCase();
      for (const q of [
        `Hiện nay đã có bao nhiêu ${level} đạt chỉ tiêu ${topic} rồi?`,
        `den nay co bao nhieu ${level} dat chi tieu ${topic}`,
      ]) {
        expect(knowledge.ask(q, "vi").answered, q).toBe(false);
      }
    }
    expect(knowledge.ask("How many communes have already met the smartphone target?", "en").answered).toBe(
      false,
    );
  });

  it("answers a group of participants with its own criteria, not another group's", () => {
    const a = knowledge.ask("tiêu chí khen thưởng doanh nghiệp công nghệ thông tin", "vi");
    expect(a.answered).toBe(true);
    for (const e of base.entries.filter((x) => x.level === "doanh-nghiep")) expect(a.text).toContain(e.quote);
    expect(a.text).not.toContain("Người dân");
  });

  it("reads “mấy chỉ tiêu 100%” as the list of targets at that figure", () => {
    const a = knowledge.ask("cho em hỏi xã em phải đạt mấy chỉ tiêu 100% ạ", "vi");
    for (const e of base.entries.filter((x) => x.level === "xa" && x.targets.some((t) => t.value === 100)))
      expect(a.text).toContain(e.quote);
  });

  it("still answers a department's targets, which are the provincial level's", () => {
    const a = knowledge.ask("Sở Y tế phải đạt chỉ tiêu gì", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("90%");
  });
});

describe("who takes part, by the question's shape", () => {
  const participants = base.entries.filter((e) => e.participants);

  it("answers a yes/no question whether someone takes part with the passages naming the participants", () => {
    expect(participants.length).toBeGreaterThan(0);
    for (const who of ["đảng viên", "người lao động", "hợp tác xã", "hội nông dân huyện", "doanh nghiệp"]) {
      for (const q of [
        `${who} có phải tham gia phong trào này không`,
        `${who} có phải thực hiện phong trào thi đua không?`,
      ]) {
        const a = knowledge.ask(q, "vi");
        expect(a.answered, q).toBe(true);
        for (const e of participants) expect(a.text, q).toContain(e.quote);
      }
    }
  });

  it("reads what the writer said of themselves when the question is whether it concerns them", () => {
    const a = knowledge.ask(
      "Tôi là bộ đội biên phòng ở xã vùng cao, phong trào này có áp dụng cho tôi không?",
      "vi",
    );
    expect(a.answered).toBe(true);
    expect(a.text).toContain("lực lượng vũ trang");
  });

  it("declines who makes up a body the plan never names", () => {
    for (const q of ["Ban giám khảo của phong trào gồm những ai?", "Hội đồng chấm điểm gồm những ai?"])
      expect(knowledge.ask(q, "vi").answered, q).toBe(false);
  });

  it("answers the requirements section whole", () => {
    const a = knowledge.ask("phong trào đặt ra những yêu cầu gì?", "vi");
    for (const e of base.entries.filter((x) => x.group === "yeu-cau" && x.level === "ke-hoach"))
      expect(a.text).toContain(e.quote);
  });

  it("takes a place named after “ở” as where a business is, not as the level asked", () => {
    const a = knowledge.ask("doanh nghiệp ở huyện Hàm Yên cần đạt tiêu chí gì", "vi");
    expect(a.answered).toBe(true);
    for (const e of base.entries.filter((x) => x.level === "doanh-nghiep")) expect(a.text).toContain(e.quote);
  });
});

describe("declines by the question's shape", () => {
  const targets = base.entries.filter((e) => e.targets.length && administrative.includes(e.level));

  it("declines every target asked for a year the plan sets no target for, and answers it for its own year", () => {
    for (const e of targets) {
      const topic = e.topic.vi.toLowerCase();
      const level = levelNames[e.level]!;
      for (const year of ["2030", "2023", "2026"]) {
        const q = `${topic} ${level} đến năm ${year} phải đạt bao nhiêu %`;
        expect(knowledge.ask(q, "vi").answered, q).toBe(false);
      }
      const own = `${topic} ${level} đến năm ${e.deadline ?? 2025} phải đạt bao nhiêu %`;
      expect(knowledge.ask(own, "vi").answered, own).toBe(true);
    }
  });

  it("declines the duties of a body no passage names, and answers those of one it names", () => {
    expect(
      knowledge.ask("Trung tâm phục vụ hành chính công có vai trò gì trong kế hoạch?", "vi").answered,
    ).toBe(false);
    const head = knowledge.ask("người đứng đầu cơ quan có trách nhiệm gì", "vi");
    expect(head.answered).toBe(true);
    expect(head.text).toContain("người đứng đầu");
  });

  it("reads “(như) thế nào” as how, not as a list of a level", () => {
    const a = knowledge.ask("Cách cộng điểm thi đua cho các xã được quy định thế nào?", "vi");
    expect(a.answered).toBe(false);
  });
});

describe("abbreviations the plan writes itself", () => {
  it("finds every target where the plan writes LGSP or SSO, not only those its expansion's common words rank first", () => {
    for (const abbreviation of ["LGSP", "SSO"]) {
      const a = knowledge.ask(`${abbreviation} được nhắc tới trong những chỉ tiêu nào?`, "vi");
      const where = base.entries.filter((e) => e.quote.includes(abbreviation));
      expect(where.length).toBeGreaterThan(0);
      for (const e of where) expect(a.text, abbreviation).toContain(e.quote);
    }
  });
});

describe("the story told inside the asking sentence", () => {
  it("sets aside the writer's story before “muốn biết” and the closing after the question", () => {
    const a = knowledge.ask(
      "Tuần trước họp huyện có bàn về chuyển đổi số, tôi muốn biết cấp xã phải đạt bao nhiêu % hộ gia đình có địa chỉ số?",
      "vi",
    );
    expect(a.answered).toBe(true);
    expect(a.text).toContain("100%");
    const b = knowledge.ask(
      "Cấp tỉnh bao nhiêu % hồ sơ công việc được xử lý trên môi trường mạng? Mong sớm nhận được phản hồi, trân trọng.",
      "vi",
    );
    expect(b.answered).toBe(true);
    expect(b.text).toContain("90%");
  });
});

describe("English inflections", () => {
  it("reads a word the plan does not use as the stem it uses", () => {
    const a = knowledge.ask(
      "Which years mark the end of the targets and of the longer-term orientation?",
      "en",
    );
    expect(a.answered).toBe(true);
    expect(a.text).toContain("2025");
    expect(a.text).toContain("2030");
  });
});
