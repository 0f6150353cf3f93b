/**
 * Question answering over Plan 154/KH-UBND. The rule everything here serves: answer from the plan,
 * precisely, or say honestly that the plan does not say — never a guess dressed as an answer.
 */
import { join, resolve } from "node:path";
import { fold } from "../i18n/fold.js";
import type { Lang, Translator } from "../i18n/locales.js";
import { AnswerComposer, type AnswerChoice, type KnowledgeAnswer } from "./answer.js";
import { loadKnowledgeBase, type KnowledgeEntry } from "./knowledge-base.js";
import { buildLexicon, type Lexicon } from "./lexicon.js";
import { parseQuestion as parseText, type ParsedQuestion } from "./question.js";
import type { Level, NominationCategory } from "./schema.js";
import { SearchIndex, type Candidate } from "./search-index.js";
import { containsPhrase, phraseAt, phraseTokens } from "./lexicon.js";
import { exactForm, foldDiacritics, normalizeVietnamese, syllables } from "./normalize.js";
import { passes, questionKind, type QuestionKind } from "./question-kind.js";
import { speaksOfWriter, unwrap, type Unwrapped } from "./wrapper.js";
import { readPassages } from "./passages.js";
import type { Unit } from "./question.js";
import { loadWording, wordingFrom, type Wording } from "./wording.js";

/** Coverage from which an entry answers the question. */
const CONFIDENT = 0.6;
/** Coverage from which entries are listed together as the answer. */
const LIST_CONFIDENT = 0.75;
/** Coverage from which an entry is worth offering as a choice when nothing is confident. */
const PLAUSIBLE = 0.34;
/**
 * Two entries of different topics at equal coverage whose scores are this close make the question
 * ambiguous: the ranking between them then rests on text length and word counts, not on meaning
 * ("phân tích dữ liệu": the data-analysis platform or the data-analysis skills). The plan's answer
 * is offered as choices, never picked.
 */
const AMBIGUITY_MARGIN = 0.92;
const PLAN_IDENTITY = "ke-hoach.so-hieu";

export interface Knowledge {
  /** Answers a question in the user's language (an English question is answered in English). */
  ask(question: string, lang: Lang): KnowledgeAnswer;
  /** The browsing menu: tỉnh, huyện, xã, doanh nghiệp, cá nhân, về kế hoạch. */
  levels(lang: Lang): AnswerChoice[];
  /** The entries of one level, as choices. */
  entriesOf(levelId: string, lang: Lang): AnswerChoice[];
  /** One entry's answer, or a level's list, by id. */
  show(id: string, lang: Lang): KnowledgeAnswer;
  /** The plan's criterion text for a nomination category, quoted verbatim, with a one-line lead-in. */
  criterionFor(category: NominationCategory, lang: Lang): string;
  /** Number of entries. */
  size(): number;
}

export interface KnowledgeOptions {
  /** The knowledge folder, usually "flows/knowledge". */
  dir: string;
  /** The plan's full text, whose clauses are retrievable too; defaults to `<dir>/../source/ke-hoach-154.txt`. */
  source?: string;
  /** The application's translator; without it `locales/<lang>/knowledge.yaml` is read directly. */
  translator?: Translator;
  /** Where the locales live when no translator is given; defaults to `<dir>/../../locales`. */
  localesDir?: string;
}

class PlanKnowledge implements Knowledge {
  private readonly byId = new Map<string, KnowledgeEntry>();
  private readonly levelById = new Map<string, Level>();
  private readonly compose: AnswerComposer;
  /** The years the plan's targets are set for (its entries' deadlines): "đến năm 2025" asks nothing new. */
  private readonly targetYears: Set<string>;
  private readonly parsed = new WeakMap<Unwrapped, ParsedQuestion>();
  private readonly quotes = new Map<string, { folded: string[]; exact: string[] }>();

  constructor(
    private readonly levelList: Level[],
    private readonly entries: KnowledgeEntry[],
    private readonly lexicon: Lexicon,
    private readonly index: SearchIndex,
    private readonly say: Wording,
    private readonly passages: SearchIndex,
    /**
     * The same knowledge read with the concept lexicon (`concepts.yaml`): the words people name a
     * target with when not the plan's own ("y tế", "work records"). Asked only when the plan's own
     * words found no answer, so it never changes an answer they found. Built on the first question
     * that needs it: a second index costs a worker ~12 MB that most deployments never use.
     */
    private readonly withConcepts?: () => PlanKnowledge,
  ) {
    for (const e of entries) this.byId.set(e.id, e);
    for (const l of levelList) this.levelById.set(l.id, l);
    this.compose = new AnswerComposer(say, this.levelById);
    this.targetYears = new Set(entries.flatMap((e) => (e.deadline ? [String(e.deadline)] : [])));
  }

  size(): number {
    return this.entries.length;
  }

  levels(lang: Lang): AnswerChoice[] {
    return this.levelList.map((l) => ({ id: l.id, label: l.name[lang] }));
  }

  entriesOf(levelId: string, lang: Lang): AnswerChoice[] {
    return this.entries
      .filter((e) => e.level === levelId)
      .map((e) => ({ id: e.id, label: this.compose.label(e, lang) }));
  }

  show(id: string, lang: Lang): KnowledgeAnswer {
    const entry = this.byId.get(id);
    if (entry) return this.compose.entry(entry, lang);
    if (this.levelById.has(id))
      return this.compose.levelList(
        id,
        this.entries.filter((e) => e.level === id),
        lang,
      );
    return this.compose.unknownId(lang);
  }

  criterionFor(category: NominationCategory, lang: Lang): string {
    const level = this.levelList.find((l) => l.category === category);
    const entries = level
      ? this.entries.filter((e) => e.level === level.id)
      : this.entries.filter((e) => e.category === category);
    const first = entries[0];
    if (!first) throw new Error(`no criterion for nomination category ${category}`);
    const lead = level?.lead?.[lang] ?? first.topic[lang];
    return `${this.say(lang, "criterion_lead", { lead: lead.charAt(0).toLowerCase() + lead.slice(1) })}\n${entries.map((e) => `“${e.quote}”`).join("\n")}`;
  }

  private conceptReading?: PlanKnowledge;
  /** Parsed texts of the question being asked: its paths (parts, kinds, years) read each text once. */
  private readonly parses = new Map<string, ParsedQuestion>();

  /** A text parsed once; parses are read, never changed, by every path. */
  private parse(text: string): ParsedQuestion {
    let parsed = this.parses.get(text);
    if (!parsed) {
      parsed = parseText(text, this.lexicon);
      this.parses.set(text, parsed);
    }
    return parsed;
  }

  ask(question: string, lang: Lang): KnowledgeAnswer {
    // Parses are shared by the paths of one question only: a question asked again is read again
    // (the answer cache in front of this class keeps whole answers).
    this.parses.clear();
    this.conceptReading?.parses.clear();
    const own = this.askFocused(question, lang);
    if (!declined(own) || !this.withConcepts) return own;
    // In Vietnamese the concept words are also the words of near misses ("sổ hộ khẩu", "hội đồng thi
    // đua"): measured on the development sets, they answered more questions outside the plan than
    // inside it. English questions meet the plan only through its English gloss, and gain from them.
    // A Vietnamese question that asks for the plan's targets by a sector's name ("chỉ tiêu nào về y
    // tế") across the plan is the exception: the sector is named in everyday words only, and only
    // targets answer it (the movement's aims, which speak of everything, do not). A level named
    // ("các chỉ tiêu của cấp xã được báo cáo định kỳ …") makes it a question about that level.
    const parsed = this.parse(question);
    if (parsed.lang !== "en" && !(parsed.asksCriteria && parsed.levels.length === 0)) return own;
    this.conceptReading ??= this.withConcepts();
    const read = this.conceptReading.askWithin(question, lang);
    if (!read.answered) return own;
    if (parsed.lang !== "en" && read.sources.includes(this.generalSource(lang))) return own;
    return read;
  }

  /** How answers name the plan's general part as their source. */
  private generalSource(lang: Lang): string {
    const general = this.levelById.get("ke-hoach");
    return general ? this.say(lang, "source", { source: general.source[lang] }) : "";
  }

  /**
   * "Đọc báo thấy tỉnh phát động thi đua nhưng không rõ mục tiêu chung là gì": what the writer says
   * they do not know is the question; what they read or did before it is the story around it. The
   * whole text is read first (the story may name the topic); when it finds nothing, the part after
   * the last such words alone.
   */
  private askFocused(question: string, lang: Lang): KnowledgeAnswer {
    const whole = this.askWithin(question, lang);
    if (!declined(whole)) return whole;
    for (const focus of [focusOf(question), this.afterStory(question)]) {
      if (!focus) continue;
      const read = this.askWithin(focus, lang);
      if (read.answered) return read;
    }
    return whole;
  }

  /**
   * "Nhà tôi có 1 cái điện thoại cục gạch thôi, theo KH thì mỗi hộ phải có mấy cái …": clauses that
   * tell the writer's own situation and ask nothing, before the clause that asks. The question is
   * from that clause on; the story's words ("cục gạch") are no topic the plan must speak of.
   */
  private afterStory(question: string): string | undefined {
    const clauses = question.split(/(?<=[,;.!?])\s+/u);
    const asks = (c: string) => ASKS.test(normalizeVietnamese(c).replace(/[?.!,;:]/g, " "));
    const at = clauses.findIndex(asks);
    if (at < 0) return undefined;
    // "SSO là gì thế ad, thấy ghi trong kế hoạch mà ko hiểu": after the asking clause, the writer
    // says they do not understand it; that clause asks nothing more.
    const after = clauses.slice(at + 1).join(" ");
    const trailing = after.length > 0 && !asks(after) && NOT_UNDERSTOOD.test(after);
    const story = clauses.slice(0, at).join(" ");
    // A story asks nothing: a clause ending in "?" before the asking one is a question of its own.
    const before =
      at > 0 && !clauses.slice(0, at).some((c) => /\?\s*$/u.test(c)) && speaksOfWriter(story, this.lexicon);
    if (!before && !trailing) return undefined;
    return (trailing ? clauses.slice(at, at + 1) : clauses.slice(at)).join(" ");
  }

  /**
   * "Chỉ tiêu cho thôn, tổ dân phố": the plan sets none; the commune's targets are the nearest, shown
   * after a note saying so. They are not the answer asked for, so the answer is not confident (the
   * writer is offered an official as well) unless the question itself names a level ("xã tôi …").
   * A question that merely mentions a village (the writer's "bí thư chi bộ thôn") and is answered by
   * passages other than the commune's gets no note.
   */
  private askWithin(question: string, lang: Lang): KnowledgeAnswer {
    const answer = this.askYears(question, lang);
    if (answer.kind === "none") return answer;
    const below = this.below(question);
    if (!below) return answer;
    const answerLang: Lang = this.parse(question).lang === "en" ? "en" : lang;
    const own = this.say(answerLang, "source", { source: below.level.source[answerLang] });
    if (!answer.sources.includes(own)) return answer;
    // A village where the writer lives ("mình ở thôn, …") is the story around the question, not what
    // it asks about: only one the question itself names makes the commune's targets a stand-in.
    const asked = this.below(unwrap(question, this.lexicon).question);
    const named = !asked || this.parse(asked.without).levels.some((l) => ADMINISTRATIVE.has(l));
    // "Xã tôi có 12 thôn, …": the commune asked by name is answered as such.
    if (named && asked) return answer;
    return {
      ...answer,
      answered: answer.answered && named,
      text: `${below.level.below!.note[answerLang]}\n\n${answer.text}`,
    };
  }

  /** Whether the question names a document the plan cites ("Nghị quyết 48", "KH 55"), not the plan. */
  private namesCitedDocument(tokens: string[]): boolean {
    return this.citedMentions(tokens).length > 0;
  }

  /**
   * Whether the question asks what a document the plan cites (not the plan itself) contains: the
   * document named, then what it holds asked after it. "Các nội dung về căn cứ: Nghị quyết 48 …"
   * (the plan's words about the document) asks this plan.
   */
  private asksCitedContents(tokens: string[]): boolean {
    return this.citedMentions(tokens).some(
      ({ at, end }) =>
        !tokens.slice(Math.max(0, at - 4), at).some((t) => t === "ve" || t === "about") &&
        CONTENTS.some((p) => containsPhrase(tokens.slice(end), p)),
    );
  }

  /** Where the question names a document the plan cites by kind and number ("NQ 48", "kế hoạch 55"). */
  private citedMentions(tokens: string[]): { at: number; end: number }[] {
    const found: { at: number; end: number }[] = [];
    for (const d of this.lexicon.documents)
      for (const w of d.words)
        tokens.forEach((_, at) => {
          const end = at + w.length;
          if (
            phraseAt(tokens, w, at) &&
            tokens.slice(end, end + 2).some((n) => d.numbers.has(n) && n !== PLAN_NUMBER)
          )
            found.push({ at, end });
        });
    return found;
  }

  private readonly belowFolded = new Map<string, { except: string[]; named: string[] }>();

  /** A level's names of the units below it and their exceptions, folded once (longest name first). */
  private belowNames(level: Level): { except: string[]; named: string[] } {
    let folded = this.belowFolded.get(level.id);
    if (!folded) {
      const { names, except } = level.below!;
      folded = {
        except: [...except.vi, ...except.en].map((e) => ` ${fold(e)} `),
        named: [...names.vi, ...names.en].map((n) => ` ${fold(n)} `).sort((a, b) => b.length - a.length),
      };
      this.belowFolded.set(level.id, folded);
    }
    return folded;
  }

