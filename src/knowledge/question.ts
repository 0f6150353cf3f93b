/**
 * Reads a question the way a person wrote it: detects its language, corrects typos against the
 * plan's vocabulary, finds the level it is about ("cấp xã", "huyen", "phường"), sets aside question
 * words and words that every entry shares, expands abbreviations (TTHC, CBCCVC, SSO…), and notices
 * when it is plainly about something else (another province, another document, land tax…).
 */
import type { Lang } from "../i18n/locales.js";
import { containsPhrase, phraseAt, type Lexicon, type Phrase, type Role } from "./lexicon.js";
import {
  exactForm,
  foldDiacritics,
  hasDiacritics,
  normalizeVietnamese,
  syllables,
  typedWithDiacritics,
} from "./normalize.js";
import { spellingVariants, telexReadings, vniReading } from "./input-method.js";
import { isNeighbourKeySlip, isSwap, typoBudget, typoDistance, withinOneEdit } from "./typo.js";

/** One thing the question asks about, which a good answer must cover. */
export type Unit =
  /** One word of one or more syllables ("hồ sơ công việc" is read as syllable pairs the plan uses). */
  | { kind: "words"; tokens: string[]; exact: (string | undefined)[]; position: number; novel?: boolean }
  /** An abbreviation or synonym, covered by what it means or by its own letters. */
  | { kind: "synonym"; means: string[]; original: string[]; position?: number };

export interface ParsedQuestion {
  /** The language the question is written in, when it can be told. */
  lang: Lang;
  /** Folded syllables after typo correction. */
  tokens: string[];
  /** The syllables as typed (after input-method reading), one per token: "chữ" is not "chứ". */
  typed: string[];
  /** Whether the writer typed with diacritics: then a syllable's marks tell words apart. */
  accented: boolean;
  roles: Role[];
  /** Levels named explicitly ("cấp xã", "huyện", "district"). */
  levels: string[];
  /** Levels named only as where someone is ("HTX nuôi cá ở Na Hang"): a location, perhaps not the level asked. */
  locatedOnly: string[];
  /** "tỉnh" said in passing: a hint for the provincial level, never enough to answer. */
  provinceHint: boolean;
  /** Numbers stated as a percentage ("70%", "70 phần trăm"): a figure to check, not a different fact. */
  percentages: string[];
  /** "tỉnh" on its own (not "tỉnh Tuyên Quang"): with nothing else asked, the provincial level. */
  provinceAlone: boolean;
  units: Unit[];
  /** "bao nhiêu %", "tỷ lệ": the question asks for a share, so an answer without a figure answers nothing. */
  asksShare: boolean;
  /** Why the question is outside the plan, if it plainly is. */
  outside?:
    | "other-place"
    | "off-topic"
    | "other-document"
    | "count"
    | "progress"
    | "person"
    | "how-to"
    | "department";
  /** The question only names the plan ("kế hoạch 154 là gì"). */
  namesPlan: boolean;
  /** It speaks of the plan's criteria or targets ("chỉ tiêu", "tiêu chí", "criteria"). */
  asksCriteria: boolean;
  /** Terms for the full-text index: syllables, bigrams ("a_b") and exact forms ("~xã"). */
  searchTerms: string[];
}

const DOCUMENT_WORDS = [
  ["ke", "hoach"],
  ["kh"],
  ["nghi", "quyet"],
  ["nq"],
  ["quyet", "dinh"],
  ["qd"],
  ["cong", "van"],
  ["thong", "tu"],
  ["nghi", "dinh"],
  ["chi", "thi"],
  ["plan"],
  ["resolution"],
  ["decision"],
];

/** English if the question has no diacritics and more English-only than Vietnamese-only words. */
function detectLang(raw: string, tokens: string[], lexicon: Lexicon): Lang {
  if (hasDiacritics(raw)) return "vi";
  let en = 0;
  let vi = 0;
  for (const t of tokens) {
    const inEn = lexicon.known.en.has(t) || lexicon.stopwords.en.has(t);
    const inVi = lexicon.known.vi.has(t) || lexicon.stopwords.vi.has(t);
    if (inEn && !inVi) en++;
    if (inVi && !inEn) vi++;
  }
  return en > vi ? "en" : "vi";
}

/**
 * An English word the plan does not use, read as its stem when the plan uses that ("years" → "year",
 * "longer" → "long", "connected" → "connect"): inflections are not different words.
 */
function englishStem(token: string, lexicon: Lexicon): string {
  if (isKnown(token, "en", lexicon) || token.length < 5) return token;
  for (const suffix of ["ies", "es", "s", "er", "est", "ed", "ing", "ly"]) {
    if (!token.endsWith(suffix)) continue;
    const stem = token.slice(0, -suffix.length);
    for (const candidate of suffix === "ies" ? [`${stem}y`] : [stem, `${stem}e`])
      if (candidate.length >= 3 && isKnown(candidate, "en", lexicon)) return candidate;
  }
  return token;
}

