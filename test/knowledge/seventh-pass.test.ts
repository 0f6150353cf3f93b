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