  /** The level whose units below it (`below.names`) the question names, and the question without them. */
  private below(question: string): { level: Level; without: string } | undefined {
    for (const level of this.levelList) {
      if (!level.below) continue;
      let q = ` ${fold(question)} `;
      const { except, named } = this.belowNames(level);
      for (const e of except) q = q.replaceAll(e, " ");
      if (!named.some((n) => q.includes(n))) continue;
      for (const n of named) q = q.replaceAll(n, " ");
      return { level, without: q.trim() };
    }
    return undefined;
  }

  private askYears(question: string, lang: Lang): KnowledgeAnswer {
    const answer = this.withReason(
      question,
      this.everyChoice(question, this.askParts(question, lang), lang),
      lang,
    );
    // "Chỉ tiêu đến năm 2030 …", "giai đoạn 2016-2020": a year the question names is a period it asks
    // about. The plan sets its targets to one year only; an answer that does not itself speak of the
    // year asked is a figure for another period, however well the rest of the question fits.
    if (answer.answered) {
      // Only passages that themselves state the year answer it ("định hướng đến năm 2030"); a list
      // that merely contains the year somewhere puts the year's passages beside other years' targets.
      const asked = yearsIn(question).filter((y) => !this.targetYears.has(y));
      const quoted = (answer.choices ?? []).map((c) => this.byId.get(c.id));
      const states = (y: string) =>
        answer.kind === "entry"
          ? yearsIn(answer.text).includes(y)
          : quoted.length > 0 &&
            quoted.every((e) => e !== undefined && yearsIn(`${e.quote} ${e.answer.vi}`).includes(y));
      if (asked.some((y) => !states(y)))
        return this.compose.none(this.parse(question).lang === "en" ? "en" : lang);
      // "Chỉ tiêu của cấp xã đến năm 2030 là gì": the time frame's passages say the plan sets no
      // figure for that year. That is worth showing, but it answers no question about such targets:
      // not a confident answer (the writer is offered an official as well).
      const timeFrameOnly = (e: KnowledgeEntry | undefined) => e?.group === "thoi-han";
      const shown = quoted.length
        ? quoted
        : this.entries.filter((e) => answer.text.includes(e.answer.vi) || answer.text.includes(e.answer.en));
      // ("Năm 2030 có chỉ tiêu gì cụ thể không" asks yes or no: "no" is its confident answer.)
      const read = this.parse(question);
      if (
        asked.length &&
        shown.length &&
        shown.every(timeFrameOnly) &&
        read.asksCriteria &&
        !this.lexicon.kinds.yesNo.some((p) => containsPhrase(read.tokens, p))
      )
        return { ...answer, answered: false };
      // "Nghị quyết 48 có tổng cộng bao nhiêu chỉ tiêu": a count of targets answered only by passages
      // of the plan's general part (the documents it cites, its aims), which set no target. The plan
      // names those documents; what they contain is not in it.
      const entries = quoted.length
        ? quoted
        : this.entries.filter((e) => answer.text.includes(e.answer.vi) || answer.text.includes(e.answer.en));
      // "Kế hoạch 55 gồm những nội dung gì": what a document the plan cites contains. The plan gives
      // its number, date and title only; an answer from them would quote this plan for that one.
      const folded0 = normalizeVietnamese(question).split(" ");
      if (this.asksCitedContents(folded0))
        return this.compose.none(this.parse(question).lang === "en" ? "en" : lang);
      const counts = countsTargets(normalizeVietnamese(question).split(" "), this.lexicon.countWords);
      if (
        counts &&
        entries.length &&
        entries.every((e) => e && e.level === "ke-hoach" && e.targets.length === 0)
      )
        return this.compose.none(this.parse(question).lang === "en" ? "en" : lang);
      // "Cấp nào có chỉ tiêu …", "which level …": the answer to which level is the plan's own heading
      // for the targets quoted ("Đối với cấp huyện (huyện, thành phố)"), named as the plan names it.
      const folded = normalizeVietnamese(question).split(" ");
      if (WHICH_LEVEL.some((p) => containsPhrase(folded, p))) {
        const leads = [
          ...new Set(
            entries.flatMap((e) => {
              const lead = e && this.levelById.get(e.level)?.lead;
              return lead ? [lead] : [];
            }),
          ),
        ];
        const answerLang: Lang = this.parse(question).lang === "en" ? "en" : lang;
        if (leads.length)
          return {
            ...answer,
            text: `${answer.text}\n${this.say(answerLang, "plan_sections", { sections: leads.map((l) => `“${l[answerLang]}”`).join("; ") })}`,
          };
      }
    }
    return answer;
  }

  /**
   * "Tại sao phải biểu dương, khen thưởng": why the movement does something is the reason the plan
   * gives for it. One of its aims stated without a reason ("Biểu dương, tôn vinh, khen thưởng …")
   * continues, in the plan's same sentence, with the next aim and its "nhằm …": both are quoted.
   */
  private withReason(question: string, answer: KnowledgeAnswer, lang: Lang): KnowledgeAnswer {
    if (!answer.answered || answer.kind !== "entry") return answer;
    // Read folded first: most answers are to no why-question, and need no second parse.
    const folded = normalizeVietnamese(question).split(" ");
    if (!WHY.some((p) => containsPhrase(folded, p))) return answer;
    const parsed = this.parse(question);
    if (!WHY.some((p) => containsPhrase(parsed.tokens, p))) return answer;
    const at = this.entries.findIndex((e) => e.level === "ke-hoach" && answer.text.includes(e.quote));
    const entry = this.entries[at];
    const next = this.entries[at + 1];
    const gives = (e: KnowledgeEntry) => REASON.test(e.quote);
    if (
      !entry ||
      !next ||
      gives(entry) ||
      !gives(next) ||
      next.group !== entry.group ||
      next.level !== entry.level
    )
      return answer;
    const answerLang: Lang = parsed.lang === "en" ? "en" : lang;
    return this.compose.many([entry, next], answerLang, this.say(answerLang, "group_title"));
  }

  /**
   * "2 chỉ tiêu tập huấn cho CBCCVC là bao nhiêu % mỗi cái", "both targets": a question that asks for
   * each of the things it could mean is answered with all of them, not a choice among them (a near
   * miss, which says what the plan lacks, stays as it is).
   */
  private everyChoice(question: string, answer: KnowledgeAnswer, lang: Lang): KnowledgeAnswer {
    if (answer.kind !== "ambiguous" || answer.answered || !answer.choices) return answer;
    const parsed = this.parse(question);
    const answerLang: Lang = parsed.lang === "en" ? "en" : lang;
    if (!answer.text.startsWith(this.say(answerLang, "ambiguous"))) return answer;
    if (!this.lexicon.kinds.each.some((p) => containsPhrase(parsed.tokens, p))) return answer;
    const entries = answer.choices.map((c) => this.byId.get(c.id));
    if (entries.length < 2 || entries.length > 4 || entries.some((e) => e === undefined)) return answer;
    return this.compose.many(entries as KnowledgeEntry[], answerLang, this.say(answerLang, "group_title"));
  }

  private askParts(question: string, lang: Lang): KnowledgeAnswer {
    // "Sở phải đạt tỷ lệ hồ sơ xử lý trực tuyến bao nhiêu và mức hài lòng bao nhiêu?": two questions
    // in one sentence, each with its own question word. Asked as one they dilute each other's
    // coverage, or one hides the other; asked one by one each finds its entry. When either part
    // finds nothing, the sentence is asked as a whole.
    const unwrapped = unwrap(question, this.lexicon);
    const parts = splitQuestions(unwrapped.question);
    if (parts.length < 2) return this.askTopics(question, lang, unwrapped);
    const first = this.parse(parts[0]!);
    // A later question shares the first one's level when it names none ("… và mức hài lòng bao nhiêu").
    const level = first.levels.length === 1 ? this.levelById.get(first.levels[0]!) : undefined;
    const asked = parts.map((p, i) =>
      i > 0 && this.parse(p).levels.length === 0 && level ? `${p} ${level.name.vi}` : p,
    );
    // Asked one by one first: the whole is read only when a part finds nothing.
    const answers: KnowledgeAnswer[] = [];
    for (const p of asked) {
      const a = this.askOne(p, lang);
      if (!a.answered) return this.askTopics(question, lang, unwrapped);
      answers.push(a);
    }
    return {
      answered: true,
      kind: "list",
      text: answers.map((a) => a.text).join("\n\n"),
      sources: [...new Set(answers.flatMap((a) => a.sources))],
    };
  }

  /**
   * "Chỉ tiêu văn bản điện tử, ký số, chế độ báo cáo ở cấp tỉnh gồm gì", "SSO và chế độ báo cáo ở tỉnh
   * và huyện có khác nhau không": several topics joined by commas or "và", under one level and one
   * way of asking. Asked as one, they dilute each other's coverage (a menu, or one topic answered);
   * each topic is asked with the rest of the question (its levels, its kind) and every answer given,
   * when each of them is confident. When any topic finds nothing, the question is asked as a whole:
   * a topic the plan never speaks of is not hidden by one it does.
   */
  private askTopics(question: string, lang: Lang, unwrapped: Unwrapped): KnowledgeAnswer {
    const whole = this.askOne(question, lang, unwrapped);
    const parsed = this.parsedOf(unwrapped);
    const segments = topicSegments(unwrapped.question, parsed);
    if (segments.length < 2 || segments.length > MAX_TOPICS) return whole;
    // A topic is a word of two syllables or more, an abbreviation ("SSO") or several words: one lone
    // syllable ("bộ" of "cán bộ, …") is found in too many passages to stand for a topic on its own.
    const topical = (seg: Set<number>) =>
      seg.size >= 2 ||
      [...seg].some((i) => {
        const u = parsed.units[i]!;
        return u.kind === "synonym" || u.tokens.length >= 2;
      });
    if (!segments.every(topical)) return whole;
    const parts = segments.map((only) => this.askOne(question, lang, unwrapped, undefined, only));
    if (!parts.every((a) => a.answered && a.kind !== "none")) return whole;
    // Nothing to add when the whole answer already quotes what every topic's answer quotes.
    const quotes = (text: string) => text.match(/“[^”]+”/g) ?? [text];
    const covered = (a: KnowledgeAnswer) =>
      whole.answered && quotes(a.text).every((q) => whole.text.includes(q));
    if (parts.every(covered)) return whole;
    const texts = [...new Set(parts.map((a) => a.text))];
    if (texts.length < 2) return whole;
    return {
      answered: true,
      kind: "list",
      text: texts.join("\n\n"),
      sources: [...new Set(parts.flatMap((a) => a.sources))],
    };
  }

  /** The question as the search reads it: parsed, located, without what it sets aside ("ngoài … thì"). */
  private parsedOf(unwrapped: Unwrapped): ParsedQuestion {
    // askTopics reads the segments from the same parse askOne makes: parsed once per unwrapped text.
    let parsed = this.parsed.get(unwrapped);
    if (!parsed) {
      parsed = withoutBesides(this.located(this.parse(unwrapped.question)));
      this.parsed.set(unwrapped, parsed);
    }
    return parsed;
  }

  /** A passage's quote as syllables, folded and as written: read once, not once per question. */
  private quoteWords(e: KnowledgeEntry): { folded: string[]; exact: string[] } {
    let words = this.quotes.get(e.id);
    if (!words) {
      const exact = syllables(exactForm(e.quote));
      words = { exact, folded: exact.map(foldDiacritics) };
      this.quotes.set(e.id, words);
    }
    return words;
  }

