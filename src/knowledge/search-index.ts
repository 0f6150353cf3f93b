/**
 * Finds the entries a question is about. MiniSearch ranks entries by BM25 over Vietnamese
 * syllables, syllable pairs (Vietnamese words are mostly two syllables: "hồ sơ", "định danh") and
 * exact-diacritics forms, with fuzzy matching for typos. On top of the ranking, each entry gets a
 * coverage: how many of the things the question asks about it really speaks of. Coverage, not the
 * raw score, decides whether the bot may answer: a high score on one shared word is no answer.
 */
import MiniSearch from "minisearch";
import type { KnowledgeEntry } from "./knowledge-base.js";
import { entryTexts, phraseTokens } from "./lexicon.js";
import { exactForm, foldDiacritics, syllables } from "./normalize.js";
import { isRomanNumeral, type ParsedQuestion, type Unit } from "./question.js";
import { typoBudget } from "./typo.js";

interface IndexedEntry {
  id: string;
  topic: string;
  keywords: string;
  quote: string;
  answer: string;
  exact: string;
}

export interface Candidate {
  entry: KnowledgeEntry;
  /** Share of the question's units the entry covers, 0–1. */
  coverage: number;
  /** MiniSearch relevance, only comparable within one question. */
  score: number;
  /** How well the entry speaks of each of the question's units, 0–1, in order. */
  units: number[];
}

/** Syllables plus syllable pairs of a text, so that word order within a compound counts. */
function syllablesAndPairs(text: string): string[] {
  const tokens = phraseTokens(text);
  const pairs = tokens.slice(1).map((t, i) => `${tokens[i]}_${t}`);
  return [...tokens, ...pairs];
}

/** Only syllables that carry diacritics, marked with "~" so they match only exact-diacritics query terms. */
function exactSyllables(text: string): string[] {
  return syllables(exactForm(text))
    .filter((t) => foldDiacritics(t) !== t)
    .map((t) => `~${t}`);
}

interface EntryVocabulary {
  tokens: Set<string>;
  pairs: Set<string>;
  /** Syllables with their diacritics, to tell "lương" (salary) from "lượng" (quality). */
  exact: Set<string>;
}

function vocabularyOf(entry: KnowledgeEntry): EntryVocabulary {
  const tokens = new Set<string>();
  const pairs = new Set<string>();
  const exact = new Set<string>(entryTexts(entry, "vi").flatMap((t) => syllables(exactForm(t))));
  const texts = [
    ...entryTexts(entry, "vi"),
    ...entryTexts(entry, "en"),
    ...entry.targets.map((t) => String(t.value)),
  ];
  for (const text of texts) {
    const ts = phraseTokens(text);
    ts.forEach((t, i) => {
      tokens.add(t);
      if (i > 0) pairs.add(`${ts[i - 1]}_${t}`);
    });
  }
  return { tokens, pairs, exact };
}

/**
 * How the question's units count towards coverage. "units": each thing asked counts alike, the
 * rule for a confident answer. "syllables": a unit counts by its length (up to three syllables), so
 * that a long phrase of the plan found verbatim ("khó khăn, vướng mắc", "tiêu chuẩn, trình tự, thủ
 * tục khen thưởng") outweighs a short verb around it ("xử lý", "căn cứ"): the second reading, used
 * only when the first finds no confident answer and every unit is something the plan speaks of.
 */
export type Weighting = "units" | "syllables";

function syllableWeight(unit: Unit): number {
  return Math.min(unit.kind === "words" ? unit.tokens.length : Math.max(unit.original.length, 1), 3);
}

/** Search terms whose results are kept; beyond it the cache starts again (a few MB at most). */
const TERM_CACHE_LIMIT = 20_000;

/** Coverage ceiling of an entry that lacks a number the question names: below confidence. */
const NUMBER_MISSED = 0.5;

function isNumber(token: string): boolean {
  return /^\d+$/.test(token) || isRomanNumeral(token);
}

/** The in-memory index over the entries of the plan. */
export class SearchIndex {
  private readonly search: MiniSearch<IndexedEntry>;
  private readonly vocabularies = new Map<string, EntryVocabulary>();
  private readonly byId = new Map<string, KnowledgeEntry>();
  /** Accented syllables used anywhere in the knowledge base. */
  private readonly allExact = new Set<string>();
  /** Folded syllables of the plan's Vietnamese text (quotes, topics, answers): the plan's own words. */
  private readonly allTokens = new Set<string>();
  /** How many spellings with diacritics the plan has for each folded syllable ("gui": 1, "do": 3). */
  private readings?: Map<string, number>;
  /** Each search term's results (entry id, score), computed once: see `scores`. */
  private readonly termCache = new Map<string, (readonly [string, number])[]>();

