/**
 * Strips the conversation around a question. People write to the bot as to a person: "Chào bot,
 * mình là cán bộ phụ trách CĐS ở một xã vùng cao, cho mình hỏi … nhé, cảm ơn nhiều". The greeting,
 * the self-introduction and the thanks add words that the plan never uses, and every such word
 * dilutes how well an entry covers the question. They are dropped clause by clause (clauses end at
 * punctuation), before any search.
 */
import { containsPhrase, phraseAt, type Lexicon } from "./lexicon.js";
import { normalizeVietnamese, syllables } from "./normalize.js";

export interface Unwrapped {
  /** The question without its wrapper (the whole text when nothing was stripped). */
  question: string;
  /** The self-introduction clauses dropped ("mình là cán bộ xã"): they may tell the level asked about. */
  introductions: string[];
}

/** Clauses end at sentence and clause punctuation; the punctuation stays with its clause. */
const CLAUSE_END = /(?<=[.!?;,:\n…])\s*/u;

/**
 * @example unwrap("Chào bot, mình là cán bộ xã, cho mình hỏi chỉ tiêu hồ sơ công việc, cảm ơn", lexicon).question
 *   // "cho mình hỏi chỉ tiêu hồ sơ công việc,"
 */
export function unwrap(raw: string, lexicon: Lexicon): Unwrapped {
  const clauses = raw.split(CLAUSE_END).filter((c) => c.trim().length > 0);
  if (clauses.length < 2) return { question: raw, introductions: [] };
  const w = lexicon.wrappers;
  const kept: string[] = [];
  const introductions: string[] = [];
  for (const clause of clauses) {
    const tokens = syllables(normalizeVietnamese(clause));
    if (tokens.length === 0) continue;
    if (isCourtesy(tokens, lexicon)) continue;
    if (startsWithAny(tokens, w.thanks)) continue;
    const continues = kept.length === 0 && introductions.length > 0 && startsWithAny(tokens, w.introContinuation);
    if (continues || startsWithAny(skipCourtesy(tokens, lexicon), w.selfIntro)) {
      introductions.push(clause);
      continue;
    }
    kept.push(clause);
  }
  // A text that is only courtesy or introduction is left whole: better read it all than nothing.
  if (kept.length === 0) return { question: raw, introductions: [] };
  return { question: kept.join(" ").trim(), introductions };
}

/** A clause made only of greetings, thanks and forms of address ("Chào bạn", "Alo bot ơi", "Dạ em chào anh chị"). */
function isCourtesy(tokens: string[], lexicon: Lexicon): boolean {
  const w = lexicon.wrappers;
  const courtesy = [...w.greetings, ...w.thanks, ...w.address];
  let i = 0;
  let greeted = false;
  while (i < tokens.length) {
    const p = courtesy.find((c) => phraseAt(tokens, c, i));
    if (!p) return false;
    if (w.greetings.includes(p) || w.thanks.includes(p)) greeted = true;
    i += p.length;
  }
  return greeted;
}

/** The clause without a leading greeting and forms of address ("Hi bạn, mình là…" → "mình là…"). */
function skipCourtesy(tokens: string[], lexicon: Lexicon): string[] {
  const w = lexicon.wrappers;
  let i = 0;
  for (;;) {
    const p = w.greetings.find((c) => phraseAt(tokens, c, i));
    if (!p) break;
    i += p.length;
    while (i < tokens.length && w.address.some((a) => a.length === 1 && a[0] === tokens[i]) && !w.selfIntro.some((s) => phraseAt(tokens, s, i))) i++;
  }
  return tokens.slice(i);
}

function startsWithAny(tokens: string[], phrases: string[][]): boolean {
  return phrases.some((p) => phraseAt(tokens, p, 0));
}

/** Whether any of the phrases occurs in the text (folded). */
export function mentions(text: string, phrases: string[][]): boolean {
  const tokens = syllables(normalizeVietnamese(text));
  return phrases.some((p) => containsPhrase(tokens, p));
}