  /**
   * @param introduced the question alone, when `unwrapped` reads the writer's introduction with it:
   *   where the writer lives ("Việt kiều sống ở Đức", "nhà khoa học ở Hà Nội") is no question about
   *   another place.
   */
  private askOne(
    question: string,
    lang: Lang,
    unwrapped = unwrap(question, this.lexicon),
    introduced?: string,
    only?: ReadonlySet<number>,
  ): KnowledgeAnswer {
    // The greeting, self-introduction and thanks around a question are not what it asks.
    let parsed = this.parsedOf(unwrapped);
    // One topic of several (askTopics): the other topics' words are left out of what is searched.
    if (only) parsed = { ...parsed, units: parsed.units.filter((_, i) => only.has(i)) };
    const answerLang: Lang = parsed.lang === "en" ? "en" : lang;
    // The bot's own services first: "hạn nộp hồ sơ đề cử" is no plan question, but it has an answer.
    const service = this.lexicon.services.find(
      (s) =>
        s.words.some((w) => containsPhrase(parsed.tokens, w)) &&
        s.asks.some((a) => containsPhrase(parsed.tokens, a)),
    );
    if (service) return this.compose.service(service.answer, answerLang);
    const placeOfWriter =
      parsed.outside === "other-place" &&
      introduced !== undefined &&
      this.parse(introduced).outside === undefined;
    if (parsed.outside && !placeOfWriter) return this.compose.none(answerLang);

    // "Xã thấp hơn tỉnh bao nhiêu", "how far below the province": a bare "tỉnh" set against another
    // level is the provincial level, and the question compares the two.
    const comparative = COMPARATIVE.some((p) => containsPhrase(parsed.tokens, p));
    // "tỉnh và xã mỗi bên bao nhiêu", "tỉnh, huyện": a bare "tỉnh" listed with another level is the
    // provincial level too.
    const listedWithLevel = parsed.tokens.some(
      (t, i) =>
        t === "tinh" &&
        parsed.roles[i] !== "level" &&
        [1, 2].some(
          (d) =>
            (parsed.roles[i + d] === "level" && (d === 1 || JOINERS.has(parsed.tokens[i + 1]!))) ||
            (parsed.roles[i - d] === "level" && (d === 1 || JOINERS.has(parsed.tokens[i - 1]!))),
        ),
    );
    if ((comparative || listedWithLevel) && parsed.levels.some((l) => ADMINISTRATIVE.has(l)))
      parsed = { ...parsed, levels: withBareProvince(parsed.levels, parsed) };
    const kind = questionKind(parsed, this.lexicon);
    if (comparative && parsed.levels.filter((l) => ADMINISTRATIVE.has(l)).length >= 2) kind.compare = true;
    // "Tôi là chiến sĩ công an …, phong trào này có áp dụng cho tôi không?": whether the plan concerns
    // the writer is a question about who the writer said they are; the introduction is read with it.
    // When the introduction adds only words the plan never uses ("kế toán HTX nông nghiệp") and the
    // question alone names the writer's kind ("… cho HTX bọn tôi"), the question alone answers.
    if (kind.who && unwrapped.aboutWriter && unwrapped.introductions.length) {
      const withWriter = this.askOne(
        question,
        lang,
        {
          question: `${unwrapped.introductions.join(" ")} ${unwrapped.question}`,
          introductions: [],
          aboutWriter: false,
        },
        unwrapped.question,
      );
      if (withWriter.kind !== "none" || parsed.levels.length === 0) return withWriter;
    }
    // "Mình là cán bộ xã, …": a level named only in the introduction says which level's figure to
    // give when the topic is set at several levels; it never turns the question into that level's list.
    let levelHint: string | undefined;
    if (parsed.levels.length === 0 && unwrapped.introductions.length) {
      const introduced = this.parse(unwrapped.introductions.join(" ")).levels;
      if (introduced.length === 1) levelHint = introduced[0];
    }
    const levels = parsed.levels;
    // "Ai phát động phong trào", "cơ quan nào ban hành kế hoạch": who issued the plan is its identity
    // (issuer, number, date), unless a document it cites is named ("Nghị quyết 48 do ai ban hành").
    if (levels.length === 0 && asksIssuer(parsed.tokens) && !this.namesCitedDocument(parsed.tokens))
      return this.show(PLAN_IDENTITY, answerLang);
    // "Phong trào nhằm thực hiện những văn bản nào", "which documents does it implement": the
    // documents the plan rests on, every one of them (their passages give number, date and issuer).
    if (levels.length === 0 && asksWhichDocument(parsed.tokens)) return this.group("can-cu", answerLang);
    // "Các chỉ tiêu 100% này hạn chót là năm nào": when, of targets picked by figure; the plan sets
    // every target for one year.
    if (kind.figure && kind.when) return this.group("thoi-han", answerLang);
    if (kind.figure) return this.byFigure(kind.figure, parsed, answerLang);
    // "Tiêu chí thi đua chia theo những nhóm nào": the groups the plan sets criteria for, when
    // nothing else is asked (every word left is the asking for groups).
    if (kind.grouping && levels.length === 0 && parsed.asksCriteria) {
      const groupWords = new Set(this.lexicon.kinds.grouping.flat());
      if (parsed.units.every((u) => u.kind === "words" && u.tokens.every((t) => groupWords.has(t))))
        return this.compose.groups(
          this.levelList.filter((l) => l.id !== "ke-hoach").map((l) => l.id),
          answerLang,
        );
    }
    if (kind.everyLevel) return this.everyLevel(parsed, answerLang);
    if (kind.onlyAfter !== undefined || (kind.list && levels.length >= 2)) {
      const only = this.onlyAt(parsed, kind.onlyAfter, answerLang);
      if (only) return only;
    }
    if (kind.membership) {
      const member = this.membership(parsed, answerLang);
      if (member) return member;
    }
    // "HTX có thuộc đối tượng …": whether a kind of participant is concerned. The plan names its
    // participants in its requirements; the level's own criteria follow.
    if (kind.who && parsed.units.length === 0 && levels.length === 1 && levels[0] !== "ca-nhan" && !kind.list)
      return this.participant(levels[0]!, answerLang);
    // "Tinh thần của phong trào là gì", "tham gia với tinh thần nào": the plan states the movement's
    // spirit in its aims (taking part actively) and in its requirements (wide, consistent, practical),
    // so both sections answer, unless the question fits a passage elsewhere.
    // "Phong trào mong muốn doanh nghiệp, người dân điều gì": the movement as the one that wants or
    // aims, with no administrative level, figure or time asked, is asked about its aims; businesses
    // and people named there are whom the aims speak of, not a group whose criteria are asked.
    // "Mong muốn người dân … với tinh thần ra sao": a verb of wanting that opens the question (after
    // "cho mình hỏi", if any) has the movement, asked about, for its unsaid subject.
    const request = this.lexicon.wrappers.askRequests.find((r) => phraseAt(parsed.tokens, r, 0));
    const opening = request?.length ?? 0;
    const movement =
      (parsed.namesPlan || (kind.aspire === opening && !WRITER_WANTS.has(parsed.tokens[opening] ?? ""))) &&
      (kind.purpose || kind.aspire !== undefined) &&
      !parsed.asksShare &&
      !kind.figure &&
      !kind.when &&
      !levels.some((l) => ADMINISTRATIVE.has(l)) &&
      (!parsed.asksCriteria || !levels.length) &&
      // "Phong trào muốn HTX làm gì": what the movement wants a group to do is that group's criteria.
      !DOES.some((p) => containsPhrase(parsed.tokens, p));
    if (
      this.lexicon.kinds.spirit.some((p) => containsPhrase(parsed.tokens, p)) &&
      (levels.length === 0 || movement) &&
      !this.fitsElsewhere(parsed, ["muc-dich", "yeu-cau"])
    )
      return this.compose.many(
        this.entries.filter(
          (e) => e.level === "ke-hoach" && (e.group === "muc-dich" || e.group === "yeu-cau"),
        ),
        answerLang,
        this.say(answerLang, "group_title"),
      );
    // What the movement wants ("phong trào mong muốn gì cho người dân") is read in its aims even when a
    // passage elsewhere speaks of all the words (the individuals' criterion opens with "người dân").
    if (movement && (levels.length || kind.aspire !== undefined)) {
      // Words between the movement and its verb ("phong trào này rốt cuộc muốn") say how it wants.
      const at = kind.aspire ?? 0;
      const units = parsed.units.filter((u) => !(u.kind === "words" && u.novel && u.position < at));
      const aims = this.aims({ ...parsed, levels: [], units }, answerLang);
      if (aims) return aims;
    }
    // How something must be done may name nothing but the verb the plan uses ("phong trào phải triển
    // khai thế nào": every word is the plan's name or a generic word).
    const obliged = levels.length === 0 ? this.obligation(parsed) : undefined;
    if (obliged) return this.compose.entry(obliged, answerLang);
    if (parsed.units.length === 0) {
      if (levels.length === 1) return this.levelAnswer(levels[0]!, parsed, answerLang);
      if (levels.length > 1) return this.compose.chooseLevel(levels, answerLang);
      if (kind.purpose) return this.group("muc-dich", answerLang);
      // "What does the plan require?": nothing asked but what is required, the plan's requirements.
      if (kind.requirements) return this.group("yeu-cau", answerLang);
      // "Chỉ tiêu thi đua tính đến năm nào": nothing asked but the time frame.
      if (kind.when) return this.group("thoi-han", answerLang);
      if (kind.who) return this.group("yeu-cau", answerLang);
      if (parsed.namesPlan) return this.show(PLAN_IDENTITY, answerLang);
      if (parsed.provinceAlone) return this.show("tinh", answerLang);
      return this.compose.none(answerLang);
    }
    let candidates = this.index.candidates(parsed);
    // "… cho người dân (không phải cán bộ)", "người dân chứ không phải cán bộ": what the writer says is
    // not asked ("không phải X") is no topic, and a passage about it is no answer.
    const negated = parsed.units.filter(
      (u) =>
        u.position !== undefined &&
        !isNumberUnit(u) &&
        NOT_THIS.some((p) => u.position! >= p.length && phraseAt(parsed.tokens, p, u.position! - p.length)),
    );
    if (negated.length) {
      const excluded = { ...parsed, units: negated };
      parsed = { ...parsed, units: parsed.units.filter((u) => !negated.includes(u)) };
      candidates = this.index
        .candidates(parsed)
        .filter((c) => !this.index.unitCoverage(excluded, c.entry).some((x) => x >= 1));
      if (!candidates[0] || candidates[0].coverage < CONFIDENT) return this.compose.none(answerLang);
    }
    // "Mốc để đánh giá các chỉ tiêu là năm nào": asked when, about nothing the time frame's passages
    // do not speak of but words the plan never uses; the plan's time frame answers.
    if (kind.when && levels.length === 0 && !kind.figure) {
      const frame = candidates.filter((c) => c.entry.group === "thoi-han");
      const told = (u: Unit, i: number) =>
        frame.some((c) => c.units[i]! >= 1) || (u.kind === "words" && u.novel);
      if (frame.length && parsed.units.every(told)) return this.group("thoi-han", answerLang);
    }
    // Where, by whom, under what name or with which software a target is met: the targets say
    // none of it (the plan's general part may, when it speaks of all that is asked: "đăng trên trang nào").
    if (
      kind.attribute &&
      candidates[0] &&
      (candidates[0].entry.level !== "ke-hoach" || candidates[0].coverage < CONFIDENT)
    )
      return this.compose.none(answerLang);
    const condition = this.condition(parsed, candidates) ?? this.ifThen(parsed);
    if (condition) return this.compose.entry(condition, answerLang);
    // "Phong trào này nhằm mục đích gì, nói sao cho dễ hiểu": the aims of the movement itself, whatever
    // else the writer says around them, unless the question fits a passage outside the aims.
    if (kind.purpose && levels.length === 0 && parsed.namesPlan) {
      // The movement's name, number and time frame share every word of its name with the question
      // ("mục đích phát động phong trào thi đua"): what it is called is never what it is for.
      // A lone word right beside the word for aim ("main purpose", "mục đích chính") says which aim,
      // not what about: it is no topic to look for.
      // A word of the plan it makes with its neighbour ("định hướng tới") is no such modifier.
      const { tokens } = parsed;
      const pair = (i: number) => this.lexicon.knownPairs.has(`${tokens[i]}_${tokens[i + 1]}`);
      const purposeAt = tokens.flatMap((_, i) =>
        this.lexicon.kinds.purpose.flatMap((p) =>
          phraseAt(tokens, p, i) ? [{ from: i, to: i + p.length }] : [],
        ),
      );
      const modifies = (u: Unit) =>
        u.kind === "words" &&
        u.tokens.length === 1 &&
        purposeAt.some(
          ({ from, to }) =>
            (u.position === from - 1 && !pair(from - 1)) || (u.position === to && !pair(to - 1)),
        );
      const asked = parsed.units.some(modifies)
        ? this.index.candidates({ ...parsed, units: parsed.units.filter((u) => !modifies(u)) })
        : candidates;
      const best = asked.find((c) => c.entry.id !== PLAN_IDENTITY && c.entry.group !== "thoi-han");
      if (!best || best.coverage < CONFIDENT || best.entry.group === "muc-dich")
        return this.group("muc-dich", answerLang);
    }
    // "Người dân như thế nào thì được coi là điển hình", "người dân bình thường thì tiêu chí thi đua là
    // gì": a kind of individual the plan sets a criterion for (its passage opens with that kind),
    // asking what makes one of them honoured, is asking for that criterion.
    const honour = this.lexicon.kinds.honour.some((p) => containsPhrase(parsed.tokens, p));
    // A place named only as where someone is from ("quê Chiêm Hóa") asks no level.
    if (honour && levels.every((l) => parsed.locatedOnly.includes(l))) {
      // "Em là nông dân …, bán hàng online thì có được biểu dương không": the kind may be the one the
      // writer introduced themselves as.
      // Only a yes/no question asks whether the writer is eligible ("… có được biểu dương không").
      const eligible = this.lexicon.kinds.yesNo.some((p) => containsPhrase(parsed.tokens, p));
      const introduced =
        eligible && unwrapped.introductions.length ? this.parse(unwrapped.introductions.join(" ")).units : [];
      const kindOf = (units: Unit[]) =>
        this.entries.filter(
          (e) => e.level === "ca-nhan" && units.some((u) => opensWith(e.quote, unitTokens(u))),
        );
      const own = kindOf(parsed.units);
      if (own.length === 1) return this.compose.entry(own[0]!, answerLang);
      // The writer's kind may also be named in other words ("Việt kiều"): the one criterion that
      // speaks of a synonym of the introduction, when exactly one does.
      const speaksOf = (units: Unit[]) => {
        if (!units.length) return [];
        const intro = { ...parsed, units, levels: [] };
        return this.entries.filter(
          (e) =>
            e.level === "ca-nhan" &&
            this.index.unitCoverage(intro, e).some((c, i) => c >= 1 && units[i]!.kind === "synonym"),
        );
      };
      const byName = own.length === 0 ? kindOf(introduced) : [];
      const theirs = byName.length ? byName : own.length === 0 ? speaksOf(introduced) : [];
      if (theirs.length === 1) return this.compose.entry(theirs[0]!, answerLang);
    }
    // Nothing asked but being honoured: "which individuals can be recognised", "doanh nghiệp nào được
    // biểu dương" is the criteria of that group; "who can be honoured", the collectives and individuals
    // the movement honours, then the kinds of individual it names.
    const honourWords = new Set(this.lexicon.kinds.honour.flat());
    if (
      honour &&
      parsed.units.every((u) => u.kind === "words" && u.tokens.every((t) => honourWords.has(t)))
    ) {
      if (levels.length === 1 && (levels[0] === "ca-nhan" || levels[0] === "doanh-nghiep"))
        return this.show(levels[0], answerLang);
      if (levels.length === 0 && kind.who) {
        const honoured = this.byId.get(HONOURED);
        if (honoured)
          return this.compose.many(
            [honoured, ...this.entries.filter((e) => e.level === "ca-nhan")],
            answerLang,
            this.say(answerLang, "group_title"),
          );
      }
    }
    // "Sở nào là đầu mối tiếp nhận khó khăn, vướng mắc": the body's role ("đầu mối", "tiếp nhận") is
    // how the question asks who; what is asked about is the rest, and a passage of the plan's general
    // part that speaks of all of it names the body.
    if (kind.who && levels.length === 0 && candidates[0]?.entry.level === "ke-hoach") {
      const roleWords = new Set(this.lexicon.kinds.role.flat());
      const asked = parsed.units.flatMap((u, i) =>
        u.kind === "words" && u.tokens.every((t) => roleWords.has(t)) ? [] : [i],
      );
      const covers = (c: Candidate) => asked.every((i) => c.units[i]! >= 1);
      if (
        asked.length &&
        asked.length < parsed.units.length &&
        candidates.filter(covers).length === 1 &&
        covers(candidates[0]!)
      )
        return this.compose.entry(candidates[0]!.entry, answerLang);
    }
    // "Cụm 'cơ quan, tổ chức, đơn vị' gồm những ai": asked who, about nothing any passage speaks of
    // but the plan's general words for bodies. The passages naming the participants answer it; a word
    // the plan never uses ("hội đồng") is another question.
    if (
      kind.who &&
      levels.length === 0 &&
      !parsed.units.some((u) => u.kind === "words" && u.novel) &&
      candidates.every((c) => c.units.every((u) => u === 0))
    ) {
      const member = this.membership(parsed, answerLang);
      if (member) return member;
    }
    // "Yêu cầu của phong trào là gì": the plan's section of requirements, every passage of it, unless
    // the question fits another passage ("yêu cầu về dịch vụ công" is a target).
    if (kind.requirements && levels.length === 0) {
      const inSection = (c: Candidate) => c.entry.group === "yeu-cau" && c.entry.level === "ke-hoach";
      // A thing asked that only passages outside the section speak of ("dịch vụ công trực tuyến").
      // The verb that governs "yêu cầu" ("đáp ứng / bảo đảm yêu cầu gì") is the question's wording.
      // "đáp ứng (những / các / được) yêu cầu": a plural or "được" may stand between them.
      const governing = (v: string[]) =>
        parsed.tokens.some((_, i) => {
          if (!phraseAt(parsed.tokens, v, i)) return false;
          let j = i + v.length;
          while (j < i + v.length + 2 && BETWEEN_VERB_AND_OBJECT.has(parsed.tokens[j] ?? "")) j++;
          return phraseAt(parsed.tokens, ["yeu", "cau"], j);
        });
      const governs = (u: Unit) =>
        REQUIREMENT_VERBS.some(
          (v) => (u.kind === "words" ? u.tokens : u.means).join(" ") === v.join(" ") && governing(v),
        ) ||
        (u.kind === "synonym" &&
          REQUIREMENT_VERBS.some((v) => u.original.join(" ") === v.join(" ") && governing(v)));
      // "yêu cầu chung", "yêu cầu chính": one word right after "yêu cầu" says which requirements.
      const qualifies = (u: Unit) =>
        u.kind === "words" &&
        u.tokens.length === 1 &&
        u.position >= 2 &&
        phraseAt(parsed.tokens, ["yeu", "cau"], u.position - 2);
      const elsewhere = parsed.units.some(
        (u, i) =>
          !governs(u) &&
          !qualifies(u) &&
          candidates.some((c) => !inSection(c) && c.units[i]! >= 1) &&
          !candidates.some((c) => inSection(c) && c.units[i]! >= 1),
      );
      if (!elsewhere) return this.group("yeu-cau", answerLang);
    }
    // "DN công nghệ thông tin thì kế hoạch yêu cầu gì": what the plan requires of a kind of participant
    // (businesses, individuals) is that kind's criteria, unless the question fits one of them.
    if (
      kind.requirements &&
      levels.length === 1 &&
      !ADMINISTRATIVE.has(levels[0]!) &&
      levels[0] !== "ke-hoach" &&
      !candidates.some((c) => c.entry.level === levels[0] && c.coverage >= CONFIDENT)
    )
      return this.show(levels[0]!, answerLang);
    if (kind.compare || levels.length > 1) {
      const compared = this.compareLevels(candidates, parsed, answerLang);
      if (compared) return compared;
    }
    if (kind.list && !kind.topicOnly && levels.length === 1) {
      const whole = this.wholeLevel(candidates, parsed, levels[0]!, answerLang);
      if (whole) return whole;
    }
    const joined = parsed.units.length >= 2 && this.joins(parsed.tokens);
    if (kind.list || joined) {
      const listed = this.listTopic(
        candidates,
        parsed,
        answerLang,
        kind.list,
        joined || /[,;]/.test(unwrapped.question),
        kind.topicOnly,
      );
      if (listed) return this.withFigure(listed, parsed, answerLang);
    }
    const first = this.answerFrom(candidates, parsed, answerLang, levelHint, kind);
    const answer = first.answered
      ? first
      : (this.twoTargets(candidates, parsed, answerLang, unwrapped.question) ??
        this.byInformation(candidates, parsed, answerLang, levelHint, kind) ??
        this.fromPassages(parsed, answerLang, kind) ??
        first);
    if (!answer.answered) return answer;
    const found = answer.choices?.length
      ? answer.choices.map((c) => this.byId.get(c.id)!).filter(Boolean)
      : [this.entryOf(answer, candidates)].filter((e): e is KnowledgeEntry => e !== undefined);

    if (found.length === 0 || !found.some((e) => e.group))
      return this.withFigure(answer, parsed, answerLang, found);
    // The nearest entry of another level, introduced as such: it stays alone, with its introduction.
    if (levels.length && found.every((e) => !levels.includes(e.level)))
      return this.withFigure(answer, parsed, answerLang, found);
    // A topic the plan covers with several targets or passages ("kỹ năng số": basic and analysis
    // skills; "mục đích": four passages): asked about as a whole, all of them; otherwise those the
    // question fits as well as the one found.
    const coverage = (e: KnowledgeEntry) => candidates.find((c) => c.entry === e)?.coverage ?? 0;
    const whole =
      kind.list ||
      kind.purpose ||
      kind.who ||
      kind.requirements ||
      (kind.when && found.some((f) => f.group === "thoi-han"));
    const siblings = this.entries.filter(
      (e) =>
        !found.includes(e) &&
        found.some((f) => f.group && f.group === e.group && f.level === e.level) &&
        (whole || coverage(e) >= CONFIDENT || namesGroup(parsed, e.group)),
    );
    if (siblings.length === 0) return this.withFigure(answer, parsed, answerLang, found);
    const all = [...found, ...siblings];
    if (new Set(all.map((e) => e.level)).size > 1) {
      const topics = [...new Set(all.map((e) => e.topicKey))].map((t) =>
        all.filter((e) => e.topicKey === t).sort((a, b) => this.order(a) - this.order(b)),
      );
      return this.withFigure(this.compose.compare(topics, [], answerLang), parsed, answerLang, all);
    }
    return this.withFigure(
      this.compose.many(all, answerLang, this.say(answerLang, "group_title")),
      parsed,
      answerLang,
      all,
    );
  }

