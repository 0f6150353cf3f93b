/**
 * The vocabulary of the plan, prepared once for fast question analysis: every phrase list of
 * `vocabulary.yaml` and every level alias turned into folded syllable sequences, plus the set of
 * syllables the knowledge base knows (to tell a typo or an off-topic word from a known one).
 */
import { initialisms } from "./initialisms.js";
import type { KnowledgeBase, KnowledgeEntry } from "./knowledge-base.js";
import type { Vocabulary } from "./schema.js";
import { exactForm, foldDiacritics, hasDiacritics, normalizeVietnamese, syllables } from "./normalize.js";
import type { Lang } from "../i18n/locales.js";

/** How a span of the question is read. */
export type Role = "stop" | "generic" | "level" | "content";

export interface Phrase {
  tokens: string[];
  role: Role;
  /** The level a level alias names. */
  level?: string;
  /** The alias with its diacritics ("quận"), to tell it from a word typed with others ("quan"). */
  exact?: string[];
}

export interface Synonym {
  terms: string[][];
  /** The terms with their diacritics: typed with accents, "hồ sơ sức khỏe" holds no "sổ sức khỏe". */
  exact: string[][];
  means: string[];
  /** The plan lists what the terms name: a count of them ("mấy trụ cột") is answered by the list. */
  list?: boolean;
}

export interface Lexicon {
  /** Phrases by first syllable, longest first, per language of the question. */
  phrases: Record<Lang, Map<string, Phrase[]>>;
  stopwords: Record<Lang, Set<string>>;
  /** Stopwords with their diacritics: typed with accents, "hồ" (of "hồ sơ") is not the stopword "hở". */
  exactStopwords: Set<string>;
  synonyms: Synonym[];
  /**
   * Where each synonym term starts: its first syllable → (synonym, term) indexes. A question is
   * looked up syllable by syllable instead of every term being tried at every position.
   */
  synonymStarts: Map<string, { s: number; t: number }[]>;
  otherPlaces: { folded: string[]; exact: string[] }[];
  offTopic: { folded: string[]; exact: string[] }[];
  documentNumbers: Set<string>;
  planNames: string[][];
  /** Folded syllables of the Vietnamese and of the English text of the knowledge base. */
  known: Record<Lang, Set<string>>;
  /** Adjacent syllable pairs ("ho_so") used anywhere in the knowledge base: the plan's words. */
  knownPairs: Set<string>;
  /** Syllables of every phrase of vocabulary.yaml: real words, never "corrected" as typos. */
  vocabularyWords: Set<string>;
  /** Phrases read as one word, masked before looking for place names. */
  compounds: string[][];
  /** Syllables with their diacritics used anywhere in the Vietnamese text or vocabulary: "kỹ", "hòa". */
  knownExact: Set<string>;
  /** The same of the knowledge base's own texts only: words the plan writes ("quản", not "quận"). */
  planExact: Set<string>;
  /** Each folded syllable's spellings in the knowledge base's texts: "do" → "độ", "do". */
  planSpellings: Map<string, string[]>;
  /** Pairs of the plan's syllables, folded, neither of them a function word as written: "che_do", "noi_bo". */
  wordPairs: Set<string>;
  /**
   * The syllables a typo may be corrected to: the plan's words and the question's own function words
   * ("nhữg" is "những"), listed once.
   */
  corrections: Record<Lang, string[]>;
  /** Adjacent syllable pairs of the knowledge base and of the vocabulary: context for typo correction. */
  contextPairs: Set<string>;
  /** Document kinds ("kế hoạch", "nq") with the numbers of that kind the plan cites. */
  documents: { words: string[][]; numbers: Set<string> }[];
  /** "bao nhiêu", "mấy", "how many": right before a level name, a count the plan never gives. */
  countWords: string[][];
  /** Titles of office ("chủ tịch") and the "là ai" that asks for the person holding one. */
  personTitles: string[][];
  /** "hiện nay", "đã có", "so far": with a count, how far the movement has got, which a plan cannot know. */
  progressWords: string[][];
  personQuestions: string[][];
  /** "cách", "hướng dẫn"… with a service action ("cài", "tra cứu"): a how-to the plan does not give. */
  howTo: string[][];
  serviceActions: string[][];
  /** "hạn", "deadline": with a service action, a deadline the plan does not set. */
  deadlines: string[][];
  /** "nhiệm vụ", "vai trò": with one named department, a duty the plan does not assign. */
  departmentDuties: string[][];
  /** Department aliases that name all departments, or the one the plan names (Sở Nội vụ). */
  generalDepartments: string[][];
  /** Nouns the plan counts with a plain number ("01 điện thoại"): "mấy cái điện thoại" is a question it answers. */
  countedNouns: Set<string>;
  /** Words that say what kind of answer is wanted (a list, a comparison, the purpose, who): see question-kind.ts. */
  kinds: Record<KindName, string[][]>;
  /** The same phrases as written, syllable by syllable, to tell "sở nào" from "số nào" when typed so. */
  kindsExact: Record<KindName, string[][]>;
  /** Questions about the bot's own services: a service word with a request word ("đề cử" + "nộp ở đâu"). */
  services: { words: string[][]; asks: string[][]; answer: string }[];
  /** Greetings, thanks and self-introductions around a question: see wrapper.ts. */
  wrappers: Record<
    "greetings" | "thanks" | "selfIntro" | "introContinuation" | "address" | "askRequests" | "topicMarkers",
    string[][]
  > & {
    /** Words by which writers speak of themselves ("mình", "sếp", "my"), with their diacritics. */
    speakers: { folded: string; exact: string }[];
  };
}

