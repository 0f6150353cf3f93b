/**
 * The plan's own clauses as answers of last resort: verbatim, sourced, and only when one clause
 * speaks of everything asked.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { loadKnowledgeBase } from "../../src/knowledge/knowledge-base.js";
import { readPassages } from "../../src/knowledge/passages.js";

const dir = fileURLToPath(new URL("../../flows/knowledge/", import.meta.url));
const sourceFile = fileURLToPath(new URL("../../flows/source/ke-hoach-154.txt", import.meta.url));
const source = readFileSync(sourceFile, "utf8").normalize("NFC");
const base = loadKnowledgeBase(dir);
const passages = readPassages(sourceFile, base.entries);
const knowledge = loadKnowledge({ dir });

describe("the plan's clauses", () => {
  it("cover the plan: every curated quote lies within one of them or contains one", () => {
    for (const e of base.entries)
      expect(passages.some((p) => p.quote.includes(e.quote) || e.quote.includes(p.quote))).toBe(true);
  });
  it("are the plan's words verbatim, never the portal's captions", () => {
    for (const p of passages) expect(source).toContain(p.quote);
    expect(passages.some((p) => p.quote.includes("Ảnh minh họa"))).toBe(false);
  });
  it("a clause's level is that of the curated entry it holds", () => {
    const district = passages.find((p) => p.quote.includes("giao thông thông minh"))!;
    expect(district.level).toBe("huyen");
  });
  it("a missing source file means no passages, not a failure", () => {
    expect(readPassages("/nonexistent/ke-hoach.txt", base.entries)).toEqual([]);
  });
});

describe("answers from a clause", () => {
  it("a question about a sentence no entry answers is answered with that sentence, quoted", () => {
    const a = knowledge.ask("Theo kế hoạch, phong trào phấn đấu đến năm nào, định hướng đến năm nào?", "vi");
    expect(a.answered).toBe(true);
    expect(a.text).toContain("định hướng đến năm 2030");
    expect(a.text).toContain("đến năm 2025");
    expect(a.sources.length).toBeGreaterThan(0);
  });
  it("one word the clause does not have, and the clause does not answer", () => {
    for (const q of [
      "phong trào phấn đấu đến năm nào để phát triển trí tuệ nhân tạo?",
      "định hướng đến năm 2030 của ngành du lịch là gì",
    ])
      expect(knowledge.ask(q, "vi").answered).toBe(false);
  });
});