  /**
   * "Mình mở HTX nuôi cá ở Na Hang": a business or a person named with the place where it is. The
   * place says where, not which level's criteria are asked: the administrative level named only as
   * a location is dropped when a business or personal level is named.
   */
  private located(parsed: ParsedQuestion): ParsedQuestion {
    if (!parsed.levels.some((l) => !ADMINISTRATIVE.has(l) && this.levelById.has(l))) return parsed;
    const levels = parsed.levels.filter((l) => !(ADMINISTRATIVE.has(l) && parsed.locatedOnly.includes(l)));
    return levels.length === parsed.levels.length ? parsed : { ...parsed, levels };
  }

  /**
   * Whether the question joins two things ("và", "với", "cùng", "and"). A joining word that makes a
   * word of the plan with the next syllable is that word: the "cung" of "cung cấp" is not "cùng".
   */
  private joins(tokens: string[]): boolean {
    return tokens.some(
      (t, i) => JOINS.some((j) => j[0] === t) && !this.lexicon.wordPairs.has(`${t}_${tokens[i + 1]}`),
    );
  }

  /** Whether a passage outside these groups speaks of everything the question asks. */
  /**
   * "Thành tích thế nào thì mới được khen": what X must be for something to follow is a condition on
   * X, and the plan states conditions with a modal right after the thing ("thành tích khen thưởng
   * phải thực sự xuất sắc"). Among the passages that speak of the whole question as well as the best
   * one, the one stating X's condition answers it, when the best does not.
   */
  private condition(parsed: ParsedQuestion, candidates: Candidate[]): KnowledgeEntry | undefined {
    const { tokens } = parsed;
    const how = tokens.findIndex((_, i) => HOW.some((p) => phraseAt(tokens, p, i)));
    if (how < 1) return undefined;
    // "… thế nào thì mới được", or with "thì" left out: "… thế nào mới được khen".
    const then = tokens.indexOf("thi", how);
    const after = HOW.find((p) => phraseAt(tokens, p, how))!.length + how;
    const next = then >= 0 ? tokens[then + 1] : tokens[after];
    if (!["duoc", "moi"].includes(next ?? "")) return undefined;
    const start = tokens[how - 1] === "nhu" ? how - 1 : how;
    const x = parsed.units.find(
      (u): u is Extract<Unit, { kind: "words" }> =>
        u.kind === "words" && u.position + u.tokens.length === start,
    );
    const best = candidates[0];
    if (!x || !best || best.coverage < CONFIDENT) return undefined;
    // The modal as written: folded, "cần" would also be the "căn" of "căn bản" and the "cán" of "cán bộ".
    const states = (e: KnowledgeEntry) => {
      const { exact, folded } = this.quoteWords(e);
      return folded.some(
        (_, i) =>
          phraseAt(folded, x.tokens, i) &&
          exact.slice(i + x.tokens.length, i + x.tokens.length + 3).some((w) => CONDITION_MODALS.has(w)),
      );
    };
    if (states(best.entry)) return undefined;
    return candidates.find((c) => c.coverage >= best.coverage && states(c.entry))?.entry;
  }

  /**
   * "Có khó khăn trong quá trình thực hiện thì xử lý thế nào": what to do if X is answered by the
   * passage that itself says "nếu có X" (the plan's "nếu có khó khăn, vướng mắc, … báo cáo …"), when
   * exactly one passage does. X is the first thing named after "có" and before "thì".
   */
  private ifThen(parsed: ParsedQuestion): KnowledgeEntry | undefined {
    const { tokens } = parsed;
    const then = tokens.indexOf("thi");
    if (then < 2) return undefined;
    // "có X thì", "gặp X thì", "nếu X thì": X right after a word that opens the condition (the
    // synonym may hold the opener itself: "gặp khó"). The first such X that a passage states as its
    // own condition ("nếu có khó khăn, vướng mắc, …", within five words of "nếu") answers.
    const openers = tokens.flatMap((t, i) => (i < then && IF_OPENERS.includes(t) ? [i] : []));
    for (const has of openers) {
      const x = parsed.units.find(
        (u) =>
          (u.position === has + 1 || (u.kind === "synonym" && u.position === has)) &&
          (u.kind === "synonym" || !u.novel) &&
          (u.position ?? then) < then,
      );
      if (!x) continue;
      const named = x.kind === "words" ? x.tokens : x.means.slice(0, 2);
      const saysIf = (e: KnowledgeEntry) => {
        const words = this.quoteWords(e).folded;
        return words.some(
          (w, i) =>
            (w === "neu" || w === "khi") && [1, 2, 3, 4, 5].some((k) => phraseAt(words, named, i + k)),
        );
      };
      const found = this.entries.filter(saysIf);
      if (found.length === 1) return found[0];
    }
    return undefined;
  }

