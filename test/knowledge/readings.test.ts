/**
 * Smaller readings of a question added in the sixth pass, each checked over the knowledge base where
 * the rule holds for all cases: the writer's own purpose after the question, a kind of participant
 * asking whether it takes part, a word said twice, a target set alike at several levels, typos of
 * function words, "tiêu chí cho X", and "which other documents".
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { loadKnowledgeBase } from "../../src/knowledge/knowledge-base.js";
import { buildLexicon } from "../../src/knowledge/lexicon.js";
import { parseQuestion } from "../../src/knowledge/question.js";
import { unwrap } from "../../src/knowledge/wrapper.js";

const dir = fileURLToPath(new URL("../../flows/knowledge/", import.meta.url));
const knowledge = loadKnowledge({ dir });
const base = loadKnowledgeBase(dir);
const lexicon = buildLexicon(base);
const participants = base.levels.filter((l) => l.id === "doanh-nghiep" || l.id === "ca-nhan");

describe("the writer's own purpose after the question", () => {
  it("drops what the writer will do with the answer, keeps a condition of the question", () => {
    expect(unwrap("Phong trào này nhằm mục đích gì để em về tuyên truyền cho bà con", lexicon).question).toBe(
      "Phong trào này nhằm mục đích gì",
    );
    const condition = "Cần đạt tiêu chí gì để được khen thưởng";
    expect(unwrap(condition, lexicon).question).toBe(condition);
  });
});

describe("a kind of participant asking whether it takes part", () => {
  for (const level of participants)
    for (const alias of level.aliases.vi.slice(0, 2))
      it(`“${alias} có phải tham gia phong trào không” gets its own criteria`, () => {
        const a = knowledge.ask(`${alias} có phải tham gia phong trào không`, "vi");
        expect(a.answered).toBe(true);
        for (const e of base.entries.filter((x) => x.level === level.id)) expect(a.text).toContain(e.quote);
      });
});

describe("a word said twice", () => {
  it("is one thing asked", () => {
    const units = parseQuestion("ngày ban hành là ngày nào", lexicon).units.filter(
      (u) => u.kind === "words" && u.tokens.join(" ") === "ngay",
    );
    expect(units).toHaveLength(1);
  });
});

describe("a target set alike at several levels", () => {
  // Every topic whose levels share a figure but word it differently: each level's own words are quoted.
  const byTopic = new Map<string, typeof base.entries>();
  for (const e of base.entries.filter((x) => ["tinh", "huyen", "xa"].includes(x.level)))
    byTopic.set(e.topicKey, [...(byTopic.get(e.topicKey) ?? []), e]);
  const alike = [...byTopic.values()].filter(
    (es) =>
      es.length > 1 &&
      new Set(es.map((e) => JSON.stringify(e.targets))).size === 1 &&
      new Set(es.map((e) => e.quote)).size > 1,
  );
  it("has such topics to walk", () => expect(alike.length).toBeGreaterThan(0));
  for (const es of alike)
    it(es[0]!.topic.vi, () => {
      const a = knowledge.ask(`${es[0]!.topic.vi} bao nhiêu %`, "vi");
      for (const e of es) if (a.text.includes(es[0]!.answer.vi)) expect(a.text).toContain(e.quote);
    });
});

describe("typos of the question's own words", () => {
  // Function words the plan never writes ("những", "vậy") can only be corrected to the question's own words.
  it("reads “nhuung” as “những” and “vayy” as “vậy”", () => {
    expect(parseQuestion("chi tieu cap xa gom nhuung gi vayy", lexicon).tokens).toEqual(
      expect.arrayContaining(["nhung", "vay"]),
    );
  });
});

describe("“tiêu chí cho X”", () => {
  // Businesses; for individuals "tham gia" still leads to the participants' passages first.
  for (const level of participants.filter((l) => l.id === "doanh-nghiep"))
    it(`lists the criteria of ${level.name.vi}`, () => {
      const a = knowledge.ask(`Muốn tham gia thi đua thì tiêu chí với ${level.aliases.vi[0]} là gì?`, "vi");
      expect(a.answered).toBe(true);
      for (const e of base.entries.filter((x) => x.level === level.id)) expect(a.text).toContain(e.quote);
    });
});

describe("“which other documents”", () => {
  it("are the documents the plan cites", () => {
    const a = knowledge.ask("Which other documents does it reference?", "en");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("55/KH-UBND");
  });
});
