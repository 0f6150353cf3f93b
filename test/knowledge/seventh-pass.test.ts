/**
 * Readings added in the seventh pass (sets J and K), each checked over every case the rule covers:
 * two-letter shorthand of the plan's recurring words, the movement's purpose asked with its full
 * name, the plan's groups of criteria, "which <qualified> documents", "bao nhiêu huyện phải …"
 * as a target rather than a count, and "what the plan says about X".
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { loadKnowledgeBase } from "../../src/knowledge/knowledge-base.js";
import { initialisms } from "../../src/knowledge/initialisms.js";
import { buildLexicon } from "../../src/knowledge/lexicon.js";
import { parseQuestion } from "../../src/knowledge/question.js";
import { exactForm, foldDiacritics, syllables } from "../../src/knowledge/normalize.js";

const dir = fileURLToPath(new URL("../../flows/knowledge/", import.meta.url));
const knowledge = loadKnowledge({ dir });
const base = loadKnowledgeBase(dir);
const lexicon = buildLexicon(base);
const stopwords = new Set(
  base.vocabulary.stopwords.vi.map((w) => syllables(exactForm(w))).flatMap((s) => (s.length === 1 ? s : [])),
);
const derived = initialisms(
  base.entries.map((e) => [e.quote, e.topic.vi]),
  new Set(),
  stopwords,
).filter((s) => s.terms[0]!.length === 2);

describe("two-letter shorthand of the plan's recurring words", () => {
  it("derives some, each a word of two syllables with those initials", () => {
    expect(derived.length).toBeGreaterThan(5);
    for (const s of derived) {
      const words = s.means.split(" ");
      expect(words).toHaveLength(2);
      expect(words.map((w) => w[0]).join("")).toBe(s.terms[0]);
    }
  });

  it("never takes a run that always sits inside a longer name, nor an ambiguous pair", () => {
    const means = new Set(derived.map((s) => s.means));
    // "đổi số" only ever inside "chuyển đổi số"; "quyền số" inside "chính quyền số".
    expect(means.has("doi so")).toBe(false);
    expect(means.has("quyen so")).toBe(false);
    // "hs": "hồ sơ" or "học sinh"; "bd": "bảo đảm" or "bồi dưỡng".
    expect(derived.some((s) => s.terms[0] === "hs" || s.terms[0] === "bd")).toBe(false);
  });

  it("never overrides chat shorthand the vocabulary already reads (dc, ko, bn, vs)", () => {
    for (const t of ["dc", "ko", "bn", "vs"]) {
      const units = parseQuestion(`chỉ tiêu này ${t} ai đặt`, lexicon).units;
      expect(
        units.some((u) => u.kind === "synonym"),
        t,
      ).toBe(false);
    }
  });

  // Every entry whose topic uses a derived word, asked with the shorthand at its own level.
  const cases = base.entries.flatMap((e) => {
    if (!["tinh", "huyen", "xa"].includes(e.level)) return [];
    const topic = syllables(exactForm(e.topic.vi)).map(foldDiacritics).join(" ");
    const hit = derived.find((d) => ` ${topic} `.includes(` ${d.means} `));
    if (!hit) return [];
    const level = base.levels.find((l) => l.id === e.level)!.name.vi.toLowerCase();
    return [
      {
        e,
        q: `${` ${topic} `.replace(` ${hit.means} `, ` ${hit.terms[0]} `).trim()} ${level} là bao nhiêu %`,
      },
    ];
  });
  it("has entries to ask about", () => expect(cases.length).toBeGreaterThan(5));
  for (const { e, q } of cases)
    it(`“${q}” is read as ${e.id}`, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, a.text).toBe(true);
      expect(a.text).toContain(e.quote);
    });
});

describe("the movement's purpose asked with its full name", () => {
  const aims = base.entries.filter((e) => e.group === "muc-dich");
  const names = [
    "phong trào thi đua",
    "phong trào thi đua chuyển đổi số",
    "phong trào thi đua CĐS",
    "phong trao thi dua cds",
  ];
  const frames = [
    "mục đích của {name} này là gì",
    "{name} nhằm mục đích gì",
    "mục đích phát động {name} là gì",
  ];
  for (const name of names)
    for (const frame of frames) {
      const q = frame.replace("{name}", name);
      it(`“${q}” gets the aims, not the name`, () => {
        const a = knowledge.ask(q, "vi");
        expect(a.answered).toBe(true);
        for (const e of aims) expect(a.text).toContain(e.quote.slice(0, 40));
      });
    }
});

describe("the plan's groups of criteria", () => {
  const groups = base.levels.filter((l) => l.id !== "ke-hoach");
  for (const p of base.vocabulary.kinds.grouping) {
    const english = /^[a-z ]+$/.test(p) && !/^(chia|phan|nhom|khoi|loai|nhung|cac|may|bao)/.test(p);
    const q = english ? `criteria of the plan ${p}` : `tiêu chí thi đua ${p}`;
    it(`“${q}” lists every group by the plan's heading`, () => {
      const a = knowledge.ask(q, english ? "en" : "vi");
      expect(a.answered, a.text).toBe(true);
      for (const l of groups) expect(a.text).toContain(l.lead![english ? "en" : "vi"]);
    });
  }
  it("a group named is that group's criteria, not the list of groups", () => {
    const a = knowledge.ask("tiêu chí thi đua cấp xã chia theo những nhóm nào", "vi");
    expect(a.text).not.toContain(groups.find((l) => l.id === "tinh")!.lead!.vi);
  });
  it("a topic named is that topic, not the list of groups", () => {
    const a = knowledge.ask("chỉ tiêu hồ sơ công việc chia theo những nhóm nào", "vi");
    expect(a.text).not.toContain(groups.find((l) => l.id === "doanh-nghiep")!.lead!.vi);
  });
});

describe("which qualified documents the plan implements", () => {
  const basis = base.entries.filter((e) => e.group === "can-cu");
  for (const q of [
    "Which Party resolution does the plan implement?",
    "Which earlier documents does this plan implement?",
    "Which two provincial documents does the plan implement?",
  ])
    it(`“${q}” names every document`, () => {
      const a = knowledge.ask(q, "en");
      expect(a.answered).toBe(true);
      for (const e of basis) expect(a.text).toContain(e.quote.slice(0, 30));
    });
});

describe("how many must: a target, not a count", () => {
  const modals = ["phải", "cần", "cần phải"];
  for (const m of modals)
    it(`“bao nhiêu huyện, thành phố ${m} tham gia mở dữ liệu” is the districts' open-data target`, () => {
      const a = knowledge.ask(`mở dữ liệu cấp huyện: bao nhiêu huyện, thành phố ${m} tham gia`, "vi");
      expect(a.answered, a.text).toBe(true);
      expect(a.text).toContain("100% huyện, thành phố tham gia mở dữ liệu");
    });
  it("how many there are stays a count the plan does not give", () => {
    expect(parseQuestion("tỉnh có bao nhiêu huyện", lexicon).outside).toBe("count");
    expect(knowledge.ask("tỉnh có bao nhiêu xã", "vi").answered).toBe(false);
  });
});

describe("what the plan says about a topic", () => {
  // Every topic set at several levels: all of its targets, each level's own.
  const byTopic = new Map<string, typeof base.entries>();
  for (const e of base.entries.filter((x) => ["tinh", "huyen", "xa"].includes(x.level)))
    byTopic.set(e.topicKey, [...(byTopic.get(e.topicKey) ?? []), e]);
  const shared = [...byTopic.values()].filter((es) => es.length > 1);
  it("has shared topics", () => expect(shared.length).toBeGreaterThan(3));
  for (const es of shared) {
    const q = `Kế hoạch quy định về ${es[0]!.topic.vi.toLowerCase()} thế nào`;
    it(`“${q}” quotes every level's target`, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, a.text).toBe(true);
      for (const e of es) expect(a.text).toContain(e.quote.slice(0, 30));
    });
  }
});

describe("with what a general passage is met", () => {
  it("a question about software for managing documents is declined", () => {
    const a = knowledge.ask("xã em nên dùng phần mềm nào để quản lý văn bản điều hành", "vi");
    expect(a.answered).toBe(false);
  });
});

describe("what a kind of individual does to be honoured", () => {
  // Every kind of individual the plan sets a criterion for, named as its passage opens, asked in
  // several shapes: that kind's own criterion.
  const people = base.entries.filter((e) => e.level === "ca-nhan");
  const frames = [
    "{who} như thế nào thì được coi là điển hình",
    "{who} cần làm gì để được biểu dương",
    "tiêu chí thi đua cho {who} là gì",
  ];
  for (const e of people) {
    const words = e.quote.replace(/^(Các|các)\s+/u, "").split(/[\s,]+/u);
    const who = words
      .slice(0, e.id === "ca-nhan.sang-kien-cbccvc" ? 3 : 2)
      .join(" ")
      .toLowerCase();
    for (const frame of frames) {
      const q = frame.replace("{who}", who);
      it(`“${q}” gets ${e.id}`, () => {
        const a = knowledge.ask(q, "vi");
        expect(a.answered, a.text).toBe(true);
        expect(a.text).toContain(e.quote.slice(0, 40));
      });
    }
  }
  it("“tập thể, cá nhân” is who is honoured, not the individuals' level", () => {
    for (const pair of ["tập thể, cá nhân", "cá nhân, tập thể", "tổ chức, cá nhân"])
      expect(parseQuestion(`tôn vinh ${pair} nhằm mục đích gì`, lexicon).levels).not.toContain("ca-nhan");
  });
  it("“ng dân” is “người dân”", () => {
    const units = parseQuestion("ng dân có phải tham gia không", lexicon).units;
    expect(units.some((u) => u.kind === "synonym" && u.means.join(" ") === "nguoi dan")).toBe(true);
  });
});

describe("a body's role in a who-question", () => {
  const roles = base.vocabulary.kinds.role.filter((r) => /[^a-z ]/u.test(r));
  const difficulties = base.entries.find((e) => e.id === "ke-hoach.kho-khan-vuong-mac")!;
  for (const role of roles)
    it(`“cơ quan nào ${role} khó khăn, vướng mắc” names the body the plan names`, () => {
      const a = knowledge.ask(`cơ quan nào ${role} khó khăn, vướng mắc của các đơn vị`, "vi");
      expect(a.answered, a.text).toBe(true);
      expect(a.text).toContain(difficulties.quote.slice(0, 40));
    });
  it("a role the plan gives no body is not answered with confidence", () => {
    expect(knowledge.ask("cơ quan nào phụ trách khen thưởng cho phong trào", "vi").answered).toBe(false);
  });
});

describe("what comes after “ngoài … thì”", () => {
  it("sets aside what it names", () => {
    const a = knowledge.ask(
      "Ngoài tập thể, cá nhân thì các mô hình, cách làm hay có được biểu dương không?",
      "vi",
    );
    expect(a.answered).toBe(true);
    expect(a.text).toContain("các mô hình, cách làm hay, hiệu quả");
  });
  it("“nước ngoài” is abroad", () => {
    const a = knowledge.ask("người Việt Nam ở nước ngoài thì có tiêu chí thi đua gì", "vi");
    expect(a.text).toContain("người Việt Nam định cư ở nước ngoài");
  });
});

describe("typed without diacritics", () => {
  // Every one-syllable level name the plan never writes ("quận") that, typed bare, begins one of the
  // plan's word pairs ("quan tri", "quan ly"): read as the plan's word.
  const bareLevelNames = base.levels.flatMap((l) =>
    l.aliases.vi
      .map((a) => syllables(exactForm(a)))
      .filter((s) => s.length === 1 && !lexicon.planExact.has(s[0]!))
      .map((s) => ({ level: l.id, folded: foldDiacritics(s[0]!) })),
  );
  const cases = bareLevelNames.flatMap(({ level, folded }) =>
    [...lexicon.knownPairs]
      .filter((p) => p.startsWith(`${folded}_`) && p !== `${folded}_${folded}`)
      .map((p) => ({ level, q: `chi tieu ${p.replace("_", " ")} cap tinh` })),
  );
  it("has such names", () => expect(cases.length).toBeGreaterThan(0));
  for (const { level, q } of cases)
    it(`“${q}” names no ${level}`, () => expect(parseQuestion(q, lexicon).levels).not.toContain(level));

  // Every pair of the plan whose bare syllable is also a function word ("che do": "do"), typed bare
  // beside a content word: that syllable is read as part of what is asked, not dropped.
  const pairs = [...lexicon.wordPairs].filter((p) => {
    const [a, b] = p.split("_") as [string, string];
    // A plain content syllable before it (not the start of a level's name or a generic word).
    return (
      lexicon.stopwords.vi.has(b) &&
      !lexicon.stopwords.vi.has(a) &&
      !lexicon.phrases.vi.get(a)?.some((ph) => ph.tokens.length <= 2) &&
      !lexicon.phrases.vi.get(b)?.some((ph) => ph.tokens.length === 1) &&
      (lexicon.planSpellings.get(b) ?? []).some((e) => e !== b && !lexicon.exactStopwords.has(e))
    );
  });
  it("has such pairs", () => expect(pairs.length).toBeGreaterThan(0));
  for (const p of pairs.slice(0, 40)) {
    const q = `chi tieu ${p.replace("_", " ")} cap tinh`;
    const b = p.split("_")[1]!;
    it(`“${q}”: “${b}” is part of what is asked`, () => {
      const units = parseQuestion(q, lexicon).units;
      expect(units.some((u) => (u.kind === "words" ? u.tokens : u.original).includes(b))).toBe(true);
    });
  }
  // Ninth pass: with diacritics typed, a bare "ban" is the plan's "ban" of "ban hành" (not "bạn");
  // the question still asks for the documents the plan rests on.
  it("with diacritics typed, a bare syllable is as meant (“ban hành”)", () => {
    const a = knowledge.ask("Kế hoạch gắn với những văn bản nào ban hành trước đó?", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("48-NQ/TU");
    expect(a.text).toContain("55/KH-UBND");
  });
});

describe("the nearest target of another level, for things the plan never names", () => {
  it("is declined", () => {
    const a = knowledge.ask("Trạm y tế xã phải triển khai bệnh án điện tử xong trước năm nào?", "vi");
    expect(a.answered).toBe(false);
  });
});

describe("the movement's spirit", () => {
  // The plan states it in its aims and in its requirements: every passage of both, for every word
  // that asks for it.
  const sections = base.entries.filter(
    (e) => e.level === "ke-hoach" && (e.group === "muc-dich" || e.group === "yeu-cau"),
  );
  for (const word of base.vocabulary.kinds.spirit) {
    const english = /^[a-z ]+$/.test(word);
    const q = english ? `What is the ${word} of the movement?` : `${word} của phong trào là gì`;
    it(`“${q}” quotes the aims and the requirements`, () => {
      const a = knowledge.ask(q, english ? "en" : "vi");
      expect(a.answered, a.text).toBe(true);
      for (const e of sections) expect(a.text).toContain(e.quote.slice(0, 40));
    });
  }
  it("with a level named, it is that level's question", () => {
    const a = knowledge.ask("tinh thần chỉ tiêu cấp xã là gì", "vi");
    expect(a.text).not.toContain(sections[0]!.quote.slice(0, 40));
  });
});

describe("question shapes read in the seventh pass", () => {
  it("the “cung” of “cung cấp” joins nothing: no list stitched from single words", () => {
    const a = knowledge.ask(
      "Cấp xã phải có bao nhiêu % TTHC cung cấp dưới dạng dịch vụ công trực tuyến?",
      "vi",
    );
    expect(a.answered).toBe(false);
  });
  for (const which of ["số mấy", "số bao nhiêu"])
    it(`“${which}” asks the plan's number, not a count`, () => {
      const a = knowledge.ask(`Kế hoạch phát động thi đua CĐS của Tuyên Quang ${which}, ký ngày nào?`, "vi");
      expect(a.answered, a.text).toBe(true);
      expect(a.text).toContain("154/KH-UBND");
    });
  // Which units have already met a target: progress, for every administrative level and every way
  // of saying "already" the vocabulary knows.
  const already = base.vocabulary.progressWords.filter((w) => /^(đã|hiện|đang)/u.test(w));
  for (const level of ["xã", "huyện"])
    for (const w of already)
      it(`“${level} nào ${w} chỉ tiêu 100% hộ gia đình có địa chỉ số” is progress, declined`, () => {
        const q = `${level} nào ${w} chỉ tiêu 100% hộ gia đình có địa chỉ số`;
        expect(parseQuestion(q, lexicon).outside).toBe("progress");
        expect(knowledge.ask(q, "vi").answered).toBe(false);
      });
  it("which level a target is set for is still answered", () => {
    const a = knowledge.ask("cấp nào có chỉ tiêu 100% hộ gia đình có địa chỉ số", "vi");
    expect(a.answered).toBe(true);
  });
});

describe("whether a unit has met a target yet", () => {
  for (const verb of ["đã đạt", "đã hoàn thành", "đạt được"])
    it(`“xã tôi ${verb} chỉ tiêu … chưa” is a status, declined`, () => {
      const q = `Xã tôi ${verb} chỉ tiêu hộ gia đình có địa chỉ số chưa?`;
      expect(parseQuestion(q, lexicon).outside).toBe("progress");
      expect(knowledge.ask(q, "vi").answered).toBe(false);
    });
  it("whether the plan sets a target yet is the plan's question", () => {
    expect(knowledge.ask("cap xa da co chi tieu ho so cong viec chua", "vi").answered).toBe(true);
  });
  it("an English how-to with “how can my …” is declined", () => {
    expect(knowledge.ask("How can my cooperative get a digital signature certificate?", "en").answered).toBe(
      false,
    );
  });
});