  /**
   * "Phong trào phải triển khai thế nào", "… phải được triển khai theo cách nào": how X must be done
   * is answered by the one passage that says "X phải (được) <that verb>" (the plan's "Phong trào thi
   * đua phải được triển khai sâu rộng, …"), X within the four words before "phải".
   */
  private obligation(parsed: ParsedQuestion): KnowledgeEntry | undefined {
    const { tokens } = parsed;
    // "… thế nào", or how far it must reach: "… tới những cấp nào", "… xuống tới đâu".
    const how = tokens.findIndex((_, i) => [...HOW, ...HOW_FAR].some((p) => phraseAt(tokens, p, i)));
    if (how < 2) return undefined;
    // "Nội dung thi đua phải thế nào": nothing between the modal and the asking words; the one
    // passage that holds what comes before the modal, word for word, says how it must be.
    const modal = tokens.findIndex((t, i) => i < how && (t === "phai" || t === "can"));
    const asking = tokens[modal + 1] === "nhu" ? modal + 2 : modal + 1;
    if (modal >= 2 && asking === how) {
      // "Nội dung thi đua thì cần …": the words before the modal, without the "thì" that ends them.
      let end = modal;
      while (end > 0 && STOP_BEFORE_MUST.has(tokens[end - 1]!)) end--;
      const subject = tokens.slice(Math.max(0, end - 4), end);
      for (let from = 0; from + 2 <= subject.length; from++) {
        const phrase = subject.slice(from);
        const holding = this.entries.filter((e) => containsPhrase(this.quoteWords(e).folded, phrase));
        if (holding.length === 1) return holding[0];
        if (holding.length > 1) break;
      }
    }
    // "X phải (được) V thế nào"; the writer may leave the modal out ("X được V ra sao") or say the
    // verb alone ("X V thế nào", "X V đến các cấp thế nào"): the plan's own sentence says "X phải
    // (được) V" all the same.
    let must = tokens.indexOf("phai");
    if (must < 0 || must > how) must = tokens.indexOf("duoc");
    if (must > how) must = -1;
    const readings: { subject: string[]; verb: string[] }[] = [];
    const reading = (at: number, after: number) => ({
      verb: tokens.slice(after, after + 2),
      subject: tokens.slice(Math.max(0, at - 2), at).filter((t) => !STOP_BEFORE_MUST.has(t)),
    });
    if (must >= 1) readings.push(reading(must, tokens[must + 1] === "duoc" ? must + 2 : must + 1));
    else for (let at = 1; at <= how - 2; at++) readings.push(reading(at, at));
    for (const { subject, verb } of readings) {
      if (verb.length < 2 || !this.lexicon.knownPairs.has(`${verb[0]}_${verb[1]}`) || subject.length === 0)
        continue;
      const says = (e: KnowledgeEntry) => {
        const words = this.quoteWords(e).folded;
        return words.some((w, i) => {
          if (w !== "phai") return false;
          const v = words[i + 1] === "duoc" ? i + 2 : i + 1;
          return (
            phraseAt(words, verb, v) &&
            words
              .slice(Math.max(0, i - 4), i)
              .join(" ")
              .includes(subject.join(" "))
          );
        });
      };
      const found = this.entries.filter(says);
      if (found.length === 1) return found[0];
    }
    return undefined;
  }

  /**
   * The movement's aims and requirements asked about with businesses or people named: the passage of
   * those sections that speaks of everything else asked, or the aims as a whole when none stands out.
   * Words no passage of the plan uses are another question (undefined: asked as usual).
   */
  private aims(parsed: ParsedQuestion, lang: Lang): KnowledgeAnswer | undefined {
    const own = this.index
      .candidates(parsed)
      .filter(
        (c) => c.entry.level === "ke-hoach" && (c.entry.group === "muc-dich" || c.entry.group === "yeu-cau"),
      );
    const best = own[0];
    if (best && best.coverage >= 1 && (own[1]?.coverage ?? 0) < best.coverage)
      return this.compose.entry(best.entry, lang);
    if (parsed.units.some((u) => u.kind === "words" && u.novel)) return undefined;
    return this.group("muc-dich", lang);
  }

  private fitsElsewhere(parsed: ParsedQuestion, groups: string[]): boolean {
    if (parsed.units.length === 0) return false;
    const best = this.index.candidates(parsed)[0];
    return best !== undefined && best.coverage >= 1 && !groups.includes(best.entry.group ?? "");
  }

  private order(e: KnowledgeEntry): number {
    return this.levelById.get(e.level)!.order;
  }

  /**
   * "HTX có phải triển khai phong trào này không", "đảng viên có tham gia … ko": the passages that
   * name who takes part, whoever is asked about (the plan names kinds of bodies and people, and the
   * asker checks their own kind among them), with the passage of the plan's general part the
   * question fits, if any ("huy động cả hệ thống chính trị"). The one asked about may be named in
   * words the plan never uses ("bộ đội biên phòng"): the asker finds their kind in the plan's list.
   */
  private membership(parsed: ParsedQuestion, lang: Lang): KnowledgeAnswer | undefined {
    const named = this.entries.filter((e) => e.participants);
    if (named.length === 0) return undefined;
    // The passage the question fits besides them: the named kind's own criteria ("Việt kiều": the
    // criteria for overseas Vietnamese), or an aim of the movement ("huy động cả hệ thống chính trị").
    const candidates = parsed.units.length ? this.index.candidates(parsed) : [];
    const best = candidates.find((c) => !named.includes(c.entry));
    // Or the one passage that names the kind asked about, whatever else the writer said about
    // themselves ("Việt kiều … muốn góp sức cho quê nhà": the criteria for overseas Vietnamese).
    const naming = parsed.units.flatMap((u, i) => {
      if (u.kind !== "synonym") return [];
      const covering = candidates.filter((c) => c.units[i]! >= 1);
      return covering.length === 1 && !named.includes(covering[0]!.entry) ? [covering[0]!.entry] : [];
    });
    const extra = best && best.coverage >= CONFIDENT ? [best.entry] : naming.slice(0, 1);
    // "HTX có phải tham gia không": a kind of participant asking whether it takes part wants what
    // the plan asks of it next, its own criteria (businesses, individuals).
    const kinds = parsed.levels.filter((l) => !ADMINISTRATIVE.has(l) && l !== "ke-hoach");
    const own = kinds.length === 1 ? this.entries.filter((e) => e.level === kinds[0]) : [];
    const all = [...new Set([...named, ...extra, ...own])];
    return this.compose.many(all, lang, this.participantTitle(own.length ? kinds[0] : undefined, lang));
  }

  /**
   * Whether the plan concerns a kind of participant is answered first by the plan's own section for
   * that kind, when it has one ("Đối với các doanh nghiệp, hợp tác xã"): the section's existence is
   * the plainest yes.
   */
  private participantTitle(level: string | undefined, lang: Lang): string {
    const lead = level ? this.levelById.get(level)?.lead?.[lang] : undefined;
    return lead ? this.say(lang, "participant_title", { lead }) : this.say(lang, "group_title");
  }

  /** The requirement passages that name a level's participants, then that level's criteria. */
  private participant(level: string, lang: Lang): KnowledgeAnswer {
    const aliases = this.levelById.get(level)!.aliases.vi.map((a) => ` ${normalizeVietnamese(a)} `);
    const naming = this.entries.filter(
      (e) => e.group === "yeu-cau" && aliases.some((a) => ` ${normalizeVietnamese(e.quote)} `.includes(a)),
    );
    const own = this.entries.filter((e) => e.level === level);
    return this.compose.many([...naming, ...own], lang, this.participantTitle(level, lang));
  }

  /** A level's list, unless the question asks for a share and the level has no figures ("bao nhiêu % doanh nghiệp…"). */
  private levelAnswer(level: string, parsed: ParsedQuestion, lang: Lang): KnowledgeAnswer {
    if (parsed.asksShare && !this.entries.some((e) => e.level === level && e.targets.length))
      return this.compose.none(lang);
    return this.show(level, lang);
  }

  /**
   * The coverage check on figures: a question asking for a share ("bao nhiêu %", "tỷ lệ") is only
   * answered by entries that state one; a passage without a figure is the nearest text, not an answer.
   */
  private withFigure(
    answer: KnowledgeAnswer,
    parsed: ParsedQuestion,
    lang: Lang,
    found?: KnowledgeEntry[],
  ): KnowledgeAnswer {
    if (!parsed.asksShare || !answer.answered) return answer;
    const entries =
      found ??
      (answer.choices ?? [])
        .map((c) => this.byId.get(c.id))
        .filter((e): e is KnowledgeEntry => e !== undefined);
    if (entries.length && entries.every((e) => e.targets.length === 0)) return this.compose.none(lang);
    return answer;
  }

  /**
   * "HTX cần đạt tiêu chí nào", "tóm tắt bộ chỉ tiêu cho huyện": a list asked of one level whose
   * other words no entry of that level speaks of is a question about the level as a whole, unless
   * those words name a target the plan sets at another administrative level (then the answer says
   * so, through the usual path).
   */
  private wholeLevel(
    candidates: Candidate[],
    parsed: ParsedQuestion,
    level: string,
    lang: Lang,
  ): KnowledgeAnswer | undefined {
    if (candidates.some((c) => c.entry.level === level && c.coverage >= CONFIDENT)) return undefined;
    // Mostly about things no passage of the plan speaks of ("báo cáo kết quả định kỳ 6 tháng, gửi
    // trước ngày nào"): the question is about those, not about the level's targets as a whole. (A
    // word or two around the level, "dành cho", "kỳ vọng", "nông nghiệp", is only its wording.)
    if (this.mostlyUnknown(parsed, candidates)) return undefined;
    const elsewhere = candidates.find((c) => c.coverage >= CONFIDENT);
    if (elsewhere && ADMINISTRATIVE.has(level) && ADMINISTRATIVE.has(elsewhere.entry.level)) return undefined;
    return this.show(level, lang);
  }

  /**
   * Whether most of what the question asks, counted in syllables (four at least), is words the plan
   * never uses: two syllables it never joins ("kết quả", "định kỳ"), or a syllable none of its
   * passages has. (A run of the plan's own words, "mở dữ liệu, kết nối", is known though no entry
   * has the run whole.)
   */
  private mostlyUnknown(parsed: ParsedQuestion, candidates: Candidate[]): boolean {
    let unknown = 0;
    let total = 0;
    parsed.units.forEach((u, i) => {
      total += unitLength(u);
      const known =
        u.kind === "words"
          ? !u.novel && u.tokens.every((t) => this.index.usesSyllable(t))
          : candidates.some((c) => c.units[i]! > 0);
      if (!known) unknown += unitLength(u);
    });
    return unknown >= 4 && unknown * 2 > total;
  }

  /** "Cấp xã có những chỉ tiêu 100% nào", "chỉ tiêu dưới 100%": the targets at that figure, of the levels asked or all. */
  private byFigure(
    figure: NonNullable<QuestionKind["figure"]>,
    parsed: ParsedQuestion,
    lang: Lang,
  ): KnowledgeAnswer {
    const levels = parsed.levels.length
      ? parsed.levels
      : this.levelList
          .filter((l) => this.entries.some((e) => e.level === l.id && e.targets.length))
          .map((l) => l.id);
    const atFigure = this.entries.filter(
      (e) =>
        levels.includes(e.level) &&
        (figure.compare === "exception"
          ? EXCEPTION.test(e.quote)
          : e.targets.some((t) => t.unit === "%" && passes(t, figure))),
    );
    const read = this.compose.figureFilter(figure, lang);
    if (atFigure.length === 0) {
      const names = levels.map((l) => this.compose.levelName(l, lang).toLowerCase()).join(", ");
      return {
        ...this.compose.none(lang),
        text: `${this.say(lang, "figure_none", { figure: read, levels: names })}\n${this.say(lang, "offer")}`,
      };
    }
    // Other words of the question may narrow the list ("chỉ tiêu 100% nào về dữ liệu"); when none of
    // the entries speaks of them, they were only the wording of the question.
    // "mức bao nhiêu" words the figure asked for, not a topic: the filter's own words never narrow.
    const wording = (u: Unit) =>
      isNumberUnit(u) ||
      (u.kind === "words" && this.lexicon.kinds.figureFilter.some((p) => p.join(" ") === u.tokens.join(" ")));
    const covering = atFigure.filter((e) =>
      this.index.unitCoverage(parsed, e).some((c, i) => c >= 1 && !wording(parsed.units[i]!)),
    );
    const narrowed = covering.length && parsed.units.some((u) => !wording(u)) ? covering : atFigure;
    return this.compose.many(narrowed, lang, this.say(lang, "figure_title", { figure: read }));
  }

  /**
   * "Chỉ tiêu nào áp dụng cho cả 3 cấp", "which targets do all levels share": the topics the plan
   * sets at every administrative level, each with every level's figure (the figures differ: 90, 80,
   * 60 % of work files). Other words of the question may narrow them ("… về kỹ năng số").
   */
  private everyLevel(parsed: ParsedQuestion, lang: Lang): KnowledgeAnswer {
    // "Huyện và xã cùng có …": the levels named, when two are (a bare "tỉnh" beside them is the
    // province's level); otherwise all three.
    const administrative = parsed.levels.filter((l) => ADMINISTRATIVE.has(l));
    const named = administrative.length ? withBareProvince(administrative, parsed) : [];
    const levels = [...ADMINISTRATIVE].filter((l) => named.length < 2 || named.includes(l));
    const keys = [...new Set(this.entries.map((e) => e.topicKey))].filter((k) =>
      levels.every((l) => this.entries.some((e) => e.level === l && e.topicKey === k)),
    );
    const topics = keys.map((k) =>
      this.entries
        .filter((e) => e.topicKey === k && levels.includes(e.level))
        .sort((a, b) => this.order(a) - this.order(b)),
    );
    // Other words of the question narrow the topics to those that speak of all of them ("… về kỹ
    // năng số"); words no such topic speaks of ("… đều được thưởng tiền", "road building") are what
    // is asked, and the plan says nothing of it.
    const asked = parsed.units.flatMap((u, i) => (isNumberUnit(u) ? [] : [i]));
    const covers = (group: KnowledgeEntry[], i: number) =>
      group.some((e) => levels.includes(e.level) && this.index.unitCoverage(parsed, e)[i]! >= 1);
    // Several things asked ("về người dân, hộ gia đình"): each must be one of these topics'.
    if (!asked.every((i) => topics.some((group) => covers(group, i)))) return this.compose.none(lang);
    const covering = asked.length ? topics.filter((group) => asked.some((i) => covers(group, i))) : topics;
    const names = levels.map((l) => this.compose.levelName(l, lang).toLowerCase()).join(", ");
    return this.compose.compare(covering, [], lang, this.say(lang, "every_level_title", { levels: names }));
  }

