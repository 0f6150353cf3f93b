/**
 * Reads a question the way a person wrote it: detects its language, corrects typos against the
 * plan's vocabulary, finds the level it is about ("cấp xã", "huyen", "phường"), sets aside question
 * words and words that every entry shares, expands abbreviations (TTHC, CBCCVC, SSO…), and notices
 * when it is plainly about something else (another province, another document, land tax…).
 */
import type { Lang } from "../i18n/locales.js";
import { containsPhrase, phraseAt, type Lexicon, type Role } from "./lexicon.js";
import { exactForm, foldDiacritics, hasDiacritics, syllables } from "./normalize.js";
import { isNeighbourKeySlip, isSwap, typoBudget, typoDistance } from "./typo.js";

/** One thing the question asks about, which a good answer must cover. */
export type Unit =
  /** One word of one or more syllables ("hồ sơ công việc" is read as syllable pairs the plan uses). */
  | { kind: "words"; tokens: string[]; exact: (string | undefined)[]; position: number }
  /** An abbreviation or synonym, covered by what it means or by its own letters. */
  | { kind: "synonym"; means: string[]; original: string[] };

export interface ParsedQuestion {
  /** The language the question is written in, when it can be told. */
  lang: Lang;
  /** Folded syllables after typo correction. */
  tokens: string[];
  roles: Role[];
  /** Levels named explicitly ("cấp xã", "huyện", "district"). */
  levels: string[];
  /** "tỉnh" said in passing: a hint for the provincial level, never enough to answer. */
  provinceHint: boolean;
  units: Unit[];
  /** Why the question is outside the plan, if it plainly is. */
  outside?: "other-place" | "off-topic" | "other-document";
  /** The question only names the plan ("kế hoạch 154 là gì"). */
  namesPlan: boolean;
  /** Terms for the full-text index: syllables, bigrams ("a_b") and exact forms ("~xã"). */
  searchTerms: string[];
}

const DOCUMENT_WORDS = [["ke", "hoach"], ["kh"], ["nghi", "quyet"], ["nq"], ["quyet", "dinh"], ["qd"], ["cong", "van"], ["thong", "tu"], ["nghi", "dinh"], ["chi", "thi"], ["plan"], ["resolution"], ["decision"]];

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