/** The kinds of question `vocabulary.yaml` lists words for. */
export type KindName =
  | "list"
  | "compare"
  | "purpose"
  | "who"
  | "requirements"
  | "participate"
  | "yesNo"
  | "figureFilter"
  | "below"
  | "above"
  | "floor"
  | "exception"
  | "only"
  | "notEqual"
  | "everyLevel"
  | "when"
  | "attribute"
  | "grouping"
  | "role"
  | "honour"
  | "spirit"
  | "aspire"
  | "each";

/** Folded syllables of a phrase as written in YAML. */
export function phraseTokens(text: string): string[] {
  return syllables(normalizeVietnamese(text));
}

function phraseIndex(list: Phrase[]): Map<string, Phrase[]> {
  const index = new Map<string, Phrase[]>();
  for (const p of list) {
    const first = p.tokens[0];
    if (first === undefined) continue;
    const bucket = index.get(first) ?? [];
    bucket.push(p);
    index.set(first, bucket);
  }
  for (const bucket of index.values()) bucket.sort((a, b) => b.tokens.length - a.tokens.length);
  return index;
}

/** The searchable Vietnamese and English text of an entry. */
export function entryTexts(entry: KnowledgeEntry, lang: Lang): string[] {
  const vi = [entry.topic.vi, entry.quote, entry.answer.vi, ...entry.sharedKeywords.vi];
  const en = [entry.topic.en, entry.answer.en, ...entry.sharedKeywords.en];
  return lang === "vi" ? vi : en;
}

/**
 * The vocabulary with the initials of the plan's phrases as abbreviations ("hscv", "csdl"), unless
 * a word or abbreviation of the vocabulary or the plan is spelt so already.
 */
function withInitialisms(base: KnowledgeBase): Vocabulary {
  const v = base.vocabulary;
  const texts = base.entries.map((e) => [e.quote, e.topic.vi]);
  const taken = new Set([
    ...[
      ...v.synonyms.flatMap((x) => x.terms),
      ...v.stopwords.vi,
      ...v.stopwords.en,
      ...v.generic.vi,
      ...v.generic.en,
    ].flatMap(phraseTokens),
    ...base.entries.flatMap((e) => entryTexts(e, "vi").flatMap(phraseTokens)),
  ]);
  // Single-syllable function words only: "thông tin" is a stopword phrase, "thông" alone is not.
  const stopwords = new Set(
    v.stopwords.vi.map((w) => syllables(exactForm(w))).flatMap((s) => (s.length === 1 ? s : [])),
  );
  return { ...v, synonyms: [...v.synonyms, ...initialisms(texts, taken, stopwords)] };
}

