import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadKnowledge, withAnswerCache, type Knowledge } from "../../src/knowledge/index.js";

describe("the answer cache", () => {
  const plain = loadKnowledge({ dir: resolve("flows/knowledge"), localesDir: resolve("locales") });

  it("answers exactly as the search does, per language", () => {
    const cached = withAnswerCache(plain, 100);
    for (const q of ["chỉ tiêu cấp xã", "chi tieu cap xa", "targets for communes", "thời tiết hôm nay"]) {
      for (const lang of ["vi", "en"] as const) {
        expect(cached.ask(q, lang)).toEqual(plain.ask(q, lang));
        expect(cached.ask(q, lang)).toEqual(plain.ask(q, lang)); // the second time from the cache
      }
    }
  });

  it("searches once per distinct question and keeps only the most recently used", () => {
    let searches = 0;
    const counting: Knowledge = {
      levels: (l) => plain.levels(l),
      entriesOf: (id, l) => plain.entriesOf(id, l),
      show: (id, l) => plain.show(id, l),
      criterionFor: (c, l) => plain.criterionFor(c, l),
      size: () => plain.size(),
      ask: (q, l) => (searches++, plain.ask(q, l)),
    };
    const cached = withAnswerCache(counting, 2);
    cached.ask("chỉ tiêu cấp xã", "vi");
    cached.ask("chỉ tiêu cấp xã", "vi");
    expect(searches).toBe(1);
    cached.ask("chỉ tiêu cấp xã", "en"); // another language is another answer
    expect(searches).toBe(2);
    cached.ask("chỉ tiêu cấp huyện", "vi"); // evicts "xã" in Vietnamese, the least recently used
    cached.ask("chỉ tiêu cấp xã", "en");
    expect(searches).toBe(3);
    cached.ask("chỉ tiêu cấp xã", "vi");
    expect(searches).toBe(4);
    cached.ask("x".repeat(301), "vi");
    cached.ask("x".repeat(301), "vi"); // too long to keep
    expect(searches).toBe(6);
  });
});
