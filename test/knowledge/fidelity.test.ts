/**
 * The knowledge base says what the plan says: every quote is the plan's own words, and every
 * percentage and date of the plan is in the knowledge base, under the level the plan puts it.
 * The plan's text ships in the repository: flows/source/ke-hoach-154.txt (provenance in its README).
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledgeBase } from "../../src/knowledge/knowledge-base.js";

const seed = readFileSync(
  fileURLToPath(new URL("../../flows/source/ke-hoach-154.txt", import.meta.url)),
  "utf8",
).normalize("NFC");
const base = loadKnowledgeBase(fileURLToPath(new URL("../../flows/knowledge/", import.meta.url)));

/** The plan's sections by level, cut at the plan's own headings. */
const headings: [string, string][] = [
  ["tinh", "Đối với các cơ quan, tổ chức, đơn vị cấp tỉnh:"],
  ["huyen", "Đối với cấp huyện:"],
  ["xa", "Đối với cấp xã:"],
  ["doanh-nghiep", "Đối với các doanh nghiệp, hợp tác xã:"],
  ["ca-nhan", "Đối với cá nhân:"],
];
const starts = headings.map(([level, h]) => [level, seed.indexOf(h)] as const);
const end = seed.indexOf("Trong quá trình tổ chức thực hiện");
const sections = new Map(
  starts.map(([level, at], i) => [level, { from: at, to: starts[i + 1]?.[1] ?? end }]),
);

/** Every [start, end) where `needle` occurs in `hay` from `from` to `to`. */
function occurrences(needle: string, from: number, to: number): [number, number][] {
  const found: [number, number][] = [];
  for (
    let at = seed.indexOf(needle, from);
    at >= 0 && at + needle.length <= to;
    at = seed.indexOf(needle, at + 1)
  )
    found.push([at, at + needle.length]);
  return found;
}

describe("the knowledge base is faithful to Plan 154/KH-UBND", () => {
  it("finds the plan's section headings", () => {
    for (const [, at] of starts) expect(at).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(0);
  });

  it("quotes the plan verbatim in every entry", () => {
    for (const e of base.entries)
      expect(seed.includes(e.quote.normalize("NFC")), `${e.id}: quote not in the plan`).toBe(true);
  });

  it("places each criterion's quote inside its own level's section", () => {
    for (const e of base.entries) {
      const section = sections.get(e.level);
      if (!section) continue;
      expect(
        occurrences(e.quote, section.from, section.to).length,
        `${e.id} not in section ${e.level}`,
      ).toBeGreaterThan(0);
    }
  });

  it("states each target figure in its quote", () => {
    for (const e of base.entries)
      for (const t of e.targets) expect(e.quote, e.id).toContain(`${t.value}${t.unit}`);
  });

  it("covers every percentage of each level's section with an entry of that level", () => {
    for (const [level, { from, to }] of sections) {
      const quotes = base.entries
        .filter((e) => e.level === level)
        .flatMap((e) => occurrences(e.quote, from, to));
      for (const m of seed.slice(from, to).matchAll(/\d+%/g)) {
        const at = from + m.index!;
        expect(
          quotes.some(([s, e]) => s <= at && at < e),
          `${m[0]} at ${at} (${level}) has no entry`,
        ).toBe(true);
      }
    }
  });

  it("has an entry with the target for every percentage, by level and value", () => {
    for (const [level, { from, to }] of sections) {
      const values = new Set(
        base.entries.filter((e) => e.level === level).flatMap((e) => e.targets.map((t) => t.value)),
      );
      for (const m of seed.slice(from, to).matchAll(/(\d+)%/g))
        expect(values.has(Number(m[1])), `${m[0]} in ${level}`).toBe(true);
    }
  });

  it("keeps every date of the plan in the general information, in a quote and an answer", () => {
    const dates = [...seed.matchAll(/\d{1,2}\/\d{1,2}\/\d{4}/g)].map((m) => m[0]);
    expect(dates).toEqual(expect.arrayContaining(["12/8/2022", "15/11/2021", "12/4/2022"]));
    const plan = base.entries.filter((e) => e.level === "ke-hoach");
    for (const d of dates) {
      expect(
        plan.some((e) => e.quote.includes(d) && e.answer.vi.includes(d) && e.answer.en.includes(d)),
        d,
      ).toBe(true);
    }
  });

  it("keeps the plan's identity: number, issuer, legal bases, contact", () => {
    const text = base.entries.map((e) => `${e.quote} ${e.answer.vi}`).join("\n");
    for (const fact of [
      "154/KH-UBND",
      "UBND tỉnh Tuyên Quang",
      "48-NQ/TU",
      "55/KH-UBND",
      "Sở Nội vụ",
      "định hướng đến năm 2030",
    ])
      expect(text).toContain(fact);
  });

  it("gives every criterion of the levels the 2025 deadline", () => {
    for (const e of base.entries.filter((x) => x.level !== "ke-hoach")) expect(e.deadline, e.id).toBe(2025);
  });

  it("copies nothing of the plan into the repository beyond quotes", () => {
    const long = seed.split(/(?<=[.;:])\s+/).filter((s) => s.length > 400);
    const yaml = readdirSync(fileURLToPath(new URL("../../flows/knowledge/", import.meta.url)))
      .map((f) => readFileSync(fileURLToPath(new URL(`../../flows/knowledge/${f}`, import.meta.url)), "utf8"))
      .join("\n");
    for (const s of long) expect(yaml.includes(s)).toBe(false);
  });
});
