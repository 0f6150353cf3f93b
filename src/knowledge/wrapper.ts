/**
 * Strips the conversation around a question. People write to the bot as to a person: "Chào bot,
 * mình là cán bộ phụ trách CĐS ở một xã vùng cao, cho mình hỏi … nhé, cảm ơn nhiều". The greeting,
 * the self-introduction and the thanks add words that the plan never uses, and every such word
 * dilutes how well an entry covers the question. They are dropped clause by clause (clauses end at
 * punctuation), before any search.
 */
import { containsPhrase, phraseAt, type Lexicon } from "./lexicon.js";
import { exactForm, foldDiacritics, normalizeVietnamese, syllables } from "./normalize.js";

export interface Unwrapped {
  /** The question without its wrapper (the whole text when nothing was stripped). */
  question: string;
  /** The self-introduction clauses dropped ("mình là cán bộ xã"): they may tell the level asked about. */
  introductions: string[];
  /**
   * The question speaks of the writer ("có áp dụng cho tôi không", "đơn vị tôi"), other than as the
   * one asking ("cho tôi hỏi"): then who the writer said they are may be what it asks about.
   */
  aboutWriter: boolean;
}

/** Clauses end at sentence and clause punctuation, or a dash between spaces; the punctuation stays with its clause. */
const CLAUSE_END = /(?<=[.!?;,:\n…])\s*|\s+[-–—]\s+/u;
/** Sentences end at a full stop, a question or exclamation mark, or a line break. */
const SENTENCE_END = /(?<=[.!?\n…])\s+/u;

/**
 * @example unwrap("Chào bot, mình là cán bộ xã, cho mình hỏi chỉ tiêu hồ sơ công việc, cảm ơn", lexicon).question
 *   // "cho mình hỏi chỉ tiêu hồ sơ công việc,"
 */
export function unwrap(raw: string, lexicon: Lexicon): Unwrapped {
  const cut = withoutClosingThanks(raw, lexicon);
  let { onlyCourtesy, ...unwrapped } = unwrapClauses(cut, lexicon);
  // A message that is all greeting and introduction once its thanks are cut is read as written.
  if (onlyCourtesy && cut !== raw) ({ onlyCourtesy, ...unwrapped } = unwrapClauses(raw, lexicon));
  const question = withoutWritersPurpose(unwrapped.question, lexicon);
  return question === unwrapped.question ? unwrapped : { ...unwrapped, question };
}

/**
 * "… gồm những gì cảm ơn nhiều", "… bao nhiêu vậy thanks ad": thanks that close the message with no
 * punctuation before them (chat rarely has any) are no clause of their own, so the clause split
 * misses them. From the first word of thanks to the end, when all of it is courtesy, the rest is cut.
 */
function withoutClosingThanks(raw: string, lexicon: Lexicon): string {
  const words = raw.trim().split(/\s+/u);
  const folded = words.map((w) => syllables(normalizeVietnamese(w)));
  // Word index of each folded syllable, so a phrase found among syllables maps back to the words.
  const tokens: string[] = [];
  const wordOf: number[] = [];
  folded.forEach((f, i) =>
    f.forEach((t) => {
      tokens.push(t);
      wordOf.push(i);
    }),
  );
  const w = lexicon.wrappers;
  for (let i = 1; i < tokens.length; i++) {
    if (!w.thanks.some((p) => phraseAt(tokens, p, i))) continue;
    // The rest must be courtesy alone ("cảm ơn bạn nhiều nhé"), and what comes before must not.
    if (!isCourtesy(tokens.slice(i), lexicon) || isCourtesy(tokens.slice(0, i), lexicon)) return raw;
    return words.slice(0, wordOf[i]).join(" ");
  }
  return raw;
}

/** Question words after which "để …" tells what the writer will do with the answer. */
const ASKED = new Set(["gi", "nao", "nhieu", "khong", "ko", "sao", "dau"]);

/**
 * "… nhằm mục đích gì để về tuyên truyền cho bà con": after the question word, "để" and what the
 * writer will do with the answer ("để về …", "để em báo cáo") is no part of what is asked. A "để"
 * that is the question's own condition ("tiêu chí gì để được khen thưởng") names no writer and stays.
 */
function withoutWritersPurpose(question: string, lexicon: Lexicon): string {
  const words = question.split(/\s+/u);
  const folded = words.map((w) => foldDiacritics(normalizeVietnamese(w)));
  for (let i = 1; i < words.length - 1; i++) {
    if (folded[i] !== "de" || !ASKED.has(folded[i - 1]!)) continue;
    const rest = syllables(exactForm(words.slice(i + 1).join(" ")));
    const writers =
      folded[i + 1] === "ve" || folded[i + 1] === "con" || rest.some((_, k) => isSpeaker(rest, k, lexicon));
    if (writers) return words.slice(0, i).join(" ");
  }
  return question;
}