  /**
   * "Chỉ tiêu nào chỉ có ở cấp huyện", "chỉ tiêu nào có ở huyện và xã mà cấp tỉnh không có": the
   * topics the plan sets at every level asked and at none of the levels excluded (those named after
   * "mà … không", or, after "chỉ có ở", every other administrative level). The levels are read from
   * the words on each side, since the question names both kinds.
   */
  private onlyAt(parsed: ParsedQuestion, after: number | undefined, lang: Lang): KnowledgeAnswer | undefined {
    // A bare "tỉnh" beside the other levels ("nhưng tỉnh ko có") is the provincial level.
    const levelsIn = (tokens: string[]) => {
      const p = this.parse(tokens.join(" "));
      return withBareProvince(
        p.levels.filter((l) => ADMINISTRATIVE.has(l)),
        p,
      );
    };
    const t = parsed.tokens;
    // "mà"/"nhưng" (not the "những" that opens the question) before "không".
    const but = t.findIndex(
      (w, i) =>
        i > 0 && (w === "ma" || w === "nhung" || w === "but") && t.slice(i + 1).some((x) => NEGATIONS.has(x)),
    );
    let present: string[];
    let absent: string[];
    if (but > 0) {
      present = levelsIn(t.slice(after ?? 0, but));
      absent = levelsIn(t.slice(but));
    } else if (after !== undefined) {
      present = levelsIn(t.slice(after)).slice(0, 1);
      absent = [...ADMINISTRATIVE].filter((l) => !present.includes(l));
    } else return undefined;
    if (present.length === 0 || absent.length === 0 || present.some((l) => absent.includes(l)))
      return undefined;
    const topicsAt = (level: string) =>
      new Set(this.entries.filter((e) => e.level === level).map((e) => e.topicKey));
    const excluded = new Set(absent.flatMap((l) => [...topicsAt(l)]));
    const kept = [...topicsAt(present[0]!)].filter(
      (k) => !excluded.has(k) && present.every((l) => topicsAt(l).has(k)),
    );
    const own = this.entries
      .filter((e) => present.includes(e.level) && kept.includes(e.topicKey))
      .sort((a, b) => this.order(a) - this.order(b));
    if (own.length === 0) return undefined;
    const names = (ls: string[]) => ls.map((l) => this.compose.levelName(l, lang).toLowerCase()).join(", ");
    return this.compose.many(
      own,
      lang,
      this.say(lang, "only_title", { levels: names(present), absent: names(absent) }),
    );
  }

  /**
   * One topic across levels ("so sánh … giữa tỉnh, huyện, xã", "cấp nào có …"): every level's figure
   * for the best topics (two when the question fits two equally: basic and analysis skills).
   */
  private compareLevels(
    candidates: Candidate[],
    parsed: ParsedQuestion,
    lang: Lang,
  ): KnowledgeAnswer | undefined {
    const best = candidates[0];
    if (!best || best.coverage < CONFIDENT) return undefined;
    // The best topics, and a topic of the same group the question fits as well ("kỹ năng số": basic and analysis).
    // Among topics the question fits equally, the ranking tells the ones it is about ("digital skills": not every entry with "skills").
    const tied = distinctTopics(
      candidates.filter(
        (c) => c.coverage === best.coverage && c.entry.level !== "ke-hoach" && c.score >= best.score * 0.5,
      ),
    );
    const grouped = distinctTopics(
      candidates.filter(
        (c) =>
          (c.coverage >= CONFIDENT || namesGroup(parsed, c.entry.group)) &&
          c.entry.group &&
          tied.some((t) => t.entry.group === c.entry.group),
      ),
    );
    const topics = distinctTopics([...tied, ...grouped]);
    if (topics.length === 0 || topics.length > 3) return undefined;
    const order = (e: KnowledgeEntry) => this.levelById.get(e.level)!.order;
    const groups = topics.map((t) =>
      this.entries.filter((e) => e.topicKey === t.entry.topicKey).sort((a, b) => order(a) - order(b)),
    );
    if (groups.every((g) => g.length < 2) && parsed.levels.length < 2) return undefined;
    const covered = new Set(groups.flat().map((e) => e.level));
    const missing = parsed.levels.filter((l) => !covered.has(l) && l !== "ke-hoach");
    return this.compose.compare(groups, missing, lang);
  }

  /**
   * "Các chỉ tiêu về dữ liệu của cấp tỉnh", "LGSP với SSO được nhắc tới trong những chỉ tiêu nào":
   * every entry that speaks of the topic (within the level asked, when it has any), or, for several
   * topics joined, the entries that together cover each of them.
   */
  private listTopic(
    candidates: Candidate[],
    parsed: ParsedQuestion,
    lang: Lang,
    whole: boolean,
    joined: boolean,
    topicOnly = false,
  ): KnowledgeAnswer | undefined {
    const levels = parsed.levels;
    const inLevels = candidates.filter((c) => levels.includes(c.entry.level));
    const scope = levels.length && inLevels.some((c) => c.coverage >= CONFIDENT) ? inLevels : candidates;
    const top = scope[0]?.coverage ?? 0;
    // A list claims several answers at once, so each must account for most of the question.
    const confident = whole ? scope.filter((c) => c.coverage >= LIST_CONFIDENT && c.coverage === top) : [];
    let chosen = confident.map((c) => c.entry);
    // Every target of the topic, at the levels found: "các chỉ tiêu về dịch vụ công" is three.
    if (whole)
      chosen = [
        ...chosen,
        ...this.entries.filter(
          (e) =>
            !chosen.includes(e) && chosen.some((c) => c.group && c.group === e.group && c.level === e.level),
        ),
      ];
    // A list only of the targets about a topic never stitches one together from entries that each
    // speak of one word of it ("vệ sinh môi trường": "học sinh", "môi trường mạng").
    if (parsed.units.length >= 2 && (top < 1 || (whole && joined)) && (joined || !topicOnly)) {
      // Several topics joined ("dịch vụ công trực tuyến và thủ tục hành chính", "ký số, văn bản điện
      // tử"): every entry that covers one of them fully, if each is covered by a few entries only.
      const perUnit = parsed.units.map((_, i) => scope.filter((c) => c.units[i]! >= 1).map((c) => c.entry));
      if (perUnit.every((list) => list.length > 0 && list.length <= 6))
        chosen = [...new Set([...chosen, ...perUnit.flat()])];
    }
    if (chosen.length < 2 || chosen.length > 16) return undefined;
    const order = (e: KnowledgeEntry) => this.levelById.get(e.level)!.order;
    chosen.sort((a, b) => order(a) - order(b));
    return this.compose.many(chosen, lang, this.say(lang, "list_title"));
  }

  /** Every passage of a narrative group of the plan's general part ("mục đích", "yêu cầu"). */
  private group(group: string, lang: Lang): KnowledgeAnswer {
    return this.compose.many(
      this.entries.filter((e) => e.group === group && e.level === "ke-hoach"),
      lang,
      this.say(lang, "group_title"),
    );
  }

  /**
   * The second reading of a question no entry answers when each thing asked counts alike: "Nếu có
   * khó khăn, vướng mắc … thì xử lý thế nào" is about the difficulties, not about every target that
   * is "xử lý" on the network. Units then count by their length, so a phrase of the plan found
   * verbatim outweighs a short word around it. It only applies when every unit is something the plan
   * speaks of somewhere (a word it never uses is a question about something else, however short)
   * and the answer itself has one of the question's phrases of several syllables.
   */
  private byInformation(
    candidates: Candidate[],
    parsed: ParsedQuestion,
    lang: Lang,
    levelHint: string | undefined,
    kind: QuestionKind,
  ): KnowledgeAnswer | undefined {
    if (kind.duty || parsed.units.length < 2) return undefined;
    const weighted = this.index.reweighed(parsed, candidates, "syllables");
    const known = parsed.units.every((_, i) => weighted.some((c) => c.units[i]! >= 1));
    const best = weighted[0];
    if (!known || !best || best.coverage < CONFIDENT) return undefined;
    // Two syllables found ("Việt Nam", "Nội vụ") are a name shared by chance; three or more, in
    // phrases of the plan, are what the question is about.
    const phrase = parsed.units.some((u, i) => best.units[i]! >= 1 && unitLength(u) >= 2);
    const found = parsed.units.reduce((n, u, i) => n + (best.units[i]! >= 1 ? unitLength(u) : 0), 0);
    if (!phrase || found < 3) return undefined;
    const answer = this.answerFrom(weighted, parsed, lang, levelHint, kind);
    return answer.answered ? answer : undefined;
  }

  /**
   * "Chỉ tiêu gắn định danh số cho công chức và mức độ hài lòng của dân là bao nhiêu": two targets
   * asked in one sentence with one question word, so no part can be asked alone. Each entry covers
   * half of the question and neither is confident; two topics that together account for every unit
   * asked, each for a part the other does not, are the answer, both of them. A unit neither speaks
   * of leaves the question unanswered, as it would be asked alone.
   */
  private twoTargets(
    candidates: Candidate[],
    parsed: ParsedQuestion,
    lang: Lang,
    text: string,
  ): KnowledgeAnswer | undefined {
    const n = parsed.units.length;
    const joined = this.joins(parsed.tokens) || /[,;]/.test(text);
    if (n < 3 || !joined) return undefined;
    const administrative = parsed.levels.filter((l) => ADMINISTRATIVE.has(l));
    const pool = distinctTopics(
      candidates.filter(
        (c) => c.coverage > 0 && (administrative.length === 0 || administrative.includes(c.entry.level)),
      ),
    ).slice(0, 6);
    const full = (c: Candidate, i: number) => c.units[i]! >= 1;
    let pair: [Candidate, Candidate] | undefined;
    for (let a = 0; a < pool.length && !pair; a++)
      for (let b = a + 1; b < pool.length && !pair; b++) {
        const [x, y] = [pool[a]!, pool[b]!];
        const all = parsed.units.every((_, i) => full(x, i) || full(y, i));
        const ownX = parsed.units.some((_, i) => full(x, i) && !full(y, i));
        const ownY = parsed.units.some((_, i) => full(y, i) && !full(x, i));
        if (all && ownX && ownY) pair = [x, y];
      }
    if (!pair) return undefined;
    // A topic set at several levels with no level asked: which level's figure is meant is unknown.
    const entries = pair.map((c) =>
      administrative.length
        ? [this.atLevel(c.entry, administrative)]
        : this.entries.filter((e) => e.topicKey === c.entry.topicKey),
    );
    if (entries.some((es) => es.length !== 1)) return undefined;
    return this.compose.many(
      entries.map((es) => es[0]!),
      lang,
      this.say(lang, "list_title"),
    );
  }

  /**
   * A clause of the plan's own text that speaks of everything asked, quoted verbatim with its
   * source, when no curated entry answers. Strict: two things asked at least, every one of them
   * fully in the one clause, and the clause under the level asked, if any.
   */
  private fromPassages(parsed: ParsedQuestion, lang: Lang, kind: QuestionKind): KnowledgeAnswer | undefined {
    if (kind.duty || parsed.units.length < 2) return undefined;
    const best = this.passages.candidates(parsed)[0];
    if (!best || best.coverage < 1 || best.units.some((u) => u < 1)) return undefined;
    if (parsed.levels.length && !parsed.levels.includes(best.entry.level)) return undefined;
    return this.compose.passage(best.entry, lang);
  }

  /** The entry a single-entry answer quotes. */
  private entryOf(answer: KnowledgeAnswer, candidates: Candidate[]): KnowledgeEntry | undefined {
    return candidates
      .map((c) => c.entry)
      .find((e) => answer.text.includes(e.answer.vi) || answer.text.includes(e.answer.en));
  }