/**
 * Prepares the lexicon. Multi-syllable stopwords ("bao nhiêu") and generic words ("chỉ tiêu") go
 * in the phrase table so that they are recognised before their syllables are read one by one.
 */
export function buildLexicon(base: KnowledgeBase): Lexicon {
  const v = withInitialisms(base);
  const phrases = { vi: [] as Phrase[], en: [] as Phrase[] };
  const stopwords = { vi: new Set<string>(), en: new Set<string>() };
  const exactStopwords = new Set<string>();
  for (const lang of ["vi", "en"] as const) {
    for (const w of v.stopwords[lang]) {
      const tokens = phraseTokens(w);
      if (tokens.length === 1) {
        stopwords[lang].add(tokens[0]!);
        exactStopwords.add(exactForm(w));
      } else if (tokens.length > 1) phrases[lang].push({ tokens, role: "stop" });
    }
    for (const w of v.generic[lang])
      phrases[lang].push({ tokens: phraseTokens(w), role: "generic", exact: syllables(exactForm(w)) });
    for (const level of base.levels) {
      if (level.id === "ke-hoach") continue;
      // The units below a level the plan sets nothing for ("bản làng" under the commune) are read as
      // that level, so that the note saying so can follow (knowledge.ts, askWithin).
      for (const alias of new Set([...level.aliases[lang], ...(level.below?.names[lang] ?? [])]))
        phrases[lang].push({
          tokens: phraseTokens(alias),
          role: "level",
          level: level.id,
          exact: syllables(exactForm(alias)),
        });
    }
  }
  for (const w of v.compounds) phrases.vi.push({ tokens: phraseTokens(w), role: "content" });
  // Words asking for a list or a comparison say how to answer, not what about: read like question
  // words. A word with diacritics is Vietnamese, one without is English.
  // Who-words that only frame the question ("có thuộc đối tượng", "nằm trong", and any the plan never
  // uses, "áp dụng cho") are read the same way; those that are also the plan's words stay content.
  const known = { vi: new Set<string>(), en: new Set<string>() };
  const knownPairs = new Set<string>();
  for (const e of base.entries) {
    for (const lang of ["vi", "en"] as const) {
      for (const text of entryTexts(e, lang)) {
        const tokens = phraseTokens(text);
        tokens.forEach((t, i) => {
          known[lang].add(t);
          if (i > 0) knownPairs.add(`${tokens[i - 1]}_${t}`);
        });
      }
    }
  }
  // Whether a phrase is the plan's own: a who-word the plan uses ("tham gia", "cơ quan") may be
  // what is asked about; one it never uses ("áp dụng cho", "dành cho") only frames the question.
  const plansOwn = (w: string) => {
    const tokens = phraseTokens(w);
    const lang = hasDiacritics(w) ? "vi" : "en";
    return tokens.length === 1
      ? known[lang].has(tokens[0]!)
      : tokens.slice(1).every((t, i) => knownPairs.has(`${tokens[i]}_${t}`));
  };
  const framing = v.kinds.who.filter(
    (w) => !plansOwn(w) || !/tham gia|áp dụng|dành cho|cơ quan|đơn vị|apply|participants/u.test(w),
  );
  for (const w of [
    ...v.kinds.list,
    ...v.kinds.compare,
    ...v.kinds.purpose,
    ...v.kinds.aspire,
    ...v.kinds.everyLevel,
    ...v.kinds.each,
    ...framing,
  ]) {
    const tokens = phraseTokens(w);
    const lang = hasDiacritics(w) ? "vi" : "en";
    if (tokens.length === 1) {
      stopwords[lang].add(tokens[0]!);
      exactStopwords.add(exactForm(w));
    } else phrases[lang].push({ tokens, role: "stop" });
  }

  // The plan's own syllables as written, and its pairs of content syllables, read in one pass; the
  // vocabulary's words join knownExact below, never planExact.
  const planExact = new Set<string>();
  const wordPairs = new Set<string>();
  for (const e of base.entries)
    for (const text of entryTexts(e, "vi")) {
      const exact = syllables(exactForm(text));
      exact.forEach((x, i) => {
        planExact.add(x);
        const prev = exact[i - 1];
        if (prev !== undefined && !exactStopwords.has(prev) && !exactStopwords.has(x))
          wordPairs.add(`${foldDiacritics(prev)}_${foldDiacritics(x)}`);
      });
    }
  const planSpellings = new Map<string, string[]>();
  for (const e of planExact)
    planSpellings.set(foldDiacritics(e), [...(planSpellings.get(foldDiacritics(e)) ?? []), e]);
  const knownExact = new Set(planExact);
  const vocabularyPhrases = [
    ...v.synonyms.flatMap((x) => [...x.terms, x.means]),
    ...v.stopwords.vi,
    ...v.generic.vi,
    ...v.compounds,
    ...base.levels.flatMap((l) => l.aliases.vi),
  ];
  const contextPairs = new Set(knownPairs);
  for (const w of vocabularyPhrases) {
    syllables(exactForm(w)).forEach((t) => knownExact.add(t));
    const tokens = phraseTokens(w);
    tokens.forEach((t, i) => i > 0 && contextPairs.add(`${tokens[i - 1]}_${t}`));
  }
  const synonyms = v.synonyms.map((s) => ({
    terms: s.terms.map(phraseTokens),
    exact: s.terms.map((t) => syllables(exactForm(t))),
    means: phraseTokens(s.means),
    ...(s.list ? { list: true } : {}),
  }));
  const synonymStarts = new Map<string, { s: number; t: number }[]>();
  synonyms.forEach((synonym, s) =>
    synonym.terms.forEach((term, t) => {
      const first = term[0];
      if (first === undefined) return;
      const starts = synonymStarts.get(first) ?? [];
      starts.push({ s, t });
      synonymStarts.set(first, starts);
    }),
  );
  const placeForms = (w: string) => ({ folded: phraseTokens(w), exact: syllables(exactForm(w)) });
  return {
    phrases: { vi: phraseIndex(phrases.vi), en: phraseIndex(phrases.en) },
    stopwords,
    exactStopwords,
    synonyms,
    synonymStarts,
    otherPlaces: v.otherPlaces.map(placeForms),
    offTopic: v.offTopic.map(placeForms),
    documentNumbers: new Set(v.documentNumbers),
    planNames: v.planNames.map(phraseTokens),
    known,
    knownPairs,
    compounds: v.compounds.map(phraseTokens),
    knownExact,
    planExact,
    planSpellings,
    wordPairs,
    corrections: {
      vi: [...known.vi, ...stopwords.vi],
      en: [...known.en, ...stopwords.en],
    },
    contextPairs,
    documents: v.documents.map((d) => ({ words: d.words.map(phraseTokens), numbers: new Set(d.numbers) })),
    countWords: v.countWords.map(phraseTokens),
    personTitles: v.personTitles.map(phraseTokens),
    progressWords: v.progressWords.map(phraseTokens),
    personQuestions: v.personQuestions.map(phraseTokens),
    howTo: v.howTo.map(phraseTokens),
    serviceActions: v.serviceActions.map(phraseTokens),
    deadlines: v.deadlines.map(phraseTokens),
    departmentDuties: v.departmentDuties.map(phraseTokens),
    generalDepartments: v.generalDepartments.map(phraseTokens),
    countedNouns: countedNouns(base),
    services: v.services.map((x) => ({
      words: x.words.map(phraseTokens),
      asks: x.asks.map(phraseTokens),
      answer: x.answer,
    })),
    kinds: {
      list: v.kinds.list.map(phraseTokens),
      compare: v.kinds.compare.map(phraseTokens),
      purpose: v.kinds.purpose.map(phraseTokens),
      who: v.kinds.who.map(phraseTokens),
      requirements: v.kinds.requirements.map(phraseTokens),
      participate: v.kinds.participate.map(phraseTokens),
      yesNo: v.kinds.yesNo.map(phraseTokens),
      figureFilter: v.kinds.figureFilter.map(phraseTokens),
      below: v.kinds.below.map(phraseTokens),
      above: v.kinds.above.map(phraseTokens),
      floor: v.kinds.floor.map(phraseTokens),
      exception: v.kinds.exception.map(phraseTokens),
      only: v.kinds.only.map(phraseTokens),
      notEqual: v.kinds.notEqual.map(phraseTokens),
      everyLevel: v.kinds.everyLevel.map(phraseTokens),
      when: v.kinds.when.map(phraseTokens),
      attribute: v.kinds.attribute.map(phraseTokens),
      grouping: v.kinds.grouping.map(phraseTokens),
      role: v.kinds.role.map(phraseTokens),
      honour: v.kinds.honour.map(phraseTokens),
      spirit: v.kinds.spirit.map(phraseTokens),
      aspire: v.kinds.aspire.map(phraseTokens),
      each: v.kinds.each.map(phraseTokens),
    },
    kindsExact: Object.fromEntries(
      Object.entries(v.kinds).map(([k, ws]) => [k, ws.map((w) => syllables(exactForm(w)))]),
    ) as Record<KindName, string[][]>,
    wrappers: {
      greetings: v.wrappers.greetings.map(phraseTokens),
      thanks: v.wrappers.thanks.map(phraseTokens),
      selfIntro: v.wrappers.selfIntro.map(phraseTokens),
      introContinuation: v.wrappers.introContinuation.map(phraseTokens),
      address: v.wrappers.address.map(phraseTokens),
      askRequests: v.wrappers.askRequests.map(phraseTokens),
      topicMarkers: v.wrappers.topicMarkers.map(phraseTokens),
      speakers: v.wrappers.speakers.map((w) => ({
        folded: phraseTokens(w).join(" "),
        exact: syllables(exactForm(w)).join(" "),
      })),
    },
    vocabularyWords: new Set(
      [
        ...v.synonyms.flatMap((x) => x.terms),
        ...v.stopwords.vi,
        ...v.stopwords.en,
        ...v.generic.vi,
        ...v.generic.en,
        ...v.otherPlaces,
        ...v.offTopic,
        ...v.compounds,
        ...base.levels.flatMap((l) => [...l.aliases.vi, ...l.aliases.en]),
        ...v.countWords,
        ...v.personTitles,
        ...v.progressWords,
        ...v.personQuestions,
        ...v.howTo,
        ...v.serviceActions,
        ...v.deadlines,
        ...v.departmentDuties,
        ...Object.values(v.kinds).flat(),
        ...v.services.flatMap((x) => [...x.words, ...x.asks]),
      ].flatMap(phraseTokens),
    ),
  };
}

