/**
 * Turns entries into what the user reads: short, quoted, sourced, in the user's language. Texts are
 * plain (no HTML) so every channel can show them; a single answer stays well under Zalo's limits.
 */
import type { Lang } from "../i18n/locales.js";
import type { KnowledgeEntry } from "./knowledge-base.js";
import type { Level } from "./schema.js";
import type { Wording } from "./wording.js";

export interface AnswerChoice {
  id: string;
  label: string;
}

export interface KnowledgeAnswer {
  /** false = no confident answer: the caller offers the menu or forwards the question to an official. */
  answered: boolean;
  kind: "entry" | "level-list" | "list" | "ambiguous" | "none";
  text: string;
  sources: string[];
  choices?: AnswerChoice[];
}

/** Longest text of a single-entry answer, so it fits a phone screen. */
export const ENTRY_ANSWER_LIMIT = 800;

export class AnswerComposer {
  constructor(
    private readonly say: Wording,
    private readonly levels: Map<string, Level>,
  ) {}

  source(entry: KnowledgeEntry, lang: Lang): string {
    return this.say(lang, "source", { source: this.level(entry.level).source[lang] });
  }

  levelName(levelId: string, lang: Lang): string {
    return this.level(levelId).name[lang];
  }

  /** "60%" or "tối thiểu 90%": the figures of an entry as the plan states them. */
  figure(entry: KnowledgeEntry, lang: Lang): string {
    return entry.targets
      .map((t) =>
        this.say(lang, t.atLeast ? "target_at_least" : "target_plain", { value: t.value, unit: t.unit }),
      )
      .join(", ");
  }

  /** One entry: the short answer (figure and level), one quoted sentence, the source. */
  entry(entry: KnowledgeEntry, lang: Lang, preface?: string): KnowledgeAnswer {
    const source = this.source(entry, lang);
    const lines = [
      preface,
      entry.answer[lang],
      this.say(lang, "quote", { quote: entry.quote }),
      this.say(lang, "source_line", { sources: source }),
    ];
    let text = lines.filter(Boolean).join("\n");
    if (text.length > ENTRY_ANSWER_LIMIT) {
      text = [preface, entry.answer[lang], this.say(lang, "source_line", { sources: source })]
        .filter(Boolean)
        .join("\n");
    }
    return { answered: true, kind: "entry", text, sources: [source] };
  }

  /** A clause of the plan's text, verbatim, for a question no curated entry answers. */
  passage(entry: KnowledgeEntry, lang: Lang): KnowledgeAnswer {
    const source = this.source(entry, lang);
    const text = [
      this.say(lang, "passage_lead"),
      `“${entry.quote}”`,
      this.say(lang, "source_line", { sources: source }),
    ].join("\n");
    return { answered: true, kind: "entry", text, sources: [source] };
  }

  /** Entries of one level as a numbered list with choices, for "chỉ tiêu cấp xã". */
  levelList(levelId: string, entries: KnowledgeEntry[], lang: Lang): KnowledgeAnswer {
    const level = this.level(levelId);
    const title =
      levelId === "ke-hoach"
        ? this.say(lang, "plan_list_title")
        : // The plan's own heading of the section ("Đối với các doanh nghiệp, hợp tác xã"), as written.
          level.lead
          ? this.say(lang, "level_list_title_lead", { level: level.name[lang], lead: level.lead[lang] })
          : this.say(lang, "level_list_title", { level: level.name[lang] });
    // Each entry's short answer, not its topic: the figure and the plan's key words ("mã QR code")
    // are in the answer, and a list is only an answer if it states them.
    const lines = entries.map((e, i) => `${i + 1}. ${this.quoted(e, lang, false)}`);
    return {
      answered: true,
      kind: "level-list",
      text: [title, ...lines, this.say(lang, "choose_detail")].join("\n"),
      sources: [this.say(lang, "source", { source: level.source[lang] })],
      choices: entries.map((e) => ({ id: e.id, label: this.label(e, lang) })),
    };
  }