  constructor(private readonly entries: KnowledgeEntry[]) {
    this.search = new MiniSearch<IndexedEntry>({
      fields: ["topic", "keywords", "quote", "answer", "exact"],
      tokenize: (text, field) => (field === "exact" ? exactSyllables(text) : syllablesAndPairs(text)),
      processTerm: (term) => term,
      searchOptions: {
        tokenize: (text) => text.split(" "),
        processTerm: (term) => term,
        boost: { topic: 3, keywords: 3, exact: 1.5, quote: 1, answer: 0.7 },
        fuzzy: (term) =>
          term.startsWith("~") || term.includes("_") ? false : typoBudget(term) > 0 ? 1 : false,
        prefix: false,
      },
    });
    this.search.addAll(
      entries.map((e) => ({
        id: e.id,
        topic: `${e.topic.vi}\n${e.topic.en}`,
        keywords: [...e.sharedKeywords.vi, ...e.sharedKeywords.en].join("\n"),
        quote: e.quote,
        answer: `${e.answer.vi}\n${e.answer.en}`,
        exact: [e.topic.vi, e.quote, ...e.sharedKeywords.vi].join("\n"),
      })),
    );
    for (const e of entries) {
      const vocabulary = vocabularyOf(e);
      this.vocabularies.set(e.id, vocabulary);
      vocabulary.exact.forEach((t) => this.allExact.add(t));
      for (const text of [e.quote, e.topic.vi, e.answer.vi])
        for (const t of phraseTokens(text)) this.allTokens.add(t);
      this.byId.set(e.id, e);
    }
  }

  /**
   * Every entry with its coverage and score, best first. The knowledge base is small (tens of
   * entries), so coverage is computed for all of them: no right answer is lost to a ranking cut-off.
   */
  candidates(question: ParsedQuestion): Candidate[] {
    const scores = this.scores(question.searchTerms);
    const weights = question.units.map(() => 1);
    const result = this.entries.map((entry) => {
      const units = this.unitCoverage(question, entry);
      return {
        entry,
        coverage: this.coverage(question, units, weights),
        score: scores.get(entry.id) ?? 0,
        units,
      };
    });
    return result.sort((a, b) => b.coverage - a.coverage || b.score - a.score);
  }

  /**
   * MiniSearch's score for the whole query, from each term's results: the sum of the terms' scores
   * times the number of terms that matched the entry, exactly as one `search` of all the terms
   * (its OR combination) computes it. Each term's results are kept (the index never changes), so
   * the fuzzy walk of a syllable is done once, not once per question: questions about the plan
   * share most of their syllables ("chỉ tiêu", "cấp xã", "hồ sơ"), and the walk was the slowest part.
   */
  private scores(terms: string[]): Map<string, number> {
    const scores = new Map<string, number>();
    const matched = new Map<string, number>();
    for (const term of new Set(terms)) {
      let results = this.termCache.get(term);
      if (!results) {
        results = this.search.search(term).map((r) => [String(r.id), r.score] as const);
        // Bounded: typed words are unbounded, the plan's syllables few; a full cache starts again.
        if (this.termCache.size >= TERM_CACHE_LIMIT) this.termCache.clear();
        this.termCache.set(term, results);
      }
      for (const [id, score] of results) {
        scores.set(id, (scores.get(id) ?? 0) + score);
        matched.set(id, (matched.get(id) ?? 0) + 1);
      }
    }
    for (const [id, n] of matched) scores.set(id, scores.get(id)! * n);
    return scores;
  }

  /** Whether the plan's Vietnamese text (a quote, topic or answer) has this folded syllable. */
  usesSyllable(token: string): boolean {
    return this.allTokens.has(token);
  }

  /** The same candidates with their coverage read with other weights, re-ranked: no second search. */
  reweighed(question: ParsedQuestion, candidates: Candidate[], weighting: Weighting): Candidate[] {
    const weights = question.units.map((u) => (weighting === "units" ? 1 : syllableWeight(u)));
    return candidates
      .map((c) => ({ ...c, coverage: this.coverage(question, c.units, weights) }))
      .sort((a, b) => b.coverage - a.coverage || b.score - a.score);
  }

  /** How well the entry speaks of each of the question's units, 0–1, in order. */
  unitCoverage(question: ParsedQuestion, entry: KnowledgeEntry): number[] {
    const vocabulary = this.vocabularies.get(entry.id)!;
    if (!this.readings) {
      this.readings = new Map();
      for (const e of this.allExact) {
        const f = foldDiacritics(e);
        this.readings.set(f, (this.readings.get(f) ?? 0) + 1);
      }
    }
    const readings = this.readings;
    return question.units.map((u) =>
      covers(u, question, vocabulary, this.allExact, readings, this.allTokens),
    );
  }