  private answerFrom(
    all: Candidate[],
    parsed: ParsedQuestion,
    lang: Lang,
    levelHint?: string,
    kind?: QuestionKind,
  ): KnowledgeAnswer {
    const levels = parsed.levels;
    const inLevel = levels.length ? all.filter((c) => levels.includes(c.entry.level)) : [];
    const inLevelBest = inLevel[0];
    const useLevel = inLevelBest !== undefined && inLevelBest.coverage >= CONFIDENT;
    const pool = useLevel ? inLevel : all;
    const best = pool[0];
    if (!best || best.coverage < CONFIDENT) {
      const plausible = distinctTopics(pool.filter((c) => c.coverage >= PLAUSIBLE && c.score > 0)).slice(
        0,
        3,
      );
      // Choices follow the level asked: "cấp xã …" is offered the commune's entries, not the province's.
      if (plausible.length >= 2)
        return this.compose.ambiguous(
          plausible.map((c) => this.atLevel(c.entry, levels)),
          lang,
        );
      return this.compose.none(lang);
    }
    // "Tổ công nghệ số cộng đồng có nhiệm vụ gì": a duty belongs to the body that bears it. A passage
    // that does not speak of everything asked speaks of another body's duty, or of none.
    if (kind?.duty && best.coverage < 1) return this.compose.none(lang);
    // A partial match made only of lone syllables, one of them doubtful ("đăng" read as "đảng", beside
    // "trang" of "vũ trang"), is words shared by chance: a word of the plan found whole is needed.
    const whole = parsed.units.some(
      (u, i) =>
        best.units[i]! >= 1 && (u.kind === "synonym" || u.tokens.length > 1 || /\d/.test(u.tokens[0]!)),
    );
    const doubtful = best.units.some((c) => c > 0 && c < 1);
    if (best.coverage < 1 && !whole && doubtful) return this.compose.none(lang);

    const equal = pool.filter((c) => c.coverage === best.coverage);
    // "tiêu chí khen thưởng cá nhân": what was asked fits every entry of the level alike, so the
    // question is about the level as a whole.
    if (useLevel && levels.length === 1) {
      const ofLevel = this.entries.filter((e) => e.level === levels[0]);
      if (ofLevel.length > 1 && ofLevel.every((e) => equal.some((c) => c.entry === e)))
        return this.show(levels[0]!, lang);
    }
    const sameTopic = equal.filter((c) => c.entry.topicKey === best.entry.topicKey);
    const rivals = distinctTopics(equal).filter((c) => c.score >= best.score * AMBIGUITY_MARGIN);
    // Rivals that are passages of one group ("căn cứ": Nghị quyết 48 and Kế hoạch 55) are one answer, not a choice.
    const group = rivals[0]?.entry.group;
    if (
      rivals.length > 1 &&
      group &&
      rivals.every((c) => c.entry.group === group && c.entry.level === rivals[0]!.entry.level)
    ) {
      return this.compose.many(
        this.entries.filter((e) => e.group === group && e.level === rivals[0]!.entry.level),
        lang,
        this.say(lang, "group_title"),
      );
    }
    if (rivals.length > 1 && !useLevel)
      return this.compose.ambiguous(
        rivals
          .slice(0, 3)
          .map((c) => (levels.length ? this.atLevel(c.entry, levels) : this.firstLevelOf(c.entry, equal))),
        lang,
      );

    // The nearest target of another level is worth showing only when it is exactly what was asked;
    // otherwise it is a near miss ("kết quả … số hóa ở cấp xã"), and a near miss is declined.
    // (Only for the administrative levels: "doanh nghiệp", "người dân" are also words inside targets.)
    const administrative = levels.filter((l) => ADMINISTRATIVE.has(l));
    if (
      administrative.length &&
      !useLevel &&
      ADMINISTRATIVE.has(best.entry.level) &&
      best.coverage < 1 &&
      !levels.includes(best.entry.level)
    )
      return this.compose.none(lang);
    // A group of participants asked about ("doanh nghiệp …") whose nearest entry belongs to another
    // group ("người dân"): the asked group's own criteria are the answer, not the other's.
    if (
      levels.length === 1 &&
      !useLevel &&
      !ADMINISTRATIVE.has(levels[0]!) &&
      best.entry.level !== "ke-hoach" &&
      !ADMINISTRATIVE.has(best.entry.level) &&
      best.entry.level !== levels[0]
    ) {
      return this.show(levels[0]!, lang);
    }
    // A level named that the plan sets no such target for ("cấp xã … dịch vụ công mức độ 4", set for
    // the province only): the nearest target is another level's, and giving its figure as the answer
    // to "how much at this level" would be a wrong confident answer. It is declined, the nearest
    // target offered as a choice, and the question may be forwarded to an official.
    // (Only an administrative level asked: "người dân", "doanh nghiệp" are also words inside the
    // targets of every level, "người dân, doanh nghiệp hài lòng".)
    const mismatch =
      levels.length && !useLevel && best.entry.level !== "ke-hoach"
        ? this.say(lang, "level_mismatch", {
            asked: levels.map((l) => this.compose.levelName(l, lang).toLowerCase()).join(", "),
          })
        : undefined;
    // The nearest content of another level, for a question naming things in words the plan never
    // uses ("trạm y tế xã … bệnh án điện tử"): not near enough to offer as an answer. (One such word
    // may be the writer's own for a plan topic: "khảo sát mức hài lòng".)
    const unknownThings = parsed.units.filter((u, i) => u.kind === "words" && u.novel && !best.units[i]);
    if (mismatch && best.coverage < 1 && unknownThings.length >= 2) return this.compose.none(lang);
    // Asked for the figure ("cấp xã phải đạt bao nhiêu %"): the plan has none for that level. A
    // yes/no question ("cấp xã có cần SSO không") or a few keywords are answered by saying so.
    const asksValue =
      parsed.asksShare || this.lexicon.countWords.some((p) => containsPhrase(parsed.tokens, p));
    // "Chỉ tiêu doanh nghiệp có mã QR … bao nhiêu %": a share asked of businesses or individuals,
    // nearest a target whose words never name them, is another group's figure: not an answer.
    const groupAsked = levels.filter((l) => !ADMINISTRATIVE.has(l) && l !== "ke-hoach");
    if (mismatch && asksValue && groupAsked.length && !groupAsked.some((l) => this.namesLevel(best.entry, l)))
      return this.compose.nearMiss(mismatch, [best.entry], lang);
    if (mismatch && asksValue && administrative.length && ADMINISTRATIVE.has(best.entry.level)) {
      const nearest = sameTopic.length > 1 ? sameTopic.map((c) => c.entry) : [best.entry];
      return this.compose.nearMiss(mismatch, nearest, lang);
    }
    if (sameTopic.length > 1) {
      const hinted = levelHint && sameTopic.find((c) => c.entry.level === levelHint);
      if (hinted) return this.compose.entry(hinted.entry, lang);
      if (parsed.provinceHint) {
        const provincial = sameTopic.find((c) => c.entry.level === "tinh");
        if (provincial) return this.compose.entry(provincial.entry, lang);
      }
      const ordered = sameTopic
        .map((c) => c.entry)
        .sort((a, b) => this.levelById.get(a.level)!.order - this.levelById.get(b.level)!.order);
      return this.compose.acrossLevels(ordered, lang, mismatch);
    }
    return this.compose.entry(best.entry, lang, mismatch);
  }

  /** Whether an entry's quote names a level's group in one of its names ("doanh nghiệp", "người dân"). */
  private namesLevel(entry: KnowledgeEntry, level: string): boolean {
    const quote = ` ${normalizeVietnamese(entry.quote)} `;
    return (this.levelById.get(level)?.aliases.vi ?? []).some((a) =>
      quote.includes(` ${normalizeVietnamese(a)} `),
    );
  }

  /** The same topic's entry at a level the question names, when the plan sets it there. */
  private atLevel(entry: KnowledgeEntry, levels: string[]): KnowledgeEntry {
    if (levels.includes(entry.level)) return entry;
    return this.entries.find((e) => e.topicKey === entry.topicKey && levels.includes(e.level)) ?? entry;
  }

  /** Of a topic set at several levels, the entry of the highest level among the candidates: the choice to offer. */
  private firstLevelOf(entry: KnowledgeEntry, candidates: Candidate[]): KnowledgeEntry {
    const order = (e: KnowledgeEntry) => this.levelById.get(e.level)!.order;
    return candidates
      .map((c) => c.entry)
      .filter((e) => e.topicKey === entry.topicKey)
      .reduce((a, b) => (order(b) < order(a) ? b : a), entry);
  }
}

