/**
 * Filters phrased in the plan's own terms and the second reading by information (issue 14, pass 4).
 * Each expectation is derived from the knowledge base (which targets the plan calls "tối thiểu",
 * which topics a level alone has), so a differently worded question of the same kind is checked the
 * same way, and a change to the content cannot leave the test asserting yesterday's list.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { loadKnowledgeBase } from "../../src/knowledge/knowledge-base.js";

const dir = fileURLToPath(new URL("../../flows/knowledge/", import.meta.url));
const knowledge = loadKnowledge({ dir });
const base = loadKnowledgeBase(dir);
const names: Record<string, string> = { tinh: "cấp tỉnh", huyen: "cấp huyện", xa: "cấp xã" };
const administrative = Object.keys(names);
const topicsAt = (level: string) =>
  new Set(base.entries.filter((e) => e.level === level).map((e) => e.topicKey));

describe("targets the plan calls floors (“tối thiểu”)", () => {
  const floors = base.entries.filter((e) => e.targets.some((t) => t.atLeast));
  const others = base.entries.filter((e) => e.targets.length && !e.targets.some((t) => t.atLeast));

  it("the knowledge base has both kinds, so the filter has something to tell apart", () => {
    expect(floors.length).toBeGreaterThan(1);
    expect(others.length).toBeGreaterThan(1);
  });

  for (const q of [
    "Những chỉ tiêu nào được ghi là tối thiểu?",
    "cac chi tieu nao la muc san",
    "Kế hoạch có những chỉ tiêu nào ở mức tối thiểu?",
    "which targets are stated as a minimum",
  ]) {
    it(`"${q}": every floor target, and no other`, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered).toBe(true);
      for (const e of floors) expect(a.text).toContain(e.quote);
      for (const e of others) expect(a.text).not.toContain(e.quote);
    });
  }

  for (const level of administrative) {
    it(`${names[level]}: the floors of that level only`, () => {
      const a = knowledge.ask(`${names[level]} có những chỉ tiêu tối thiểu nào, mức bao nhiêu?`, "vi");
      expect(a.answered).toBe(true);
      const own = floors.filter((e) => e.level === level);
      for (const e of own) expect(a.text).toContain(e.quote);
      for (const e of others.filter((o) => o.level === level)) expect(a.text).not.toContain(e.quote);
    });
  }

  it("“at least one smartphone”, “the minimum satisfaction target”: one target's figure, not a filter", () => {
    const phone = knowledge.ask(
      "what % of households in communes should have a digital address and at least one smartphone",
      "vi",
    );
    expect(phone.text).toContain("100%");
    expect(phone.text).not.toContain("tối thiểu 80%");
    const minimum = knowledge.ask(
      "What is the minimum satisfaction target for administrative procedures?",
      "vi",
    );
    expect(minimum.text).toContain("90%");
    expect(minimum.text).not.toContain("tối thiểu 50%");
  });
});

describe("targets one level has and others do not", () => {
  for (const level of administrative) {
    const rest = administrative.filter((l) => l !== level);
    const elsewhere = new Set(rest.flatMap((l) => [...topicsAt(l)]));
    const own = base.entries.filter((e) => e.level === level && !elsewhere.has(e.topicKey));
    if (own.length === 0) continue;
    for (const q of [
      `Chỉ tiêu nào chỉ có ở ${names[level]}?`,
      `chi tieu nao chi co o ${names[level]} ma ${rest.map((l) => names[l]).join(" va ")} khong co`,
    ]) {
      it(`"${q}": exactly the topics no other level has`, () => {
        const a = knowledge.ask(q, "vi");
        expect(a.answered).toBe(true);
        for (const e of own) expect(a.text).toContain(e.quote);
        const shared = base.entries.filter((e) => e.level === level && elsewhere.has(e.topicKey));
        for (const e of shared) expect(a.text).not.toContain(e.quote);
      });
    }
  }

  for (const [present, absent] of [
    [["huyen", "xa"], ["tinh"]],
    [["tinh"], ["xa"]],
  ] as const) {
    const q = `Những chỉ tiêu nào có ở ${present.map((l) => names[l]).join(" và ")} mà ${absent.map((l) => names[l]).join(", ")} không có?`;
    it(`"${q}": the topics set at every level asked and at none excluded`, () => {
      const excluded = new Set(absent.flatMap((l) => [...topicsAt(l)]));
      const kept = [...topicsAt(present[0]!)].filter(
        (k) => !excluded.has(k) && present.every((l) => topicsAt(l).has(k)),
      );
      const a = knowledge.ask(q, "vi");
      expect(a.answered).toBe(true);
      for (const e of base.entries) {
        if (!present.includes(e.level as never)) continue;
        if (kept.includes(e.topicKey)) expect(a.text).toContain(e.quote);
        else expect(a.text).not.toContain(e.quote);
      }
    });
  }
});

describe("the second reading, by information", () => {
  const difficulties = base.entries.find((e) => e.id === "ke-hoach.kho-khan-vuong-mac")!;
  for (const q of [
    "Nếu gặp khó khăn, vướng mắc khi triển khai thì xử lý ra sao?",
    "khi co kho khan vuong mac thi xu ly the nao",
  ]) {
    it(`"${q}": a long phrase of the plan outweighs the short verb around it`, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered).toBe(true);
      expect(a.text).toContain(difficulties.quote);
    });
  }

  for (const q of [
    "kế hoạch 154 của Bộ Nội vụ",
    "toi nay doi tuyen viet nam da voi ai",
    "lương cán bộ xã bao nhiêu",
    "khó khăn vướng mắc về tiền lương thì hỏi ai",
  ]) {
    it(`"${q}": two syllables found by chance, or a word the plan never uses, are still declined`, () => {
      expect(knowledge.ask(q, "vi").answered).toBe(false);
    });
  }
});

describe("exceptions the plan states with “(trừ …)”", () => {
  const excepted = base.entries.filter((e) => /\(trừ\s/u.test(e.quote));
  it("the plan has some, at several levels", () => {
    expect(new Set(excepted.map((e) => e.level)).size).toBeGreaterThan(1);
  });
  for (const q of [
    "Các chỉ tiêu nào có ngoại lệ?",
    "nhung chi tieu nao duoc loai tru mot so truong hop",
    "which targets have exceptions",
  ]) {
    it(`"${q}": every target with an exception, and no other`, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered).toBe(true);
      for (const e of excepted) expect(a.text).toContain(e.quote);
      for (const e of base.entries.filter((x) => x.targets.length && !excepted.includes(x)))
        expect(a.text).not.toContain(e.quote);
    });
  }
  it("narrowed by what else is asked: the work files' exception only", () => {
    const a = knowledge.ask("hồ sơ công việc có ngoại lệ nào không?", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("bí mật Nhà nước");
    expect(a.text).not.toContain("trừ văn bản mật");
  });
});

describe("two targets asked with one question word", () => {
  const at = (level: string, key: string) =>
    base.entries.find((e) => e.level === level && e.topicKey === key)!;
  for (const [level, q] of [
    ["xa", "cấp xã: gắn định danh số cho công chức và mức hài lòng của dân là bao nhiêu?"],
    ["huyen", "ở cấp huyện, tỷ lệ công chức gắn định danh số và tỷ lệ hài lòng của người dân là bao nhiêu?"],
  ] as const) {
    it(`"${q}": both targets of the level asked`, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered).toBe(true);
      expect(a.text).toContain(at(level, "dinh-danh-so-cong-chuc").quote);
      expect(a.text).toContain(at(level, "hai-long-tthc").quote);
    });
  }
  it("a word neither target speaks of leaves the question unanswered", () => {
    const a = knowledge.ask(
      "ở cấp huyện, định danh số cho công chức và tiền thưởng cho người dân hài lòng?",
      "vi",
    );
    expect(a.answered).toBe(false);
  });
});

describe("a group of targets named as a whole", () => {
  const group = base.entries.filter((e) => e.level === "xa" && e.group === "ky-nang-so");
  it("“kỹ năng số” compared between levels: every skills target of each level", () => {
    expect(group.length).toBeGreaterThan(1);
    const a = knowledge.ask("chỉ tiêu kỹ năng số của cấp huyện so với cấp xã ra sao?", "vi");
    expect(a.answered).toBe(true);
    for (const e of group) expect(a.text).toContain(e.quote);
  });
});

describe("partial matches of lone syllables", () => {
  // "đăng" is not "đảng", and "trang" (a page) is not the "trang" of "vũ trang": a passage sharing
  // only such syllables with the question, one of them doubtful, is no answer.
  for (const q of ["Kế hoạch này được đăng trên trang nào?", "kế hoạch được đăng ở trang nào"]) {
    it(`"${q}": declined, not answered with the armed forces' passage`, () => {
      const a = knowledge.ask(q, "vi");
      expect(a.answered).toBe(false);
    });
  }
});