function unwrapClauses(raw: string, lexicon: Lexicon): Unwrapped & { onlyCourtesy?: true } {
  const sentences = raw.split(SENTENCE_END).filter((s) => s.trim().length > 0);
  const context = contextSentences(sentences, lexicon);
  const clauses = sentences.flatMap((sentence, i) => {
    const parts = sentence.split(CLAUSE_END).filter((c) => c !== undefined && c.trim().length > 0);
    const told = context.has(i) ? new Set(parts.keys()) : toldBeforeAsking(parts, lexicon);
    return parts.map((text, k) => ({ text, context: told.has(k) }));
  });
  if (clauses.length < 2) return { question: raw, introductions: [], aboutWriter: false };
  const w = lexicon.wrappers;
  const kept: string[] = [];
  const introductions: string[] = [];
  for (const { text: clause, context: aboutWriter } of clauses) {
    const tokens = syllables(normalizeVietnamese(clause));
    if (tokens.length === 0) continue;
    if (isCourtesy(tokens, lexicon)) continue;
    if (startsWithAny(tokens, w.thanks)) continue;
    if (aboutWriter) {
      introductions.push(clause);
      continue;
    }
    // "…, đang làm ở xã" goes on with the introduction; "Đang làm mà gặp khó khăn thì xử lý thế nào?"
    // asks, whatever its first words.
    const continues =
      kept.length === 0 &&
      introductions.length > 0 &&
      !/\?\s*$/u.test(clause) &&
      startsWithAny(tokens, w.introContinuation);
    // "Cho mình hỏi, tôi là giáo viên …": the request to ask may come before the introduction.
    const opened = skipCourtesy(tokens, lexicon);
    const request = w.askRequests.find((r) => phraseAt(opened, r, 0));
    const introduces = startsWithAny(request ? opened.slice(request.length) : opened, w.selfIntro);
    if (continues || introduces) {
      introductions.push(clause);
      continue;
    }
    kept.push(clause);
  }
  // A text that is only courtesy or introduction is left whole: better read it all than nothing.
  if (kept.length === 0) return { question: raw, introductions: [], aboutWriter: false, onlyCourtesy: true };
  const question = kept.join(" ").trim();
  return { question, introductions, aboutWriter: speaksOfWriter(question, lexicon) };
}

/** Whether a text speaks of its writer other than as the one asking ("cho mình hỏi", "I want to know"). */
export function speaksOfWriter(text: string, lexicon: Lexicon): boolean {
  const tokens = syllables(exactForm(text));
  const folded = tokens.map(foldDiacritics);
  const asking = new Set<number>();
  for (let i = 0; i < folded.length; i++) {
    const p = lexicon.wrappers.askRequests.find((r) => phraseAt(folded, r, i));
    if (!p) continue;
    for (let k = 0; k < p.length; k++) asking.add(i + k);
    if (i > 0 && isSpeaker(tokens, i - 1, lexicon)) asking.add(i - 1);
  }
  return tokens.some((_, i) => !asking.has(i) && isSpeaker(tokens, i, lexicon));
}

/**
 * The sentences that tell the writer's situation rather than ask: statements in the first person
 * ("sếp bảo tìm hiểu kế hoạch mà mình chưa đọc kịp.", "nhà có 4 người.") before the first sentence
 * that asks (a "?" or a request to ask: "cho mình hỏi", "muốn hỏi"). Only when such a sentence
 * follows: a message with no explicit question keeps all its sentences.
 */
function contextSentences(sentences: string[], lexicon: Lexicon): Set<number> {
  const context = new Set<number>();
  if (sentences.length < 2) return context;
  const w = lexicon.wrappers;
  // Each sentence read once (it is folded once, not once per request phrase).
  const asking = sentences.map((s) => {
    if (/\?\s*$/u.test(s)) return true;
    const tokens = syllables(normalizeVietnamese(s));
    return w.askRequests.some((p) => containsPhrase(tokens, p)) || endsAsking(tokens);
  });
  const first = asking.indexOf(true);
  if (first < 0) return context;
  // "… bao nhiêu %? Mong phản hồi sớm, cảm ơn!": what follows the last question and asks nothing is
  // its closing, not part of it.
  const last = asking.lastIndexOf(true);
  for (let i = last + 1; i < sentences.length; i++) context.add(i);
  if (first === 0) return context;
  // "Kế hoạch có ghi nhận những người như tôi không?": a question about the writer needs what the
  // writer said of themselves. The writer as the one asking ("mình muốn hỏi") does not count.
  if (speaksOfWriter(sentences[first]!, lexicon)) return context;
  for (let i = 0; i < first; i++) {
    const tokens = syllables(exactForm(sentences[i]!));
    if (tokens.some((_, k) => isSpeaker(tokens, k, lexicon))) context.add(i);
  }
  return context;
}