/** Replaces a syllable nobody in the plan uses by the closest one that is used, if it is close. */
function correctTypo(token: string, typed: string, lang: Lang, lexicon: Lexicon): string {
  const known = lexicon.known[lang];
  if (known.has(token) || lexicon.stopwords[lang].has(token) || lexicon.vocabularyWords.has(token)) return token;
  // A short syllable typed with its diacritics is a deliberate word, not a slip of the keyboard.
  if (token.length <= 4 && typed !== token) return token;
  const budget = typoBudget(token);
  if (budget === 0) {
    if (token.length !== 3) return token;
    for (const candidate of known) if (isSwap(token, candidate)) return candidate;
    return token;
  }
  let best = token;
  let bestDistance = budget + 1;
  for (const candidate of known) {
    if (Math.abs(candidate.length - token.length) > budget) continue;
    const d = typoDistance(token, candidate, budget);
    if (token.length === 4 && d === 1 && candidate.length === token.length && !isSwap(token, candidate) && !isNeighbourKeySlip(token, candidate)) continue;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function mentionsAny(folded: string[], exact: string[], list: { folded: string[]; exact: string[] }[], accents: boolean): boolean {
  return list.some((p) => (accents ? containsPhrase(exact, p.exact) : containsPhrase(folded, p.folded)));
}

/** Hides compounds ("Việt Nam") so that their syllables are not read as a place ("Nam Định"). */
function maskCompounds(folded: string[], exact: string[], compounds: string[][]): { folded: string[]; exact: string[] } {
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

/** A document number ("kế hoạch 200", "nghị quyết số 12") that is not one of the plan's own. */
function namesOtherDocument(tokens: string[], lexicon: Lexicon): boolean {
  for (let i = 0; i < tokens.length; i++) {
    for (const word of DOCUMENT_WORDS) {
      if (!phraseAt(tokens, word, i)) continue;
      for (const j of [i + word.length, i + word.length + 1, i - 1]) {
        const n = tokens[j];
        if (n && /^\d+$/.test(n) && !(n.length === 4 && n.startsWith("20")) && !lexicon.documentNumbers.has(n)) return true;
      }
    }
  }
  return false;
}

/**
 * Analyses a question. Phrases are read longest first, so "hợp tác xã" is the business level, not
 * the commune, and "xã hội" is a word of its own.
 *
 * @example parseQuestion("chi tieu cap xa", lexicon).levels // ["xa"]
 */
export function parseQuestion(raw: string, lexicon: Lexicon): ParsedQuestion {
  const exactTokens = syllables(exactForm(raw));
  const rawFolded = exactTokens.map(foldDiacritics);
  const lang = detectLang(raw, rawFolded, lexicon);
  const tokens = rawFolded.map((t, i) => correctTypo(t, exactTokens[i]!, lang, lexicon));
  const accents = hasDiacritics(raw);

  let outside: ParsedQuestion["outside"];
  const masked = maskCompounds(rawFolded, exactTokens, lexicon.compounds);
  if (mentionsAny(masked.folded, masked.exact, lexicon.otherPlaces, accents)) outside = "other-place";
  else if (mentionsAny(masked.folded, masked.exact, lexicon.offTopic, accents)) outside = "off-topic";
  else if (namesOtherDocument(tokens, lexicon)) outside = "other-document";

  const roles: Role[] = new Array<Role>(tokens.length).fill("content");
  const levels: string[] = [];
  const index = lexicon.phrases[lang];
  for (let i = 0; i < tokens.length; ) {
    const phrase = index.get(tokens[i]!)?.find((p) => phraseAt(tokens, p.tokens, i));
    if (phrase) {
      for (let k = 0; k < phrase.tokens.length; k++) roles[i + k] = phrase.role;
      if (phrase.level && !levels.includes(phrase.level)) levels.push(phrase.level);
      i += phrase.tokens.length;
    } else {
      const t = tokens[i]!;
      const exact = exactTokens[i]!;
      const accented = foldDiacritics(exact) !== exact;
      roles[i] = (accented ? lexicon.exactStopwords.has(exact) : lexicon.stopwords[lang].has(t)) ? "stop" : "content";
      i++;
    }
  }
  const provinceHint = tokens.some((t, i) => t === "tinh" && roles[i] === "generic") || tokens.includes("province") || tokens.includes("provincial");

  const units: Unit[] = [];
  const taken = new Set<number>();
  const expansions: string[] = [];
  for (const synonym of lexicon.synonyms) {
    for (const term of synonym.terms) {
      for (let i = 0; i + term.length <= tokens.length; i++) {
        if (!phraseAt(tokens, term, i)) continue;
        expansions.push(...synonym.means);
        const span = term.map((_, k) => i + k);
        if (span.some((p) => taken.has(p)) || !span.some((p) => roles[p] === "content")) continue;
        if (units.some((u) => u.kind === "synonym" && u.means.join(" ") === synonym.means.join(" "))) {
          span.forEach((p) => taken.add(p));
          continue;
        }
        span.forEach((p) => taken.add(p));
        units.push({ kind: "synonym", means: synonym.means, original: term });
      }
    }
  }
  const free = (p: number) => roles[p] === "content" && !taken.has(p);
  for (let start = 0; start < tokens.length; start++) {
    if (!free(start)) continue;
    let end = start;
    while (free(end + 1) && lexicon.knownPairs.has(`${tokens[end]}_${tokens[end + 1]}`)) end++;
    const span = tokens.slice(start, end + 1);
    const exact = span.map((t, k) => (exactTokens[start + k] !== undefined && foldDiacritics(exactTokens[start + k]!) === t ? exactTokens[start + k] : undefined));
    units.push({ kind: "words", tokens: span, exact, position: start });
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

  return { lang, tokens, roles, levels, provinceHint, units, outside, namesPlan, searchTerms: [...searchTerms] };
}