/** The first syllable after each plain number of the plan's text ("01 điện thoại" → "dien"); years and percentages are no counts. */
function countedNouns(base: KnowledgeBase): Set<string> {
  const nouns = new Set<string>();
  for (const e of base.entries) {
    // "01 điện thoại" is counted; "100% hộ gia đình" is a share of households, which "bao nhiêu hộ" asks too.
    for (const m of e.quote.normalize("NFC").matchAll(/(?<![\d/])(\d+)\s*%?\s+([\p{L}]+)/gu)) {
      if (/^(19|20)\d\d$/.test(m[1]!)) continue;
      nouns.add(normalizeVietnamese(m[2]!));
    }
  }
  return nouns;
}

/** Whether `phrase` occurs in `tokens` at `at`. */
export function phraseAt(tokens: readonly string[], phrase: readonly string[], at: number): boolean {
  if (phrase.length === 0 || at + phrase.length > tokens.length) return false;
  for (let i = 0; i < phrase.length; i++) if (tokens[at + i] !== phrase[i]) return false;
  return true;
}

/** Whether `phrase` occurs anywhere in `tokens`. */
export function containsPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  for (let i = 0; i + phrase.length <= tokens.length; i++) if (phraseAt(tokens, phrase, i)) return true;
  return false;
}
