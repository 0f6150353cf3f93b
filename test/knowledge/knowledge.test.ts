/** What the conversation engine relies on: browsing, answers' shape, criteria for nominations, normalisation. */
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { NOMINATION_CATEGORIES, loadKnowledge, normalizeVietnamese } from "../../src/knowledge/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const knowledge = loadKnowledge({ dir: `${root}flows/knowledge` });

describe("normalizeVietnamese", () => {
  it("folds case, diacritics, đ and punctuation", () => {
    expect(normalizeVietnamese("  Chỉ tiêu   CẤP XÃ, Đồng bộ!")).toBe("chi tieu cap xa dong bo");
    expect(normalizeVietnamese("Xa\u0303")).toBe("xa");
  });
});

describe("browsing", () => {
  it("lists the levels with the plan itself", () => {
    const ids = knowledge.levels("vi").map((l) => l.id);
    expect(ids).toEqual(
      expect.arrayContaining(["tinh", "huyen", "xa", "doanh-nghiep", "ca-nhan", "ke-hoach"]),
    );
  });

  it("lists a level's entries and shows one, with ASCII ids of at most 40 characters", () => {
    const entries = knowledge.entriesOf("xa", "vi");
    expect(entries.length).toBe(7);
    for (const e of entries) expect(e.id).toMatch(/^[a-z0-9.-]{1,40}$/);
    const one = knowledge.show("xa.ho-so-cong-viec-mang", "vi");
    expect(one.kind).toBe("entry");
    expect(one.text).toContain("60%");
    expect(one.text.length).toBeLessThanOrEqual(800);
    expect(one.sources[0]).toContain("cấp xã");
  });

  it("shows a level's list by its id and refuses an unknown id", () => {
    expect(knowledge.show("huyen", "en").kind).toBe("level-list");
    expect(knowledge.show("nope", "vi").answered).toBe(false);
  });

  it("keeps every entry answer short enough for a phone", () => {
    for (const level of knowledge.levels("vi")) {
      for (const e of knowledge.entriesOf(level.id, "vi")) {
        for (const lang of ["vi", "en"] as const)
          expect(knowledge.show(e.id, lang).text.length, e.id).toBeLessThanOrEqual(800);
      }
    }
  });
});

describe("asking", () => {
  it("answers a specific question with figure, level, quote and source", () => {
    const a = knowledge.ask("ho so cong viec cap xa xu ly tren mang bao nhieu", "vi");
    expect(a).toMatchObject({ answered: true, kind: "entry" });
    expect(a.text).toContain("60%");
    expect(a.text).toContain("“60% hồ sơ công việc tại cấp xã");
    expect(a.sources).toEqual(["Kế hoạch 154/KH-UBND — Tiêu chí cấp xã"]);
  });

  it("lists a level for a broad question", () => {
    const a = knowledge.ask("chỉ tiêu cấp xã", "vi");
    expect(a.kind).toBe("level-list");
    expect(a.choices?.length).toBe(7);
  });

  it("gives every level's figure when the level is not said", () => {
    const a = knowledge.ask("hồ sơ công việc xử lý trên môi trường mạng", "vi");
    expect(a.answered).toBe(true);
    for (const f of ["90%", "80%", "60%"]) expect(a.text).toContain(f);
    expect(a.choices?.length).toBe(3);
  });

  it("says honestly when the plan does not cover the question", () => {
    for (const q of ["thủ tục cấp sổ đỏ", "giá vàng hôm nay", "tỉnh", "số"]) {
      const a = knowledge.ask(q, "vi");
      expect(a.answered, q).toBe(false);
      expect(a.text).toContain("không có trong Kế hoạch");
    }
  });

  it("answers in English when asked in English", () => {
    const a = knowledge.ask("how many commune work files are handled online", "vi");
    expect(a.text).toContain("Commune level");
    expect(knowledge.ask("chi tieu cap xa", "en").text).toContain("Commune level");
  });
});

describe("criteria for nominations", () => {
  it("quotes the plan for every category", () => {
    for (const c of NOMINATION_CATEGORIES) {
      const text = knowledge.criterionFor(c, "vi");
      expect(text).toMatch(/^Theo Kế hoạch 154\/KH-UBND/);
      expect(text).toContain("“");
    }
    expect(knowledge.criterionFor("citizen", "vi")).toContain("Người dân tích cực ứng dụng chuyển đổi số");
    expect(knowledge.criterionFor("commune", "en")).toContain("60% hồ sơ công việc tại cấp xã");
  });
});

describe("the ask command", () => {
  it("prints one JSON line per line of a file, in order, empty lines included", () => {
    const file = `${root}test/knowledge/cli-questions.txt`;
    const out = execFileSync("npx", ["tsx", "src/cli/ask.ts", "--json", "--file", file], {
      cwd: root,
      encoding: "utf8",
    });
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { answered: boolean; answer: string; sources: string[] });
    expect(lines.map((l) => l.answered)).toEqual([true, false, false, true]);
    expect(lines[0]!.answer).toContain("60%");
  }, 30_000);
});
