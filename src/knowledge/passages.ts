/**
 * Every clause of the plan's own text, retrievable beside the curated entries. The entries answer
 * what people usually ask, with short answers and figures; a question about some other sentence
 * of the plan ("phấn đấu đến năm nào, định hướng tới năm nào") is still in the plan, and its
 * verbatim clause, with its source, is the honest answer. Only a clause that speaks of everything
 * asked may answer (see `PlanKnowledge.fromPassages`): the text is not curated, so the coverage
 * check is the only guard.
 */
import { existsSync, readFileSync } from "node:fs";
import type { KnowledgeEntry } from "./knowledge-base.js";

/** Paragraphs shorter than this are headings, captions or the portal's name, not the plan's sentences. */
const SHORTEST_PARAGRAPH = 40;
/** Clauses shorter than this ("Qua đó …" fragments) say too little to answer anything alone. */
const SHORTEST_CLAUSE = 30;

/**
 * The plan's clauses as search entries, each under the level of the curated entry it contains or
 * belongs to (the source an answer names), else under the plan's general part.
 *
 * @example readPassages("flows/source/ke-hoach-154.txt", entries)[0].quote // "Ủy ban nhân dân tỉnh …"
 */
export function readPassages(file: string, entries: KnowledgeEntry[]): KnowledgeEntry[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, "utf8").normalize("NFC");
  const clauses: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const p = paragraph.trim();
    if (p.length < SHORTEST_PARAGRAPH) continue;
    for (const sentence of p.split(/(?<=\.)\s+(?=[\p{Lu}-])/u))
      for (const clause of sentence.split(/;\s*/)) {
        const c = clause
          .trim()
          .replace(/^-\s*/, "")
          .replace(/[.;:/]+$/, "");
        if (c.length >= SHORTEST_CLAUSE) clauses.push(c);
      }
  }
  return clauses.map((quote, i) => {
    const owner = entries.find((e) => quote.includes(e.quote) || e.quote.includes(quote));
    const level = owner?.level ?? "ke-hoach";
    return {
      id: `${level}.doan-${i}`,
      level,
      topicKey: `doan-${i}`,
      topic: { vi: quote.slice(0, 60), en: quote.slice(0, 60) },
      targets: [],
      quote,
      answer: { vi: quote, en: quote },
      keywords: { vi: [], en: [] },
      sharedKeywords: { vi: [], en: [] },
      participants: false,
    };
  });
}
