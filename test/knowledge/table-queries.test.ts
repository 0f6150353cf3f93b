/**
 * Questions answered by reasoning over the whole target table (level × topic × figure) rather than
 * by finding one passage: targets other than a figure, topics every level shares, topics only some
 * levels have, one level set against another, and the initials officials abbreviate the plan's
 * phrases with. Each expectation is computed from the knowledge base, never written out by hand.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { loadKnowledgeBase } from "../../src/knowledge/knowledge-base.js";
import { buildLexicon } from "../../src/knowledge/lexicon.js";
import { parseQuestion } from "../../src/knowledge/question.js";

const dir = fileURLToPath(new URL("../../flows/knowledge/", import.meta.url));
const knowledge = loadKnowledge({ dir });
const base = loadKnowledgeBase(dir);
const lexicon = buildLexicon(base);
const names: Record<string, [string, string]> = {
  tinh: ["cấp tỉnh", "cap tinh"],
  huyen: ["cấp huyện", "cap huyen"],
  xa: ["cấp xã", "cap xa"],
};
const levels = Object.keys(names);
const topicsAt = (level: string) =>
  new Set(base.entries.filter((e) => e.level === level).map((e) => e.topicKey));
const quotes = (pred: (e: (typeof base.entries)[number]) => boolean) =>
  base.entries.filter(pred).map((e) => e.quote);

describe("targets other than a figure", () => {
  const figures = [...new Set(base.entries.flatMap((e) => e.targets.map((t) => t.value)))];
  for (const level of levels)
    for (const value of figures) {
      const expected = quotes((e) => e.level === level && e.targets.some((t) => t.value !== value));
      const absent = quotes(
        (e) => e.level === level && e.targets.length > 0 && e.targets.every((t) => t.value === value),
      );
      if (expected.length === 0) continue;
      for (const q of [
        `${names[level]![0]} có những chỉ tiêu nào không phải ${value}%?`,
        `cac chi tieu ${names[level]![1]} khong phai ${value}%`,
      ])
        it(q, () => {
          const a = knowledge.ask(q, "vi");
          expect(a.answered).toBe(true);
          for (const quote of expected) expect(a.text).toContain(quote);
          for (const quote of absent) expect(a.text).not.toContain(quote);
        });
    }
});

describe("topics every administrative level shares", () => {
  const shared = [...topicsAt("tinh")].filter((k) => levels.every((l) => topicsAt(l).has(k)));
  const notShared = base.entries.filter((e) => levels.includes(e.level) && !shared.includes(e.topicKey));
  for (const q of [
    "Những chỉ tiêu nào cả 3 cấp đều có?",
    "chi tieu nao ap dung cho tat ca cac cap",
    "Which targets are common to all levels?",
  ])
    it(q, () => {
      const a = knowledge.ask(q, /[a-z]/.test(q) && !/[ăâđêôơư]/u.test(q) && q.startsWith("W") ? "en" : "vi");
      expect(a.answered).toBe(true);
      for (const e of base.entries.filter((x) => shared.includes(x.topicKey) && levels.includes(x.level)))
        expect(a.text).toContain(e.quote);
      for (const e of notShared) expect(a.text).not.toContain(e.quote);
    });
});

describe("topics only some levels have", () => {
  // Every split of the three levels into those that have a topic and those that do not.
  for (const present of levels)
    for (const absent of [levels.filter((l) => l !== present)]) {
      const kept = [...topicsAt(present)].filter((k) => absent.every((l) => !topicsAt(l).has(k)));
      const expected = quotes((e) => e.level === present && kept.includes(e.topicKey));
      const excluded = quotes((e) => e.level === present && !kept.includes(e.topicKey));
      if (expected.length === 0) continue;
      const other = absent.map((l) => names[l]![0].replace("cấp ", "")).join(" và ");
      for (const q of [
        `Chỉ tiêu nào chỉ ${names[present]![0]} có, ${other} không có?`,
        `chi tieu nao chi ${names[present]![1]} moi co`,
      ])
        it(q, () => {
          const a = knowledge.ask(q, "vi");
          expect(a.answered).toBe(true);
          for (const quote of expected) expect(a.text).toContain(quote);
          for (const quote of excluded) expect(a.text).not.toContain(quote);
        });
    }
  for (const missing of levels) {
    const present = levels.filter((l) => l !== missing);
    const kept = [...topicsAt(present[0]!)].filter(
      (k) => present.every((l) => topicsAt(l).has(k)) && !topicsAt(missing).has(k),
    );
    if (kept.length === 0) continue;
    const bare = (l: string) => names[l]![1].replace("cap ", "");
    const q = `chi tieu nao ${bare(present[0]!)} va ${bare(present[1]!)} co ma ${bare(missing)} ko co`;
    it(q, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered).toBe(true);
      for (const quote of quotes((e) => present.includes(e.level) && kept.includes(e.topicKey)))
        expect(a.text).toContain(quote);
    });
  }
});

describe("one level set against another", () => {
  // Every topic the province shares with a lower level: "… của xã thấp hơn tỉnh bao nhiêu".
  for (const lower of ["huyen", "xa"])
    for (const e of base.entries.filter((x) => x.level === lower && x.targets.length)) {
      const province = base.entries.find((x) => x.level === "tinh" && x.topicKey === e.topicKey);
      if (!province) continue;
      const q = `${e.topic.vi} của ${names[lower]![0].replace("cấp ", "")} so với tỉnh thì thấp hơn bao nhiêu?`;
      it(q, () => {
        const a = knowledge.ask(q, "vi");
        expect(a.answered).toBe(true);
        expect(a.text).toContain(e.quote);
        expect(a.text).toContain(province.quote);
      });
    }
});

describe("initials of the plan's phrases read as abbreviations", () => {
  // Every multi-syllable phrase the derived vocabulary gives: its initials parse to the phrase.
  const derived = lexicon.synonyms.filter(
    (s) =>
      s.terms.length === 1 &&
      s.terms[0]!.length === 1 &&
      s.means.length >= 3 &&
      s.terms[0]![0] === s.means.map((m) => m[0]).join(""),
  );
  it("derives initials for the plan's recurring names", () => {
    const byLetters = new Map(derived.map((s) => [s.terms[0]![0]!, s.means.join(" ")]));
    expect(byLetters.get("dcs")).toBe("dia chi so");
    expect(byLetters.get("gttm")).toBe("giao thong thong minh");
    // Letters with a vowel are words, not initials; two letters are too ambiguous ("hs").
    for (const letters of byLetters.keys()) expect(letters).toMatch(/^[^aeiouy]{3,}$/);
  });
  for (const s of derived.slice(0, 400)) {
    const letters = s.terms[0]![0]!;
    // A phrase that is itself no topic (a level's name, a generic phrase) gives its initials none either.
    if (parseQuestion(`chi tieu ${s.means.join(" ")} cap xa`, lexicon).units.length === 0) continue;
    it(`"${letters}" means "${s.means.join(" ")}"`, () => {
      const parsed = parseQuestion(`chi tieu ${letters} cap xa`, lexicon);
      expect(parsed.units.some((u) => u.kind === "synonym" && u.means.join(" ") === s.means.join(" "))).toBe(
        true,
      );
    });
  }
});

describe("near misses of the table's questions are declined", () => {
  // The shapes above, about things the plan sets no target for.
  for (const q of [
    "chỉ tiêu về bảo hiểm xã hội cấp huyện",
    "chỉ tiêu về số giường bệnh của tỉnh",
    "tiêu chí về xây dựng đường nông thôn cấp xã",
    "chỉ tiêu về sổ hộ khẩu cấp xã là bao nhiêu",
    "Chỉ tiêu nào cả 3 cấp đều được thưởng tiền?",
    "chi tieu nao chi cap tinh duoc cap kinh phi",
    "xã thấp hơn huyện bao nhiêu tiền thưởng",
    "Which targets are common to all levels for road building?",
    "targets on tourism at commune level",
  ])
    it(q, () => expect(knowledge.ask(q, "vi").answered).toBe(false));
});

describe("counts of what the plan counts, named otherwise", () => {
  // Every vocabulary synonym of a noun the plan counts ("01 điện thoại"): asked as a count, answered.
  const counted = lexicon.synonyms.filter((s) => s.means.join(" ") === "dien thoai thong minh");
  const terms = counted.flatMap((s) => s.terms.map((t) => t.join(" "))).filter((t) => !/\d/.test(t));
  it("has synonyms to walk", () => expect(terms.length).toBeGreaterThan(0));
  for (const term of terms)
    it(`mỗi hộ ở xã phải có mấy cái ${term}`, () => {
      const a = knowledge.ask(`mỗi hộ ở xã phải có mấy cái ${term}`, "vi");
      expect(a.answered).toBe(true);
      expect(a.text).toContain("01 điện thoại thông minh");
    });
});

describe("the targets' time frame", () => {
  // Nothing asked but when: the heading of the plan's targets.
  for (const q of [
    "Các chỉ tiêu này phải đạt đến năm nào?",
    "chi tieu thi dua den bao gio",
    "By when are the targets?",
  ])
    it(q, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered).toBe(true);
      expect(a.text).toContain("Các tiêu chí và chỉ tiêu thi đua đến năm 2025");
    });
});

describe("attributes of a target the plan never states are declined", () => {
  // Where, by whom, under which name or with which software a target is met: the targets state
  // only what must be reached. (The plan's general part may say it, so those passages are exempt.)
  for (const q of [
    "LGSP do công ty nào xây dựng",
    "hệ thống SSO dùng phần mềm gì",
    "học sinh có hồ sơ số thì phụ huynh xem ở đâu",
    "giao thông thông minh ở huyện do ai đầu tư",
    "chữ ký số chuyên dùng được cấp ở đâu",
    "nền tảng quản trị tổng thể tên là gì",
    "Which company built the LGSP platform?",
  ])
    it(q, () => expect(knowledge.ask(q, "vi").answered).toBe(false));
});

describe("progress and how-to near misses", () => {
  for (const q of [
    "hồ sơ công việc cấp xã hiện đạt bao nhiêu phần trăm",
    "làm sao để có danh tính số",
    "làm thế nào để được cấp chữ ký số",
  ])
    it(q, () => expect(knowledge.ask(q, "vi").answered).toBe(false));
});