/** Replaces a syllable nobody in the plan uses by the closest one that is used, if it is close. */
function correctTypo(token: string, typed: string, lang: Lang, lexicon: Lexicon): string {
  const known = lexicon.known[lang];
  if (known.has(token) || lexicon.stopwords[lang].has(token) || lexicon.vocabularyWords.has(token))
    return token;
  // Roman numerals ("khóa XVIII") are numbers: "xviii" is not a typo for "xvii".
  if (isRomanNumeral(token)) return token;
  if (lang === "vi" && typed === token) {
    const swapped = /i$/.test(token)
      ? token.replace(/i$/, "y")
      : /y$/.test(token)
        ? token.replace(/y$/, "i")
        : undefined;
    if (swapped && known.has(swapped)) return swapped;
  }
  // A short syllable typed with its diacritics is a deliberate word, not a slip of the keyboard.
  if (token.length <= 4 && typed !== token) return token;
  const budget = typoBudget(token);
  if (budget === 0) {
    if (token.length !== 3) return token;
    for (const candidate of known) if (isSwap(token, candidate)) return candidate;
    for (const candidate of lexicon.stopwords[lang]) if (isSwap(token, candidate)) return candidate;
    return token;
  }
  let best = token;
  let bestDistance = budget + 1;
  // The question's own words slip too ("nhữg", "nhưg"): a slip of a function word is that word.
  for (const candidate of lexicon.corrections[lang]) {
    if (Math.abs(candidate.length - token.length) > budget) continue;
    const d = typoDistance(token, candidate, budget);
    if (
      token.length === 4 &&
      d === 1 &&
      candidate.length === token.length &&
      !isSwap(token, candidate) &&
      !isNeighbourKeySlip(token, candidate)
    )
      continue;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function mentionsAny(
  folded: string[],
  exact: string[],
  list: { folded: string[]; exact: string[] }[],
  accents: boolean,
): boolean {
  // The lists are long (hundreds of phrases) and a question short: only a phrase whose first
  // syllable the question has can be in it.
  const tokens = accents ? exact : folded;
  const present = new Set(tokens);
  return list.some((p) => {
    const phrase = accents ? p.exact : p.folded;
    return present.has(phrase[0]!) && containsPhrase(tokens, phrase);
  });
}

const wholeWordsOf = new WeakMap<Lexicon, string[][]>();
/**
 * Words an off-topic phrase must not cut in two: the compounds, and the plan's general words of two
 * syllables or more ("chuyển đổi số do …" holds no "sổ đỏ" typed bare).
 */
function wholeWords(lexicon: Lexicon): string[][] {
  let words = wholeWordsOf.get(lexicon);
  if (!words) {
    const generic = [...lexicon.phrases.vi.values()]
      .flat()
      .filter((p) => p.role === "generic" && p.tokens.length > 1)
      .map((p) => p.tokens);
    words = [...lexicon.compounds, ...generic];
    wholeWordsOf.set(lexicon, words);
  }
  return words;
}

/**
 * Where the writer's clauses end, in syllables ("… trụ cột số, đó là gì": after "số"): a phrase
 * never runs across a comma. Empty when the syllables cannot be counted the same way.
 */
function clauseEnds(raw: string, total: number): Set<number> {
  const ends = new Set<number>();
  let at = 0;
  for (const clause of raw.split(/[,.;:!?]+/u)) {
    at += syllables(exactForm(clause)).length;
    ends.add(at);
  }
  return at === total ? ends : new Set();
}

/** Whether a phrase of the list is in the text without cutting a compound of it in two. */
function mentionsWhole(
  folded: string[],
  exact: string[],
  list: { folded: string[]; exact: string[] }[],
  accents: boolean,
  compounds: string[][],
  clauseEnds: () => Set<number>,
): boolean {
  // The compounds and the clause ends are read only once a phrase is found (most questions have none).
  let spans: [number, number][] | undefined;
  let ends: Set<number> | undefined;
  const whole = (i: number, end: number) => {
    if (!spans) {
      spans = [];
      for (const c of compounds)
        for (let j = 0; j + c.length <= folded.length; j++)
          if (phraseAt(folded, c, j)) spans.push([j, j + c.length]);
    }
    ends ??= clauseEnds();
    for (let k = i + 1; k < end; k++) if (ends.has(k)) return false;
    return spans.every(([a, b]) => b <= i || a >= end || (a >= i && b <= end));
  };
  const tokens = accents ? exact : folded;
  const present = new Set(tokens);
  return list.some((p) => {
    const phrase = accents ? p.exact : p.folded;
    if (!present.has(phrase[0]!)) return false;
    return tokens.some((_, i) => {
      if (!phraseAt(tokens, phrase, i)) return false;
      // Read bare, a syllable the writer did mark is as marked ("hỏi nghị quyết" holds no "hội nghị").
      if (
        !accents &&
        p.exact.some(
          (x, k) =>
            foldDiacritics(x) !== x && foldDiacritics(exact[i + k]!) !== exact[i + k] && exact[i + k] !== x,
        )
      )
        return false;
      return whole(i, i + phrase.length);
    });
  });
}

/** Hides compounds ("Việt Nam") so that their syllables are not read as a place ("Nam Định"). */
function maskCompounds(
  folded: string[],
  exact: string[],
  compounds: string[][],
): { folded: string[]; exact: string[] } {
  const f = [...folded];
  const e = [...exact];
  for (const c of compounds) {
    for (let i = 0; i + c.length <= f.length; i++) {
      if (!phraseAt(folded, c, i)) continue;
      for (let k = 0; k < c.length; k++) f[i + k] = e[i + k] = "·";
    }
  }
  return { folded: f, exact: e };
}

/** Whether a synonym means a word every entry shares ("CĐS" = "chuyển đổi số"): then it asks about nothing in particular. */
function isGenericPhrase(means: string[], lang: Lang, lexicon: Lexicon): boolean {
  return (lexicon.phrases[lang].get(means[0]!) ?? lexicon.phrases.vi.get(means[0]!) ?? []).some(
    (p) => p.role === "generic" && p.tokens.join(" ") === means.join(" "),
  );
}

/**
 * A document number ("kế hoạch 200", "nghị quyết số 12", "quyết định 154") that is not one of the
 * plan's own: each kind of document the plan cites has its own numbers (Kế hoạch 154 and 55,
 * Nghị quyết 48); a kind it never cites (quyết định, công văn…) with any number is another document.
 */
function namesOtherDocument(tokens: string[], lexicon: Lexicon): boolean {
  const isYear = (n: string) => n.length === 4 && n.startsWith("20");
  for (let i = 0; i < tokens.length; i++) {
    for (const word of DOCUMENT_WORDS) {
      if (!phraseAt(tokens, word, i)) continue;
      const kind = lexicon.documents.find((d) => d.words.some((w) => w.join(" ") === word.join(" ")));
      const after = [i + word.length, i + word.length + 1];
      for (const j of word.length === 1 ? [...after, i - 1] : after) {
        const n = tokens[j];
        if (!n || !/^\d+$/.test(n) || isYear(n)) continue;
        const ownNumber = kind
          ? kind.numbers.has(n)
          : lexicon.documents.length === 0 && lexicon.documentNumbers.has(n);
        // "48-NQ/TU và 55/KH": a number before an abbreviation may belong to the previous document.
        if (!ownNumber && !(j === i - 1 && kind && lexicon.documentNumbers.has(n))) return true;
      }
    }
  }
  return false;
}

/** "xvii", "xviii": a roman numeral of three letters or more (shorter ones are Vietnamese syllables). */
export function isRomanNumeral(token: string): boolean {
  return token.length >= 3 && /^x{0,3}(ix|iv|v?i{0,3})$/.test(token);
}

/** Whether a token is a word the question reader knows in that language. */
function isKnown(token: string, lang: Lang, lexicon: Lexicon): boolean {
  return (
    lexicon.known[lang].has(token) || lexicon.stopwords[lang].has(token) || lexicon.vocabularyWords.has(token)
  );
}

/**
 * Reads Telex and VNI remnants ("caaps", "xa4") as the syllables they spell, when the typed token is
 * no word and its reading is one. Returns the folded and exact forms per position.
 */
function readInputMethods(
  folded: string[],
  exact: string[],
  lexicon: Lexicon,
): { folded: string[]; exact: string[] } {
  const f = [...folded];
  const e = [...exact];
  folded.forEach((t, i) => {
    if (exact[i] !== t || isKnown(t, "vi", lexicon) || isKnown(t, "en", lexicon)) return;
    const readings = [vniReading(t), ...telexReadings(t)].filter((r): r is string => r !== undefined);
    const reading = readings.find((r) => isKnown(r, "vi", lexicon));
    if (reading) f[i] = e[i] = reading;
  });
  return { folded: f, exact: e };
}

/** Puts an accented syllable in the spelling the plan uses ("kĩ"→"kỹ", "hoà"→"hòa") when it knows only that one. */
function canonicalSpelling(exact: string[], lexicon: Lexicon): string[] {
  return exact.map((t) => {
    if (foldDiacritics(t) === t || lexicon.knownExact.has(t)) return t;
    return spellingVariants(t).find((v) => lexicon.knownExact.has(v)) ?? t;
  });
}

/**
 * A second look at syllables still unknown after correction: the closest syllable, one edit away,
 * that forms a word of the plan with its neighbour ("chỉ têu" → "chỉ tiêu", "công vệc" → "công việc").
 * Short syllables get this chance only here, where the neighbour vouches for the reading.
 */
function correctInContext(tokens: string[], lang: Lang, lexicon: Lexicon): string[] {
  if (lang !== "vi") return tokens;
  const out = [...tokens];
  tokens.forEach((t, i) => {
    if (t.length < 2 || /\d/.test(t) || isRomanNumeral(t) || isKnown(t, lang, lexicon)) return;
    const prev = out[i - 1];
    const next = tokens[i + 1];
    let best: string | undefined;
    for (const candidate of lexicon.known.vi) {
      if (Math.abs(candidate.length - t.length) > 1 || !withinOneEdit(t, candidate)) continue;
      // A dropped or doubled letter, swapped letters or the key next door: not any other letter ("tân" is not "bản").
      if (candidate.length === t.length && !isSwap(t, candidate) && !isNeighbourKeySlip(t, candidate))
        continue;
      const fits =
        (prev !== undefined && lexicon.contextPairs.has(`${prev}_${candidate}`)) ||
        (next !== undefined && lexicon.contextPairs.has(`${candidate}_${next}`));
      if (fits) {
        if (best !== undefined) return; // two readings fit: leave the syllable as typed
        best = candidate;
      }
    }
    if (best) out[i] = best;
  });
  return out;
}

/** Whether a phrase of `list` starts at `i`; returns its length or 0. */
function phraseLengthAt(tokens: string[], list: string[][], i: number): number {
  for (const p of list) if (phraseAt(tokens, p, i)) return p.length;
  return 0;
}

/**
 * Questions whose answer no plan contains, whatever words they share with it: how many communes
 * there are ("bao nhiêu xã"), who holds an office ("chủ tịch tỉnh là ai"), how to use a service
 * ("cách cài VNeID").
 */
/** Words for the plan's criteria and targets. */
const CRITERIA_WORDS = [
  ["chi", "tieu"],
  ["tieu", "chi"],
  ["muc", "tieu"],
  ["targets"],
  ["target"],
  ["criteria"],
  ["criterion"],
];

/** Particles that end a Vietnamese sentence ("vậy", "nhé", "ạ", "nhỉ"): what follows them addresses the reader. */
const FINAL_PARTICLES = new Set(["vay", "nhe", "nha", "a", "nhi", "ne", "ha", "hen", "nhen"]);

/** Nouns that carry a number ("số 154", "khóa XVII", "ngày 12"): a count word after them asks which. */
const NUMBERED = new Set(["so", "khoa", "ngay", "thang", "nam", "lan", "thu", "muc", "do", "dot"]);

/** Verbs of obligation: "phải", "cần", "must". */
const MODALS = new Set(["phai", "can", "must", "need", "needs", "should"]);

function outsideByForm(
  tokens: string[],
  roles: Role[],
  lexicon: Lexicon,
  lang: Lang,
  namesDepartment: boolean,
  asksShare: boolean,
): ParsedQuestion["outside"] {
  for (let i = 0; i < tokens.length && !asksShare; i++) {
    const n = phraseLengthAt(tokens, lexicon.countWords, i);
    if (!n || roles[i + n] !== "level") continue;
    // "bao nhiêu xã" counts communes; "how many commune work files" only qualifies the files.
    let end = i + n;
    while (roles[end] === "level") end++;
    // "bao nhiêu huyện phải tham gia …", "how many districts must …": how many are required to is
    // the target itself (the plan's "100% huyện"), not how many there are.
    if (MODALS.has(tokens[end] ?? "")) continue;
    if (roles[end] !== "content") return "count";
  }
  // "Hiện nay đã có bao nhiêu xã đạt …", "how many communes have already met …": a count of what has
  // been achieved so far. The plan sets targets; how far anyone has got is no text of it, whatever
  // target the question names.
  // "Xã nào đã đạt …", "which districts have already …": which units got there is as much a matter
  // of progress as how many did.
  const whichUnit = tokens.some(
    (_, i) => roles[i] === "level" && (tokens[i + 1] === "nao" || tokens[i - 1] === "which"),
  );
  // "Xã tôi đã đạt … chưa": whether a unit has met a target yet — its status, which no plan states.
  // ("Cấp xã đã có chỉ tiêu … chưa" asks whether the plan sets one: not this.)
  // "… đạt bao nhiêu % rồi": "rồi" closing a question about reaching is "already", the same status.
  const last = tokens.findLast((t) => !FINAL_PARTICLES.has(t));
  const statusYet =
    lang === "vi" &&
    // "… chưa nhé", "… chưa vậy ạ": the particles that close a sentence come after its question word.
    ((last === "chua" &&
      [
        ["da", "dat"],
        ["da", "hoan", "thanh"],
        ["dat", "duoc"],
      ].some((p) => containsPhrase(tokens, p))) ||
      (last === "roi" && tokens.includes("dat")));
  if (
    statusYet ||
    ((lexicon.countWords.some((p) => containsPhrase(tokens, p)) || whichUnit) &&
      lexicon.progressWords.some((p) => containsPhrase(tokens, p)))
  )
    return "progress";
  if (
    lexicon.personTitles.some((p) => containsPhrase(tokens, p)) &&
    lexicon.personQuestions.some((p) => containsPhrase(tokens, p))
  )
    return "person";
  const action = lexicon.serviceActions.some((p) => containsPhrase(tokens, p));
  if (action && lexicon.howTo.some((p) => containsPhrase(tokens, p))) return "how-to";
  if (action && lexicon.deadlines.some((p) => containsPhrase(tokens, p))) return "how-to";
  if (lang === "vi" && !asksShare) {
    // "bao nhiêu tập thể", "mấy doanh nghiệp công nghệ số": a count of things the plan does not
    // count. Only the plan's own counted nouns ("01 điện thoại") and its targets ("mấy chỉ tiêu") are answers.
    for (let i = 0; i < tokens.length; i++) {
      const n = phraseLengthAt(tokens, lexicon.countWords, i);
      // "số mấy", "khóa mấy", "ngày bao nhiêu": after a noun that is numbered, which one, not how many.
      if (!n || NUMBERED.has(tokens[i - 1] ?? "")) continue;
      let k = i + n;
      while (CLASSIFIERS.has(tokens[k] ?? "")) k++;
      const noun = tokens[k];
      // The counted noun may be named otherwise ("mấy cái smartphone": the plan's "01 điện thoại").
      const named = (lexicon.synonymStarts.get(noun ?? "") ?? []).filter(({ s, t }) =>
        phraseAt(tokens, lexicon.synonyms[s]!.terms[t]!, k),
      );
      const means = named.map(({ s }) => lexicon.synonyms[s]!.means[0]);
      if (
        noun === undefined ||
        // "mấy trụ cột": things the plan lists, counted by the list.
        named.some(({ s }) => lexicon.synonyms[s]!.list) ||
        /^\d/.test(noun) ||
        lexicon.countedNouns.has(noun) ||
        means.some((m) => m !== undefined && lexicon.countedNouns.has(m)) ||
        TIME_NOUNS.has(noun)
      )
        continue;
      // "bao nhiêu doanh nghiệp công nghệ số": a level's name followed by what it qualifies counts them too.
      if (
        roles[k] === "content" ||
        (roles[k] === "level" && k + 1 < tokens.length && roles[k + 1] !== "stop")
      )
        return "count";
    }
  }
  // "Sở Thông tin và Truyền thông có nhiệm vụ gì": the plan gives no department a duty of its own.
  if (namesDepartment && lexicon.departmentDuties.some((p) => containsPhrase(tokens, p))) return "department";
  return undefined;
}

/** "ở", "tại", "in", "at": before a place, where someone is. */
/** Words before a place that say where someone is or comes from ("ở", "tại", "quê Chiêm Hóa"). */
const LOCATIVE = new Set(["o", "tai", "que", "in", "at", "from"]);

/** "ngày mấy", "số mấy, ngày nào": a date or a number of the plan's documents, which it gives. */
const TIME_NOUNS = new Set(["ngay", "nam", "thang", "gio", "luc"]);

/** Classifier words between a count word and its noun ("mấy cái điện thoại"). */
const CLASSIFIERS = new Set(["cai", "con", "chiec", "tam", "bo"]);

/**
 * Whether a level alias matched without diacritics was typed, with diacritics, as another word the
 * plan uses: "quan" in "nhiệm vụ quan trọng" is not "quận". A misspelt alias ("cấp xả") still counts.
 */
function typedAsOtherWord(
  phrase: Phrase,
  exact: string[],
  at: number,
  accents: boolean,
  lexicon: Lexicon,
): boolean {
  // Generic words too: "đối" (of "đối tượng") is not the "đổi" of "chuyển đổi".
  if (!accents || (phrase.role !== "level" && phrase.role !== "generic") || !phrase.exact) return false;
  return phrase.exact.some((e, k) => {
    const typed = exact[at + k];
    return typed !== undefined && typed !== e && lexicon.knownExact.has(typed);
  });
}

/**
 * "quan tri noi bo" typed without diacritics: "quan" could be the level's "quận", but the plan never
 * writes "quận" and does write "quản trị". A one-syllable name the plan never uses, typed bare, that
 * makes a word of the plan with the next syllable is that word.
 */
function bareInPlanWord(
  exact: string[] | undefined,
  tokens: string[],
  at: number,
  accents: boolean,
  lexicon: Lexicon,
  lang: Lang,
): boolean {
  if (accents || lang !== "vi" || exact?.length !== 1) return false;
  const next = tokens[at + 1];
  return (
    next !== undefined && !lexicon.planExact.has(exact[0]!) && lexicon.knownPairs.has(`${tokens[at]}_${next}`)
  );
}

/**
 * "che do bao cao", "quan tri noi bo" typed bare: "do" and "noi" are function words ("do", "nói"),
 * but the plan writes "độ" and "nội" and the pairs "chế độ", "nội bộ". A bare function word that
 * the plan spells otherwise, and that makes one of the plan's pairs with a neighbour, is content.
 * (Only in a question typed without any diacritics: typed with them, a bare syllable is as meant.)
 */
function bareContent(tokens: string[], at: number, lexicon: Lexicon): boolean {
  const t = tokens[at]!;
  // The neighbour must be a content word itself: "ho so" is "hồ sơ" or "hở số", and "số" is generic.
  const content = (n: string | undefined) =>
    n !== undefined &&
    !lexicon.stopwords.vi.has(n) &&
    !lexicon.phrases.vi.get(n)?.some((p) => p.role === "generic" && p.tokens.length === 1);
  const pairs = [
    content(tokens[at - 1]) && `${tokens[at - 1]}_${t}`,
    content(tokens[at + 1]) && `${t}_${tokens[at + 1]}`,
  ];
  if (!pairs.some((p) => p && lexicon.wordPairs.has(p))) return false;
  return (lexicon.planSpellings.get(t) ?? []).some((e) => e !== t && !lexicon.exactStopwords.has(e));
}

/**
 * In a text typed with diacritics, a syllable without any that the plan writes just so, beside the
 * syllable it makes a word with ("thông minh"), is that word: not the stopword it folds to ("mình").
 */
function plainPlanWord(tokens: string[], at: number, exact: string, lexicon: Lexicon): boolean {
  const t = tokens[at]!;
  if (exact !== t || lexicon.exactStopwords.has(exact)) return false;
  if (!(lexicon.planSpellings.get(t) ?? []).includes(t)) return false;
  return [`${tokens[at - 1]}_${t}`, `${t}_${tokens[at + 1]}`].some((p) => lexicon.wordPairs.has(p));
}

/** Whether an accented syllable of a phrase was typed at `at` with other diacritics, as another known word. */
function typedOtherwise(exact: string[], typed: string[], at: number, lexicon: Lexicon): boolean {
  return exact.some((e, k) => {
    const t = typed[at + k];
    return (
      t !== undefined &&
      foldDiacritics(e) !== e &&
      t !== e &&
      foldDiacritics(t) !== t &&
      lexicon.knownExact.has(t)
    );
  });
}

/** Whether a synonym or abbreviation of the vocabulary starts at `i` ("sso", "vneid"). */
function synonymAt(tokens: string[], i: number, lexicon: Lexicon): boolean {
  const token = tokens[i];
  if (token === undefined) return false;
  return (lexicon.synonymStarts.get(token) ?? []).some(({ s, t }) =>
    phraseAt(tokens, lexicon.synonyms[s]!.terms[t]!, i),
  );
}

/**
 * Marks a name right after a place level ("xã Minh Xuân", "thị trấn Vĩnh Lộc") as part of the level:
 * up to three syllables that make no word of the plan with their neighbours, ending where the
 * question words start. The plan's criteria are the same for every commune or district, so the
 * name adds nothing to look up. Unaccented names may contain a stopword ("minh" / "mình").
 */
function markPlaceNames(tokens: string[], roles: Role[], levels: string[], lexicon: Lexicon): void {
  if (levels.every((l) => l === "doanh-nghiep" || l === "ca-nhan")) return;
  const nameLike = (k: number): boolean => {
    const t = tokens[k];
    if (t === undefined || roles[k] !== "content" || /\d/.test(t) || synonymAt(tokens, k, lexicon))
      return false;
    const next = tokens[k + 1];
    const prev = tokens[k - 1];
    if (next !== undefined && lexicon.contextPairs.has(`${t}_${next}`)) return false;
    return !(prev !== undefined && roles[k - 1] !== "level" && lexicon.contextPairs.has(`${prev}_${t}`));
  };
  for (let i = 1; i < tokens.length; i++) {
    if (roles[i - 1] !== "level" || roles[i] === "level") continue;
    let end = i;
    while (end - i < 3) {
      if (nameLike(end)) end++;
      else if (roles[end] === "stop" && end + 1 - i < 3 && nameLike(end + 1)) end += 2;
      else break;
    }
    const nameEndsQuestion = end === tokens.length || roles[end] !== "content";
    if (end > i && nameEndsQuestion) for (let k = i; k < end; k++) roles[k] = "level";
  }
}

/**
 * Analyses a question. Phrases are read longest first, so "hợp tác xã" is the business level, not
 * the commune, and "xã hội" is a word of its own.
 *
 * @example parseQuestion("chi tieu cap xa", lexicon).levels // ["xa"]
 */
/** Words before "mới" that make it "only then" ("thì mới", "thế nào mới", "ntn mới"). */
const ONLY_THEN_BEFORE = new Set(["thi", "nao", "sao", "ntn", "vay"]);
/** Verbs after "mới" that make it "only then" ("mới được", "mới có", "mới đạt"). */
const ONLY_THEN_VERBS = new Set([
  "duoc",
  "dc",
  "co",
  "la",
  "phai",
  "bi",
  "tinh",
  "xet",
  "dat",
  "du",
  "khen",
  "thanh",
]);

export function parseQuestion(raw: string, lexicon: Lexicon): ParsedQuestion {
  const typed = syllables(exactForm(raw));
  const read = readInputMethods(typed.map(foldDiacritics), typed, lexicon);
  const exactTokens = canonicalSpelling(read.exact, lexicon);
  const rawFolded = exactTokens.map(foldDiacritics);
  const lang = detectLang(raw, rawFolded, lexicon);
  const tokens = correctInContext(
    rawFolded.map((t, i) =>
      correctTypo(lang === "en" ? englishStem(t, lexicon) : t, exactTokens[i]!, lang, lexicon),
    ),
    lang,
    lexicon,
  );
  const accents = typedWithDiacritics(raw);

  let outside: ParsedQuestion["outside"];
  const masked = maskCompounds(rawFolded, exactTokens, lexicon.compounds);
  if (mentionsAny(masked.folded, masked.exact, lexicon.otherPlaces, accents)) outside = "other-place";
  // Off-topic phrases may hold a compound whole ("Hội đồng thi đua", "tổ công nghệ số cộng đồng"),
  // never half of one ("địa chỉ số, điện thoại" holds no "số điện thoại").
  else if (
    mentionsWhole(rawFolded, exactTokens, lexicon.offTopic, accents, wholeWords(lexicon), () =>
      clauseEnds(raw, typed.length),
    )
  )
    outside = "off-topic";
  else if (namesOtherDocument(tokens, lexicon)) outside = "other-document";

  const roles: Role[] = new Array<Role>(tokens.length).fill("content");
  /** Which compound ("kỹ năng số") a syllable belongs to, -1 for none: a compound is a unit of its own. */
  const compound: number[] = new Array<number>(tokens.length).fill(-1);
  const levels: string[] = [];
  /** Levels named after "ở", "tại" ("HTX ở Na Hang"), and levels named otherwise. */
  const located = new Set<string>();
  const named = new Set<string>();
  /** Where a located level's name ends: a level alias starting there continues it. */
  let locatedAt = -1;
  let namesDepartment = false;
  const index = lexicon.phrases[lang];
  for (let i = 0; i < tokens.length; ) {
    const phrase = index
      .get(tokens[i]!)
      ?.find(
        (p) =>
          phraseAt(tokens, p.tokens, i) &&
          !typedAsOtherWord(p, exactTokens, i, accents, lexicon) &&
          !(p.role === "level" && bareInPlanWord(p.exact, tokens, i, accents, lexicon, lang)),
      );
    if (phrase) {
      for (let k = 0; k < phrase.tokens.length; k++) roles[i + k] = phrase.role;
      if (phrase.role === "content") for (let k = 0; k < phrase.tokens.length; k++) compound[i + k] = i;
      if (phrase.level && !levels.includes(phrase.level)) levels.push(phrase.level);
      // "ở huyện Hàm Yên": a name right after a located level is located too.
      const afterLocated = roles[i - 1] === "level" && locatedAt === i;
      if (phrase.level) {
        const isLocated = LOCATIVE.has(tokens[i - 1] ?? "") || afterLocated;
        (isLocated ? located : named).add(phrase.level);
        if (isLocated) locatedAt = i + phrase.tokens.length;
      }
      if (
        phrase.role === "level" &&
        phrase.tokens[0] === "so" &&
        phrase.tokens.length > 1 &&
        !lexicon.generalDepartments.some((d) => d.join(" ") === phrase.tokens.join(" "))
      )
        namesDepartment = true;
      i += phrase.tokens.length;
    } else {
      const t = tokens[i]!;
      const exact = exactTokens[i]!;
      const accented = foldDiacritics(exact) !== exact;
      roles[i] = (
        accented
          ? lexicon.exactStopwords.has(exact)
          : lexicon.stopwords[lang].has(t) &&
            (accents
              ? !plainPlanWord(tokens, i, exact, lexicon)
              : lang !== "vi" || !bareContent(tokens, i, lexicon))
      )
        ? "stop"
        : "content";
      i++;
    }
  }
  if (lang === "vi") markPlaceNames(tokens, roles, levels, lexicon);
  // "bao nhiêu %", "tỷ lệ … bao nhiêu": a share, which is what the plan's targets are.
  // Read folded: "phân trăm", "tỉ lệ", "ty le" are the same words typed otherwise. "What share /
  // proportion of …" is English for "tỷ lệ" ("share" alone is also "chia sẻ").
  const asksShare = /%|\bphan tram\b|percent|\bt[yi] le\b|\b(what|which) (share|proportion)\b/u.test(
    normalizeVietnamese(raw.replace(/%/g, " phan tram ")),
  );
  outside ??= outsideByForm(tokens, roles, lexicon, lang, namesDepartment, asksShare);
  const provinceHint =
    tokens.some((t, i) => t === "tinh" && roles[i] === "generic") ||
    tokens.includes("province") ||
    tokens.includes("provincial");

  const units: Unit[] = [];
  const taken = new Set<number>();
  const expansions: string[] = [];
  // Every synonym term found in the question, visited in the order of the synonym list, then of its
  // terms, then of the position (the first listed wins a syllable), found by its first syllable.
  const found: [number, number, number][] = [];
  tokens.forEach((token, i) => {
    for (const { s, t } of lexicon.synonymStarts.get(token) ?? [])
      if (phraseAt(tokens, lexicon.synonyms[s]!.terms[t]!, i)) found.push([s, t, i]);
  });
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  for (const [s, t, i] of found) {
    const synonym = lexicon.synonyms[s]!;
    const term = synonym.terms[t]!;
    // Typed with diacritics, a syllable that is another word of the plan is not the term's ("hồ
    // sơ sức khỏe" holds the syllables of "sổ sức khỏe", not the word).
    if (accents && typedOtherwise(synonym.exact[t]!, exactTokens, i, lexicon)) continue;
    if (bareInPlanWord(synonym.exact[t], tokens, i, accents, lexicon, lang)) continue;
    // A term that runs on into a longer word of the plan is part of that word: the "công nghệ"
    // of "công nghệ thông tin" is not the "công nghệ" a question about skills means.
    const after = tokens[i + term.length];
    const planWord = term.every((x, k) => k === 0 || lexicon.knownPairs.has(`${term[k - 1]}_${x}`));
    // Typed with marks the plan never writes ("nông dân trồng cam"), the next syllable is no part of
    // the plan's word ("nhân dân trong tỉnh").
    const typedAfter = exactTokens[i + term.length];
    const otherWord =
      accents &&
      typedAfter !== undefined &&
      foldDiacritics(typedAfter) !== typedAfter &&
      !lexicon.planExact.has(typedAfter);
    if (
      !otherWord &&
      term.length > 1 &&
      planWord &&
      after !== undefined &&
      lexicon.knownPairs.has(`${term[term.length - 1]}_${after}`) &&
      !synonymAt(tokens, i + term.length, lexicon) &&
      roles[i + term.length] === "content"
    )
      continue;
    expansions.push(...synonym.means);
    const span = term.map((_, k) => i + k);
    if (isGenericPhrase(synonym.means, lang, lexicon)) {
      span.forEach((p) => roles[p] === "content" && (roles[p] = "generic"));
      continue;
    }
    // Typed bare, a word of two syllables or more may fold to stopwords ("viet kieu": "viết", "kiểu")
    // that, written with its marks, it is not: the term is still the writer's word.
    const bareTerm =
      !accents &&
      term.length > 1 &&
      synonym.exact[t]!.some((x) => foldDiacritics(x) !== x && !lexicon.exactStopwords.has(x));
    if (span.some((p) => taken.has(p)) || !(bareTerm || span.some((p) => roles[p] === "content"))) continue;
    if (units.some((u) => u.kind === "synonym" && u.means.join(" ") === synonym.means.join(" "))) {
      span.forEach((p) => taken.add(p));
      continue;
    }
    span.forEach((p) => taken.add(p));
    units.push({ kind: "synonym", means: synonym.means, original: term, position: i });
  }
  // "… nói gì vậy mn", "… bao nhiêu nhé ad": after a sentence-final particle, a short word or two
  // closing the message address the reader; they are not what is asked about.
  const final = tokens.findLastIndex((t) => FINAL_PARTICLES.has(t));
  if (final >= 0 && final >= tokens.length - 3)
    for (let k = final + 1; k < tokens.length; k++)
      if (tokens[k]!.length <= 3 && !/\d/.test(tokens[k]!) && roles[k] === "content") roles[k] = "stop";
  // "xã tôi có 12 thôn": a count of administrative units is the writer's story, never a figure the
  // plan sets (its figures are shares, "mức độ 4" and "01 điện thoại").
  tokens.forEach((t, i) => {
    if (/^\d+$/.test(t) && roles[i] === "content" && roles[i + 1] === "level") roles[i] = "stop";
  });
  // "thế nào mới được khen", "thì mới đạt": "mới" before a verb, or after "thì" and the asking
  // words, is "only then", not the "mới" (new) of "sản phẩm, dịch vụ mới" that follows a noun.
  if (lang === "vi")
    tokens.forEach((t, i) => {
      if (t !== "moi" || roles[i] !== "content" || taken.has(i)) return;
      if (ONLY_THEN_BEFORE.has(tokens[i - 1] ?? "") || ONLY_THEN_VERBS.has(tokens[i + 1] ?? ""))
        roles[i] = "stop";
    });
  const free = (p: number) => roles[p] === "content" && !taken.has(p);
  for (let start = 0; start < tokens.length; start++) {
    if (!free(start)) continue;
    let end = start;
    const joins = (k: number) =>
      compound[k] === -1 && compound[k + 1] === -1
        ? lexicon.knownPairs.has(`${tokens[k]}_${tokens[k + 1]}`)
        : compound[k] === compound[k + 1];
    while (lang === "vi" && free(end + 1) && joins(end)) end++;
    // Two lone syllables side by side that make no word of the plan ("thành viên", "hội đồng", "quá
    // trình") are one word the plan does not use: one unit, which no entry covers, rather than two
    // syllables each found somewhere in an unrelated word.
    let novel = false;
    // Lone: a content syllable that makes a word of the plan with neither neighbour, whatever their role
    // ("kết" before "nối" read as the stopword "nói" is still the "kết nối" of the plan).
    const pairs = (a: string | undefined, b: string | undefined) =>
      a !== undefined && b !== undefined && lexicon.knownPairs.has(`${a}_${b}`);
    const lone = (k: number) =>
      free(k) && compound[k] === -1 && !pairs(tokens[k - 1], tokens[k]) && !pairs(tokens[k], tokens[k + 1]);
    if (
      lang === "vi" &&
      end === start &&
      lone(start) &&
      lone(start + 1) &&
      !/\d/.test(tokens[start]! + tokens[start + 1]!) &&
      !synonymAt(tokens, start + 1, lexicon)
    ) {
      end = start + 1;
      novel = true;
    }
    const span = tokens.slice(start, end + 1);
    const exact = span.map((t, k) =>
      exactTokens[start + k] !== undefined && foldDiacritics(exactTokens[start + k]!) === t
        ? exactTokens[start + k]
        : undefined,
    );
    // A word said twice ("ngày … là ngày nào") is one thing asked, not two that an answer covers twice.
    if (!units.some((u) => u.kind === "words" && u.tokens.join(" ") === span.join(" ")))
      units.push({ kind: "words", tokens: span, exact, position: start, ...(novel ? { novel } : {}) });
    start = end;
  }

  const namesPlan = lexicon.planNames.some((p) => containsPhrase(tokens, p));
  const searchTerms = new Set<string>();
  tokens.forEach((t, i) => {
    if (roles[i] !== "stop") searchTerms.add(t);
    const next = tokens[i + 1];
    if (next !== undefined) searchTerms.add(`${t}_${next}`);
    const exact = exactTokens[i];
    if (exact !== undefined && exact !== t) searchTerms.add(`~${exact}`);
  });
  expansions.forEach((t) => searchTerms.add(t));
  for (let i = 0; i + 1 < expansions.length; i++) searchTerms.add(`${expansions[i]}_${expansions[i + 1]}`);

  const asksCriteria = CRITERIA_WORDS.some((p) => containsPhrase(tokens, p));
  const provinceAlone =
    asksCriteria &&
    tokens.some(
      (t, i) =>
        t === "tinh" &&
        roles[i] === "generic" &&
        tokens[i + 1] !== "tuyen" &&
        tokens[i - 1] !== "ubnd" &&
        tokens[i - 1] !== "ban",
    );
  const percentages = [
    ...raw
      .normalize("NFC")
      .toLowerCase()
      .matchAll(/(\d+)\s*(?:%|phần trăm|phan tram|percent)/g),
  ].map((m) => m[1]!);
  return {
    lang,
    tokens,
    typed: exactTokens,
    accented: accents,
    roles,
    levels,
    locatedOnly: levels.filter((l) => located.has(l) && !named.has(l)),
    asksShare,
    provinceHint,
    provinceAlone,
    percentages,
    units,
    outside,
    namesPlan,
    asksCriteria,
    searchTerms: [...searchTerms],
  };
}