  /**
   * One topic that the plan sets at several levels ("hồ sơ công việc": tỉnh 90%, huyện 80%, xã 60%):
   * every level's figure is a fact from the plan, so this is an answer, with choices for details.
   */
  acrossLevels(entries: KnowledgeEntry[], lang: Lang, preface?: string): KnowledgeAnswer {
    const sources = entries.map((e) => this.source(e, lang));
    const figures = new Set(entries.map((e) => this.figure(e, lang)));
    const choices = entries.map((e) => ({ id: e.id, label: this.label(e, lang) }));
    if (figures.size === 1) {
      const first = entries[0]!;
      const names = entries.map((e) => this.levelName(e.level, lang)).join(", ");
      // The same figure in other words ("trên toàn tỉnh" / "trên toàn huyện"): each level's own.
      const quotes = new Set(entries.map((e) => e.quote));
      const quoted =
        quotes.size === 1
          ? [this.say(lang, "quote", { quote: first.quote })]
          : [
              this.say(lang, "quotes"),
              ...entries.map((e) => `- ${this.levelName(e.level, lang)}: “${e.quote}”`),
            ];
      const text = [
        preface,
        first.answer[lang],
        this.say(lang, "same_for_levels", { levels: names }),
        ...quoted,
        this.say(lang, "source_line", { sources: sources.join("; ") }),
      ]
        .filter(Boolean)
        .join("\n");
      return { answered: true, kind: "entry", text, sources, choices };
    }
    const lines = entries.map((e, i) => `${i + 1}. ${e.answer[lang]}`);
    const text = [
      preface,
      this.say(lang, "by_level"),
      ...lines,
      this.say(lang, "source_line", { sources: this.say(lang, "plan") }),
    ]
      .filter(Boolean)
      .join("\n");
    return { answered: true, kind: "ambiguous", text, sources, choices };
  }

  /**
   * Several entries that together answer the question (every target of a topic, every target at a
   * figure, the passages of one narrative group): each entry's short answer, numbered, with the
   * sources, and choices to open an entry's verbatim quote.
   */
  many(entries: KnowledgeEntry[], lang: Lang, title: string, preface?: string): KnowledgeAnswer {
    if (entries.length === 1 && !preface) return this.entry(entries[0]!, lang);
    const sources = [...new Set(entries.map((e) => this.source(e, lang)))];
    // The plan's own words, each with its level: a list quotes, it does not paraphrase.
    const lines = entries.map((e, i) => `${i + 1}. ${this.quoted(e, lang, true)}`);
    const quote = entries.length === 1 ? this.say(lang, "quote", { quote: entries[0]!.quote }) : undefined;
    return {
      answered: true,
      kind: "list",
      text: [preface, title, ...lines, quote, this.say(lang, "source_line", { sources: sources.join("; ") })]
        .filter(Boolean)
        .join("\n"),
      sources,
      choices:
        entries.length > 1 ? entries.map((e) => ({ id: e.id, label: this.label(e, lang) })) : undefined,
    };
  }

  /**
   * Topics compared across levels, as a short table: one line per level and topic, and a line for
   * each level asked about that the plan sets no such target for.
   */
  compare(topics: KnowledgeEntry[][], missing: string[], lang: Lang, title?: string): KnowledgeAnswer {
    const entries = topics.flat();
    const sources = [...new Set(entries.map((e) => this.source(e, lang)))];
    const lines: string[] = [];
    for (const group of topics) {
      if (topics.length > 1) lines.push(`• ${group[0]!.topic[lang]}:`);
      // The short answer, then the plan's own words: what differs between levels is often not the
      // figure but the words around it ("trên toàn tỉnh" / "trên toàn huyện").
      for (const e of group) lines.push(`- ${e.answer[lang]} (“${e.quote}”)`);
    }
    for (const l of missing)
      lines.push(`- ${this.say(lang, "not_at_level", { level: this.levelName(l, lang) })}`);
    return {
      answered: true,
      kind: "list",
      text: [
        title ?? this.say(lang, "compare_title"),
        ...lines,
        this.say(lang, "source_line", { sources: sources.join("; ") }),
      ].join("\n"),
      sources,
      choices: entries.map((e) => ({ id: e.id, label: this.label(e, lang) })),
    };
  }

  /** A reply about one of the bot's services rather than the plan: no confident plan answer. */
  service(key: string, lang: Lang): KnowledgeAnswer {
    return {
      answered: false,
      kind: "none",
      text: `${this.say(lang, key)}\n${this.say(lang, "offer")}`,
      sources: [],
    };
  }