/** Words a Vietnamese question ends with ("… là bao nhiêu", "… gồm những gì", "… chưa"), before any closing particle. */
const QUESTION_ENDINGS = new Set([
  "gi",
  "j",
  "nao",
  "nhieu",
  "bn",
  "khong",
  "ko",
  "k",
  "chua",
  "sao",
  "dau",
  "ntn",
  "may",
]);
const CLOSING_PARTICLES = new Set(["vay", "a", "nhi", "nhe", "nha", "ha", "the"]);

/**
 * Whether a sentence typed without a question mark still asks: it ends as a question does, or holds a
 * question word that only questions use ("… có tác động gì tới …", "… bao nhiêu …").
 */
function endsAsking(tokens: string[]): boolean {
  let end = tokens.length - 1;
  while (end > 0 && CLOSING_PARTICLES.has(tokens[end]!)) end--;
  if (end >= 1 && QUESTION_ENDINGS.has(tokens[end]!)) return true;
  return tokens.some((t, i) => t === "gi" || t === "ntn" || (t === "bao" && tokens[i + 1] === "nhieu"));
}

/**
 * Within one sentence, the clauses that tell before the clause that asks: "Hôm qua họp xã có nhắc
 * đến phong trào, tôi muốn biết …", "Sắp họp nên mình cần nắm nhanh: cấp huyện …?". The asking
 * clause holds a request to ask ("muốn biết", "cho hỏi") or follows a colon. A clause before it is
 * the writer's story when it speaks of the writer, or is a statement of its own (four syllables or
 * more) that does not name the topic ("Về dịch vụ công, cho hỏi …" and "Cấp xã: …" stay).
 */
function toldBeforeAsking(clauses: string[], lexicon: Lexicon): Set<number> {
  const told = new Set<number>();
  const w = lexicon.wrappers;
  const folded = clauses.map((c) => syllables(normalizeVietnamese(c)));
  const requested = clauses.findIndex(
    (_, k) => k > 0 && w.askRequests.some((p) => containsPhrase(folded[k]!, p)),
  );
  // A colon after a topic ("Hồ sơ công việc: huyện bao nhiêu?") introduces the question about it; only
  // the writer's own words before a colon ("mình cần nắm nhanh:") are set aside.
  const colon = clauses.findIndex((_, k) => k > 0 && /:\s*$/u.test(clauses[k - 1]!.trim()));
  const asking = requested > 0 ? requested : colon;
  for (let k = 0; k < asking; k++) {
    // "cho mình hỏi hồ sơ công việc: …": the writer as the one asking tells nothing of themselves.
    const aboutWriter = speaksOfWriter(clauses[k]!, lexicon);
    const statement = requested > 0 && folded[k]!.length >= 4 && !startsWithAny(folded[k]!, w.topicMarkers);
    if (aboutWriter || statement) told.add(k);
  }
  return told;
}

/**
 * Whether the syllable at `at` is a word by which the writer speaks of themselves. Typed with
 * diacritics it must be the word exactly ("tới" is not "tôi"); typed without, its folded form is
 * enough ("minh" is "mình").
 */
function isSpeaker(tokens: string[], at: number, lexicon: Lexicon): boolean {
  const token = tokens[at]!;
  const folded = foldDiacritics(token);
  if (!lexicon.wrappers.speakers.some((p) => (folded === token ? p.folded === token : p.exact === token)))
    return false;
  // Not when it makes a word of the plan with a neighbour: the "minh" of "thông minh", "minh bạch".
  const pair = (a: string | undefined, b: string | undefined) =>
    a !== undefined && b !== undefined && lexicon.knownPairs.has(`${foldDiacritics(a)}_${foldDiacritics(b)}`);
  return !pair(tokens[at - 1], token) && !pair(token, tokens[at + 1]);
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

/**
 * The clause without a leading greeting and forms of address ("Hi bạn, mình là…" → "mình là…", "ad
 * ơi tôi là …" → "tôi là …"); a word that opens a self-introduction ("mình là") is never skipped.
 */
function skipCourtesy(tokens: string[], lexicon: Lexicon): string[] {
  const w = lexicon.wrappers;
  let i = 0;
  while (i < tokens.length) {
    const p = w.greetings.find((c) => phraseAt(tokens, c, i));
    if (p) {
      i += p.length;
      continue;
    }
    if (
      w.address.some((a) => a.length === 1 && a[0] === tokens[i]) &&
      !w.selfIntro.some((s) => phraseAt(tokens, s, i))
    ) {
      i++;
      continue;
    }
    break;
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
