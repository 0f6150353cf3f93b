/**
 * A small search over the published FAQ entries, separate from the plan's index: an entry matches
 * only when most of its question's words are in the citizen's question and most of the citizen's
 * words are in it (the coverage check), so a loosely related question gets the plan's honest
 * decline rather than an official's answer to something else.
 */
import { fold } from "../i18n/fold.js";

/** Share of the entry's content words the question must contain. */
export const MIN_ENTRY_COVERAGE = 0.6;
/** Share of the question's content words the entry must contain. */
export const MIN_QUESTION_COVERAGE = 0.4;
/** Fewest shared content words (one shared word is chance). */
export const MIN_SHARED = 2;

/**
 * Words that carry no topic (question words, particles, pronouns), folded; matched after
 * the one fold (src/i18n/fold.ts), so typing with or without diacritics is the same.
 */
const FUNCTION_WORDS = new Set(
  "a ah a a ai bao gio bao nhieu bi bang cac cai can cho chi chu co con cua cung da dang day de den deu di do duoc gi gium giup ha hay hoi khi khong ko k la lam lai len ma minh mot muon nao nay neu nhe nhi nhu nhung o oi ong ba anh chi em toi tui ra roi sao se the thi thoi tren trong tu tai va van vay vi voi vo xin xem dau hoac hien nay ban bot quy vui long cam on nhieu what how when where who why is are the a an of to for in on do does can i my you please".split(
    " ",
  ),
);

/** The content words of a text: folded syllables without function words. */
export function contentWords(text: string): Set<string> {
  const words = fold(text)
    .split(" ")
    .filter((w) => w && !FUNCTION_WORDS.has(w));
  return new Set(words);
}

export interface FaqSearchEntry {
  id: string;
  question: string;
  answeredOn: Date;
}

export interface FaqMatch<E extends FaqSearchEntry> {
  entry: E;
  /** Share of the entry's words found in the question. */
  entryCoverage: number;
  /** Share of the question's words found in the entry. */
  questionCoverage: number;
}

/** @example const index = new FaqIndex(entries); index.search("xã có được hỗ trợ máy tính không") */
export class FaqIndex<E extends FaqSearchEntry> {
  private readonly items: Array<{ entry: E; words: Set<string> }>;

  constructor(entries: readonly E[]) {
    this.items = entries
      .map((entry) => ({ entry, words: contentWords(entry.question) }))
      .filter((i) => i.words.size > 0);
  }

  get size(): number {
    return this.items.length;
  }

  /** The best entry passing the coverage check, or undefined. Ties go to the newer answer. */
  search(question: string): FaqMatch<E> | undefined {
    const q = contentWords(question);
    if (!q.size) return undefined;
    let best: (FaqMatch<E> & { score: number }) | undefined;
    for (const { entry, words } of this.items) {
      let shared = 0;
      for (const w of words) if (q.has(w)) shared += 1;
      if (shared < Math.min(MIN_SHARED, words.size)) continue;
      const entryCoverage = shared / words.size;
      const questionCoverage = shared / q.size;
      if (entryCoverage < MIN_ENTRY_COVERAGE || questionCoverage < MIN_QUESTION_COVERAGE) continue;
      const score = entryCoverage + questionCoverage;
      if (!best || score > best.score || (score === best.score && entry.answeredOn > best.entry.answeredOn))
        best = { entry, entryCoverage, questionCoverage, score };
    }
    return (
      best && {
        entry: best.entry,
        entryCoverage: best.entryCoverage,
        questionCoverage: best.questionCoverage,
      }
    );
  }
}