/** How the plan states an exception to a target: "(trừ văn bản mật theo quy định)". */
const EXCEPTION = /\(trừ\s/u;

/** The passage naming whom the movement honours: "các tập thể, cá nhân có thành tích xuất sắc, tiêu biểu". */
const HONOURED = "ke-hoach.bieu-duong-khen-thuong";

/** Words before "phải" that name no subject ("cần phải", "có phải"). */
const STOP_BEFORE_MUST = new Set(["can", "co", "thi", "la", "se", "dang", "nay"]);

/** Words that open a condition: "có X thì", "gặp X thì", "nếu X thì", "khi X thì". */
const IF_OPENERS = ["co", "gap", "neu", "khi"];

/** "thế nào", "ra sao", "cỡ nào", "mức nào", "cách nào": how X must be, or be done. */
const HOW = [["the", "nao"], ["ra", "sao"], ["co", "nao"], ["muc", "nao"], ["cach", "nao"], ["ntn"]];
/** The modals a condition is stated with: "phải", "cần". */
const CONDITION_MODALS = new Set(["phải", "cần"]);

/** More topics than this in one question is a list of keywords, not topics asked one by one. */
const MAX_TOPICS = 4;

/** Words that join topics: "văn bản điện tử và chữ ký số", "LGSP với SSO", "SSO or LGSP". */
const JOINERS = new Set(["va", "and", "hoac", "or", "voi"]);
/** "so với", "đối với", "cùng với": "với" that does not join two topics. */
const NOT_JOINING_VOI = new Set(["so", "doi", "cung", "nhu"]);

/**
 * The question's units grouped by the commas and joining words between them, as sets of unit
 * indices; groups without a unit (a level, the way of asking) are left out. Empty when the question's
 * words cannot be lined up with its tokens.
 */
function topicSegments(text: string, parsed: ParsedQuestion): Set<number>[] {
  const { tokens } = parsed;
  if (normalizeVietnamese(text).split(" ").filter(Boolean).length !== tokens.length) return [];
  const cuts = new Set<number>();
  for (const m of text.matchAll(/[,;]/g))
    cuts.add(normalizeVietnamese(text.slice(0, m.index)).split(" ").filter(Boolean).length);
  tokens.forEach((t, i) => {
    if (JOINERS.has(t) && !(t === "voi" && NOT_JOINING_VOI.has(tokens[i - 1] ?? ""))) cuts.add(i);
    // "điện thoại hay thiết bị di động": "hay" (or) between two words asked about; not "hay không"
    // nor the "hay" (good) of "cách làm hay", which the plan's word holds.
    if (
      t === "hay" &&
      parsed.roles[i] === "stop" &&
      parsed.roles[i - 1] === "content" &&
      parsed.roles[i + 1] === "content" &&
      !NEGATIONS.has(tokens[i + 1] ?? "")
    )
      cuts.add(i);
  });
  const bounds = [...cuts].sort((a, b) => a - b);
  const segmentOf = (position: number) => bounds.filter((b) => b <= position).length;
  const groups = new Map<number, Set<number>>();
  for (const [i, u] of parsed.units.entries()) {
    if (u.position === undefined) return [];
    const g = segmentOf(u.position);
    if (!groups.has(g)) groups.set(g, new Set());
    groups.get(g)!.add(i);
  }
  return [...groups.values()];
}

/** "làm gì", "làm những gì": asked what someone is to do. */
const DOES = [
  ["lam", "gi"],
  ["lam", "j"],
  ["lam", "nhung", "gi"],
  ["lam", "nhung", "viec"],
];

/** The province's administrative levels, whose targets are set level by level. */
const ADMINISTRATIVE = new Set(["tinh", "huyen", "xa"]);

/**
 * Whether the plan's passages found nothing for a question ("none", or a "did you mean" list): only
 * then is a second reading tried. Answers and the bot's service replies stand as they are.
 */
function declined(answer: KnowledgeAnswer): boolean {
  return !answer.answered && (answer.kind === "none" || answer.kind === "ambiguous");
}

/** Words after which the writer names what they do not know: the question itself. */
const UNKNOWING =
  /(?:^|[\s,.;:!?])(?:không rõ|chưa rõ|không biết|chưa biết|chưa hiểu|không hiểu|thắc mắc|khong ro|chua ro|khong biet|chua biet|chua hieu|khong hieu|thac mac|not sure|wondering|don't know|do not know)\s+(.+)$/iu;
/** Words saying the writer does not understand ("… mà ko hiểu"), ending a clause that asks nothing. */
const NOT_UNDERSTOOD =
  /(không|ko|k|chưa|chẳng|khong|chua) (hiểu|rõ|biết|hieu|ro|biet)|not sure|don't understand|do not understand/iu;

/** The part of a question after the last words saying the writer does not know it, if any. */
function focusOf(question: string): string | undefined {
  let rest = question;
  let focus: string | undefined;
  for (let m = UNKNOWING.exec(rest); m; m = UNKNOWING.exec(rest)) {
    focus = m[1]!;
    rest = focus;
  }
  return focus && focus.split(/\s+/).length >= 2 ? focus : undefined;
}

/**
 * The levels with the provincial one added when the question says a bare "tỉnh" (a hint, or "tỉnh"
 * alone): set beside or against other levels ("xã thấp hơn tỉnh", "nhưng tỉnh ko có"), it is the
 * provincial level rather than the province in passing.
 */
function withBareProvince(levels: string[], parsed: ParsedQuestion): string[] {
  return (parsed.provinceHint || parsed.provinceAlone) && !levels.includes("tinh")
    ? [...levels, "tinh"]
    : levels;
}

/** "hơn", "than": one level's figure set against another's. */
const COMPARATIVE = [["hon"], ["than"]];

/** Words that deny what follows ("huyện và xã có nhưng tỉnh ko có"). */
const NEGATIONS = new Set(["khong", "ko", "k", "khg", "hong", "hok", "chua", "not", "no", "dont", "doesnt"]);

/** "và", "với", "and": two topics joined, each perhaps answered by its own entry (see joins()). */
const JOINS = [["va"], ["voi"], ["and"], ["cung"]];

/** Words that ask: a part of a sentence with one of them is a question of its own. */
const ASKS =
  /(^|\s)(bao nhieu|bao nhiu|bn|may|gi|nao|ra sao|the nao|ntn|ai|dau|bao gio|how many|how much|what|which|who|when|where)(\s|$)/u;

/**
 * Two questions joined in one sentence, each with its own question word ("X bao nhiêu và Y bao
 * nhiêu", "what is X and what is Y"); otherwise the sentence alone.
 */
function splitQuestions(text: string): string[] {
  // "KH này đến năm nào, ai ban hành, vướng thì gửi đâu?": each clause that asks is a question of
  // its own; a clause that asks nothing ("Tỉnh thì hồ sơ xử lý trên mạng,") belongs to the next one.
  const pieces = text
    .split(/\s*[?;]\s*|\s+(?:và|va|and)\s+|,\s*(?:(?:và|va|còn|con|and)\s+)?/iu)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const asks = (p: string) => ASKS.test(normalizeVietnamese(p).replace(/[?.!,;:]/g, " "));
  // "Kỹ năng số của CBCCVC cấp tỉnh: mức cơ bản bao nhiêu, mức phân tích bao nhiêu": what stands
  // before the colon is what every question after it is about.
  const colon = text.indexOf(":");
  const heading = colon > 0 ? text.slice(0, colon) : "";
  if (heading && !asks(heading)) {
    const rest = splitQuestions(text.slice(colon + 1));
    if (rest.length < 2) return [text];
    // "Cho em hỏi 2 ý:": what announces the questions is no topic of theirs; what follows the asking
    // ("cho mình hỏi ở cấp xã:") is.
    const words = heading.split(/\s+/);
    const asked = words.findLastIndex((w) =>
      /^(hỏi|hoi|question|questions)$/iu.test(w.replace(/[.,!?]/g, "")),
    );
    const topic = words
      .slice(asked + 1)
      .filter((w) => !ANNOUNCING.has(normalizeVietnamese(w).replace(/[.,!?]/g, "")))
      .join(" ");
    return topic ? rest.map((p) => `${topic}: ${p}`) : rest;
  }
  const parts: string[] = [];
  let pending = "";
  for (const piece of pieces) {
    const joined = pending ? `${pending}, ${piece}` : piece;
    if (asks(piece)) {
      parts.push(joined);
      pending = "";
    } else pending = joined;
  }
  if (pending && parts.length) parts[parts.length - 1] = `${parts[parts.length - 1]}, ${pending}`;
  return parts.length >= 2 && parts.length <= MAX_PARTS ? parts : [text];
}

/** "Muốn phản ánh … thì gửi đâu": a bare "muốn" opening a question is the writer's own wish. */
const WRITER_WANTS = new Set(["muon", "want", "wants"]);

/** The plan's own number: every other document number it gives is a document it cites. */
const PLAN_NUMBER = "154";
/** Asking what a document contains ("gồm những nội dung gì", "nói gì", "what does it say"). */
const CONTENTS = [
  ["noi", "dung"],
  ["gom", "nhung", "gi"],
  ["gom", "gi"],
  ["noi", "gi"],
  ["quy", "dinh", "gi"],
  ["quy", "dinh", "nhung", "gi"],
  ["content"],
  ["contents"],
  ["say"],
  ["says"],
];

/** Saying what is not asked: "(không phải cán bộ)", "not officials". */
const NOT_THIS = [["khong", "phai"], ["ko", "phai"], ["k", "phai"], ["chu", "khong", "phai"], ["not"]];

/** Asking how far something reaches ("tới những cấp nào", "xuống tới đâu"). */
const HOW_FAR = [
  ["toi", "dau"],
  ["den", "dau"],
  ["nhung", "cap", "nao"],
  ["cap", "nao"],
  ["how", "far"],
];

/** Asking who (folded). */
const ASKS_WHO = [
  ["ai"],
  ["co", "quan", "nao"],
  ["don", "vi", "nao"],
  ["cap", "nao", "ban", "hanh"],
  ["who"],
  ["which", "body"],
  ["which", "authority"],
];
/** Issuing or launching the plan and its movement. */
const ISSUES = [
  ["ban", "hanh"],
  ["phat", "dong"],
  ["ky", "ban", "hanh"],
  ["issued"],
  ["issue"],
  ["launched"],
  ["launch"],
];

/** "ai phát động", "cơ quan nào ban hành", "who issued": the asking word right before the verb. */
function asksIssuer(tokens: string[]): boolean {
  return tokens.some((_, i) =>
    ISSUES.some(
      (v) =>
        phraseAt(tokens, v, i) &&
        ASKS_WHO.some((w) =>
          [0, 1].some((gap) => i - gap - w.length >= 0 && phraseAt(tokens, w, i - gap - w.length)),
        ),
    ),
  );
}

/** Words asking why (folded). */
const WHY = [["tai", "sao"], ["vi", "sao"], ["ly", "do"], ["why"], ["de", "lam", "gi"]];
/** How the plan states a reason: "nhằm …", "để …". */
const REASON = /(^|\s)(nhằm|để)\s/u;

/** Words that count or soften the questions announced ("2 ý ạ", "mấy câu nhé", "thêm chút"). */
const ANNOUNCING = new Set([
  "y",
  "cau",
  "viec",
  "van",
  "de",
  "dieu",
  "chut",
  "xiu",
  "them",
  "a",
  "nhe",
  "nha",
  "voi",
  "may",
  "hai",
  "ba",
  "2",
  "3",
  "4",
  "things",
  "two",
  "three",
  "ad",
  "bot",
  "oi",
]);

/** At most this many questions are read out of one message; more is a list of topics, asked as one. */
const MAX_PARTS = 4;

/** Words for a document: the plan's own ("kế hoạch") or those it rests on ("nghị quyết"). */
const DOCUMENT_NOUNS = [
  ["van", "ban"],
  ["nghi", "quyet"],
  ["ke", "hoach"],
  ["documents"],
  ["document"],
  ["resolution"],
  ["resolutions"],
  ["plans"],
];
/**
 * Verbs of carrying a document out ("nhằm / để thực hiện") or resting on it ("căn cứ"). Not "thực
 * hiện theo kế hoạch nào": the movement is carried out under Plan 154 itself.
 */
const IMPLEMENTS = [
  ["nham", "thuc", "hien"],
  ["de", "thuc", "hien"],
  ["can", "cu"],
  ["dua", "tren"],
  ["dua", "vao"],
  ["implement"],
  ["implements"],
  ["based", "on"],
  ["bam", "theo"],
  ["dua", "theo"],
  // Not "thực hiện theo kế hoạch nào", "follow": the movement is carried out under Plan 154 itself.
  ["reference"],
  ["references"],
  ["refer", "to"],
  ["refers", "to"],
  ["cite"],
  ["cites"],
  // Documents the plan is linked with, or that came before it: those it rests on.
  ["gan", "voi"],
  ["lien", "quan"],
  ["truoc", "do"],
  ["ban", "hanh", "truoc"],
  ["linked", "to"],
  ["related", "to"],
  ["earlier"],
  ["previous"],
];

/**
 * "Ngoài tập thể, cá nhân thì mô hình hay có được biểu dương không": what comes after "ngoài … thì"
 * ("besides …") is asked; what it sets aside is not. ("Nước ngoài" is abroad, not "besides".)
 */
function withoutBesides(parsed: ParsedQuestion): ParsedQuestion {
  const { tokens } = parsed;
  const from = tokens.findIndex((t, i) => (t === "ngoai" && tokens[i - 1] !== "nuoc") || t === "besides");
  if (from < 0) return parsed;
  const to = tokens.findIndex((t, i) => i > from + 1 && i <= from + 8 && (t === "thi" || t === "ra"));
  if (to < 0) return parsed;
  const at = (u: Unit) =>
    u.kind === "words" ? u.position : tokens.findIndex((_, i) => phraseAt(tokens, u.original, i));
  const units = parsed.units.filter((u) => at(u) < from || at(u) >= to);
  return units.length && units.length < parsed.units.length ? { ...parsed, units } : parsed;
}

/** A unit's syllables, as the index reads them. */
function unitTokens(u: Unit): string[] {
  return u.kind === "words" ? u.tokens : u.means;
}

/** "Người dân tích cực …" opens with "người dân" (two syllables at least; "các" before it aside). */
function opensWith(quote: string, tokens: string[]): boolean {
  const words = phraseTokens(quote).filter((t, i) => !(i === 0 && t === "cac"));
  return tokens.length >= 2 && tokens.every((t, i) => words[i] === t);
}

/**
 * Whether the question asks which documents the movement carries out or rests on: a document word
 * with "nào" after it or "which/what" before it, and a verb of carrying out or resting on. ("Phong
 * trào thuộc kế hoạch nào" asks the plan's own number, with no such verb.)
 */
function asksWhichDocument(tokens: string[]): boolean {
  const at = (i: number, p: string[]) => phraseAt(tokens, p, i);
  const which = tokens.some((_, i) =>
    DOCUMENT_NOUNS.some(
      (n) =>
        // "which documents", "which other documents", "which earlier Party resolution": "which"
        // and the noun with up to two words that qualify it between them.
        ([1, 2, 3].some((k) => ["which", "what"].includes(tokens[i - k]!)) && at(i, n)) ||
        (at(i, n) && [0, 1, 2, 3].some((k) => tokens[i + n.length + k] === "nao")),
    ),
  );
  return which && IMPLEMENTS.some((v) => containsPhrase(tokens, v));
}

/** Verbs that govern "yêu cầu" in a question about requirements ("phải đáp ứng yêu cầu gì"). */
const REQUIREMENT_VERBS = [
  ["dap", "ung"],
  ["dam", "bao"],
  ["bao", "dam"],
];

/** Words that may stand between a verb and its object: "đáp ứng những yêu cầu", "bảo đảm được yêu cầu". */
const BETWEEN_VERB_AND_OBJECT = new Set(["nhung", "cac", "moi", "duoc", "dc", "the", "all"]);

/** "cấp nào", "which level": a question whose answer is the level(s) a target is set for. */
const WHICH_LEVEL = [
  ["cap", "nao"],
  ["nhung", "cap"],
  ["which", "level"],
  ["which", "levels"],
  ["what", "level"],
  ["what", "levels"],
];

/** "chỉ tiêu", "tiêu chí", "targets": what a count of targets counts. */
const TARGET_NOUNS = [
  ["chi", "tieu"],
  ["tieu", "chi"],
  ["muc", "tieu"],
  ["targets"],
  ["criteria"],
  ["goals"],
];

/** Whether the question counts targets: a count word right before a word for targets ("bao nhiêu chỉ tiêu"). */
function countsTargets(tokens: string[], countWords: string[][]): boolean {
  return tokens.some((_, i) =>
    countWords.some(
      (w) => phraseAt(tokens, w, i) && TARGET_NOUNS.some((n) => phraseAt(tokens, n, i + w.length)),
    ),
  );
}

/** The years a text names ("2030", "2016-2020", "12/8/2022"). */
function yearsIn(text: string): string[] {
  return [...text.matchAll(/(?<!\d)(?:19|20)\d\d(?!\d)/g)].map((m) => m[0]);
}

/** A bare number ("90" of "90%"): the figure asked about, not a topic. */
function isNumberUnit(unit: Unit): boolean {
  return unit.kind === "words" && unit.tokens.length === 1 && /^\d+$/.test(unit.tokens[0]!);
}

/**
 * Whether all the question asks about is the name of a group of targets ("kỹ năng số": basic skills
 * and data-analysis skills; the group's id is the plan's own words for it): then every target of
 * the group is meant, though the narrower one's wording fits the name better.
 */
function namesGroup(parsed: ParsedQuestion, group: string | undefined): boolean {
  if (!group) return false;
  const named = parsed.units.filter((u) => !isNumberUnit(u));
  return named.length === 1 && named[0]!.kind === "words" && named[0]!.tokens.join("-") === group;
}

/** Syllables the question typed for a unit. */
function unitLength(unit: Unit): number {
  return unit.kind === "words" ? unit.tokens.length : unit.original.length;
}

/** The best candidate of each topic, in order. */
function distinctTopics(candidates: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => !seen.has(c.entry.topicKey) && (seen.add(c.entry.topicKey), true));
}

/**
 * Loads the knowledge base and builds its in-memory index.
 *
 * @example
 * const knowledge = loadKnowledge({ dir: "flows/knowledge" });
 * knowledge.ask("chi tieu ho so cong viec cap xa", "vi").text
 */
export function loadKnowledge(opts: KnowledgeOptions): Knowledge {
  const say = opts.translator
    ? wordingFrom(opts.translator)
    : loadWording(opts.localesDir ?? join(resolve(opts.dir), "..", "..", "locales"));
  const build = (concepts: boolean): PlanKnowledge => {
    const base = loadKnowledgeBase(opts.dir, { concepts });
    const passages = readPassages(
      opts.source ?? join(resolve(opts.dir), "..", "source", "ke-hoach-154.txt"),
      base.entries,
    );
    return new PlanKnowledge(
      base.levels,
      base.entries,
      buildLexicon(base),
      new SearchIndex(base.entries),
      say,
      new SearchIndex(passages),
      concepts ? undefined : () => build(true),
    );
  };
  return build(false);
}