  /** "ở mức 90%", "dưới 100%": how a figure filter reads. */
  figureFilter(
    figure: { compare: "floor" | "exception" } | { value: number; compare: "eq" | "ne" | "below" | "above" },
    lang: Lang,
  ): string {
    return "value" in figure
      ? this.say(lang, `figure_${figure.compare}`, { value: figure.value })
      : this.say(lang, `figure_${figure.compare}`);
  }

  /**
   * One line of a list: the plan's sentence verbatim (its figures and key words, "mã QR code",
   * "thiết bị di động", are what the asker checks), after the level when asked for, and in English
   * with the English short answer beside it (the quote stays Vietnamese: it is the source).
   */
  private quoted(entry: KnowledgeEntry, lang: Lang, withLevel: boolean): string {
    const prefix = withLevel && entry.level !== "ke-hoach" ? `${this.levelName(entry.level, lang)}: ` : "";
    const quote = `“${entry.quote}”`;
    return lang === "en" ? `${entry.answer.en} (${quote})` : `${prefix}${quote}`;
  }

  /** Several different things might be meant: offer them, claim none. */
  ambiguous(entries: KnowledgeEntry[], lang: Lang): KnowledgeAnswer {
    const lines = entries.map((e, i) => `${i + 1}. ${this.label(e, lang)}`);
    return {
      answered: false,
      kind: "ambiguous",
      text: [this.say(lang, "ambiguous"), ...lines].join("\n"),
      sources: [],
      choices: entries.map((e) => ({ id: e.id, label: this.label(e, lang) })),
    };
  }

  /**
   * Not what was asked, but the nearest the plan has (another level's target): said so, the nearest
   * shown as a choice, no confident answer, so the caller also offers forwarding to an official.
   */
  nearMiss(preface: string, entries: KnowledgeEntry[], lang: Lang): KnowledgeAnswer {
    return {
      answered: false,
      kind: "ambiguous",
      text: [
        preface,
        ...entries.map((e, i) => `${i + 1}. ${this.label(e, lang)}`),
        this.say(lang, "offer"),
      ].join("\n"),
      sources: [],
      choices: entries.map((e) => ({ id: e.id, label: this.label(e, lang) })),
    };
  }

  /** Several levels named and nothing else: ask which one. */
  chooseLevel(levelIds: string[], lang: Lang): KnowledgeAnswer {
    const choices = levelIds.map((id) => ({ id, label: this.levelName(id, lang) }));
    return {
      answered: false,
      kind: "ambiguous",
      text: [this.say(lang, "ambiguous"), ...choices.map((c, i) => `${i + 1}. ${c.label}`)].join("\n"),
      sources: [],
      choices,
    };
  }

  /**
   * "Tiêu chí chia theo những nhóm nào": the plan's groups of criteria, each by the plan's own
   * heading for it, and how to see one of them.
   */
  groups(levelIds: string[], lang: Lang): KnowledgeAnswer {
    const heads = levelIds.map((id) => this.level(id).lead?.[lang] ?? this.levelName(id, lang));
    return {
      answered: true,
      kind: "list",
      text: [
        this.say(lang, "groups_title", { count: heads.length }),
        ...heads.map((h, i) => `${i + 1}. ${h}`),
        this.say(lang, "groups_hint"),
      ].join("\n"),
      sources: [this.say(lang, "plan")],
    };
  }

  /** The honest "not in the plan", with the offer the caller acts on. */
  none(lang: Lang): KnowledgeAnswer {
    return {
      answered: false,
      kind: "none",
      text: `${this.say(lang, "not_in_plan")}\n${this.say(lang, "offer")}`,
      sources: [],
    };
  }

  unknownId(lang: Lang): KnowledgeAnswer {
    return {
      answered: false,
      kind: "none",
      text: `${this.say(lang, "unknown_id")}\n${this.say(lang, "offer")}`,
      sources: [],
    };
  }

  /** A button label: level, topic and figure, short enough for a keyboard button. */
  label(entry: KnowledgeEntry, lang: Lang): string {
    const figure = this.figure(entry, lang);
    const prefix = entry.level === "ke-hoach" ? "" : `${this.levelName(entry.level, lang)}: `;
    return `${prefix}${entry.topic[lang]}${figure ? ` (${figure})` : ""}`;
  }

  private level(id: string): Level {
    const level = this.levels.get(id);
    if (!level) throw new Error(`unknown level ${id}`);
    return level;
  }
}