  /** Share of the question's units that the entry speaks of. */
  private coverage(question: ParsedQuestion, perUnit: number[], weights: number[]): number {
    if (question.units.length === 0) return 0;
    let covered = 0;
    let total = 0;
    let missesNumber = false;
    for (const [i, unit] of question.units.entries()) {
      const c = perUnit[i]!;
      covered += c * weights[i]!;
      total += weights[i]!;
      if (
        c === 0 &&
        unit.kind === "words" &&
        unit.tokens.length === 1 &&
        isNumber(unit.tokens[0]!) &&
        !question.percentages.includes(unit.tokens[0]!)
      )
        missesNumber = true;
    }
    const coverage = covered / total;
    // A number the entry does not have ("mức độ 3", "khóa XVIII") is a different fact, however much
    // else matches: never a confident answer. A percentage is a figure to check ("có phải 70%
    // không"): the plan's own figure answers it.
    return missesNumber ? Math.min(coverage, NUMBER_MISSED) : coverage;
  }
}

/** Which syllables of a unit were typed with diacritics: read once per question, not once per entry. */
const typedAccents = new WeakMap<Unit & { kind: "words" }, boolean[]>();
function accentsOf(unit: Unit & { kind: "words" }): boolean[] {
  let accents = typedAccents.get(unit);
  if (!accents) {
    accents = unit.exact.map((e) => e !== undefined && foldDiacritics(e) !== e);
    typedAccents.set(unit, accents);
  }
  return accents;
}

/**
 * How well the entry speaks of one unit, 0–1. A word of several syllables counts fully when the
 * entry has its syllable pairs. A short Vietnamese syllable counts when the entry also has it next to
 * the same neighbour: "đỏ" in "sổ đỏ" is not the "độ" of "mức độ 4". A syllable typed with
 * diacritics that the entry only has with other diacritics counts half, and not at all when no entry
 * has it with those diacritics ("lương" vs "lượng").
 */
function covers(
  unit: Unit,
  question: ParsedQuestion,
  vocabulary: EntryVocabulary,
  allExact: Set<string>,
  readings: Map<string, number>,
  planTokens: Set<string>,
): number {
  if (unit.kind === "synonym") {
    if (
      unit.original.every((t) => vocabulary.tokens.has(t)) &&
      (unit.original.length > 1 || unit.original[0]!.length >= 2)
    )
      return 1;
    // An abbreviation the plan itself writes ("LGSP", "SSO", "QR") means what the plan writes it in:
    // its expansion's common words ("nền tảng", "dữ liệu") would find every data target.
    if (unit.original.length === 1 && unit.original[0]!.length >= 2 && planTokens.has(unit.original[0]!))
      return 0;
    if (unit.means.length === 1) return vocabulary.tokens.has(unit.means[0]!) ? 1 : 0;
    for (let i = 1; i < unit.means.length; i++)
      if (vocabulary.pairs.has(`${unit.means[i - 1]}_${unit.means[i]}`)) return 1;
    return 0;
  }
  // A word of two syllables the plan never puts together is not in any entry, whatever its syllables.
  if (unit.novel) return 0;
  const accents = accentsOf(unit);
  // A lone syllable typed with diacritics the plan never uses ("lương" beside "lực lượng") is another
  // word; inside a word of several syllables ("ký năng sô") it is a slip, and the word still counts.
  if (unit.tokens.length === 1 && accents[0] && !allExact.has(unit.exact[0]!)) return 0;
  const accentPenalty = unit.exact.some((e, i) => accents[i] && !vocabulary.exact.has(e!) && allExact.has(e!))
    ? 0.5
    : 1;
  const { tokens, position } = unit;
  if (!tokens.every((t) => vocabulary.tokens.has(t))) return 0;
  if (tokens.length > 1) {
    for (let i = 1; i < tokens.length; i++)
      if (!vocabulary.pairs.has(`${tokens[i - 1]}_${tokens[i]}`)) return 0.5 * accentPenalty;
    return accentPenalty;
  }
  const token = tokens[0]!;
  if (question.lang === "en" || token.length >= 4 || /\d/.test(token)) return accentPenalty;
  const prev = question.tokens[position - 1];
  const next = question.tokens[position + 1];
  const paired =
    (prev !== undefined && vocabulary.pairs.has(`${prev}_${token}`)) ||
    (next !== undefined && vocabulary.pairs.has(`${token}_${next}`));
  const exact = unit.exact[0];
  const exactlyTyped = exact !== undefined && accents[0] === true && vocabulary.exact.has(exact);
  // Typed without diacritics, a syllable the plan spells only one way ("gui": only "gửi") can be no
  // other word of the plan: the neighbour that tells "đỏ" from "độ" is not needed.
  const unambiguous = (exact === undefined || exact === token) && readings.get(token) === 1;
  return paired || exactlyTyped || unambiguous ? accentPenalty : 0;
}
