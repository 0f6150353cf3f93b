/**
 * The words people type instead of tapping ("bỏ qua", "quay lại", "hủy", "thống kê"), read from
 * `locales/*` (both languages are always accepted) and from the flows' triggers. Code names a
 * list, never a word: content owners add words without touching code.
 */
import { fold } from "../i18n/fold.js";
import { LANGS, type Translator } from "../i18n/locales.js";
import type { LoadedFlow } from "./flow-schema.js";

/** The lists under `conversation.words` in locales/<lang>/conversation.yaml. */
export type WordList =
  | "back"
  | "skip"
  | "cancel"
  | "menu"
  | "help"
  | "language"
  | "english"
  | "vietnamese"
  | "done"
  | "greeting"
  | "deletion"
  | "status"
  | "withdraw"
  | "ask"
  | "mine"
  | "edit"
  | "confirm"
  | "yes"
  | "no"
  | "continue"
  | "restart"
  | "stop"
  | "forward"
  | "list"
  | "question";

/** Lists whose words, typed on their own, are commands (not answers). */
const COMMAND_LISTS: readonly WordList[] = [
  "menu",
  "help",
  "language",
  "english",
  "vietnamese",
  "deletion",
  "status",
  "withdraw",
  "ask",
  "mine",
  "back",
  "confirm",
];
/** Lists whose words are commands also before more text ("trạng thái DC-…"); others only alone, so "hướng dẫn 200 hộ dân…" stays an answer. */
const ARGUMENT_LISTS: readonly WordList[] = ["status", "withdraw", "deletion"];

/** @example const vocab = new Vocabulary(i18n, flows); vocab.is("skip", fold("Bỏ qua")) // true */
export class Vocabulary {
  private readonly cache = new Map<string, { raw: string[]; folded: Set<string> }>();
  private readonly extra = new Set<string>();

  constructor(
    private readonly i18n: Translator,
    private readonly flows: Map<string, LoadedFlow>,
  ) {}

  /** The words of a locale list in every language, as written (for matching with their diacritics too). */
  wordsOf(key: string): string[] {
    return this.entry(key).raw;
  }

  /** The words of a `conversation.words` list. */
  words(list: WordList): string[] {
    return this.wordsOf(`conversation.words.${list}`);
  }

  /** Whether already folded text is exactly one of the list's words. */
  is(list: WordList | string, folded: string): boolean {
    return this.entry(list.includes(".") ? list : `conversation.words.${list}`).folded.has(folded);
  }

  /** The rest of the text when it starts with one of the list's words ("trang thai dc 2026…" → "dc 2026…"), else null. */
  after(list: WordList, folded: string): string | null {
    for (const w of this.entry(`conversation.words.${list}`).folded) {
      if (folded === w) return "";
      if (folded.startsWith(`${w} `)) return folded.slice(w.length + 1);
    }
    return null;
  }

  /** The flow a typed trigger starts ("đề cử", "/decu"), if any. */
  flowTriggered(folded: string): string | undefined {
    for (const flow of this.flows.values())
      if (flow.triggers.some((tr) => fold(tr) === folded)) return flow.id;
    return undefined;
  }

  /** Makes a plugin's word list count as commands (see isCommand). */
  addCommandList(key: string): void {
    this.extra.add(key);
  }

  /**
   * Whether the text is a command rather than an answer: a slash command, a core command word, a
   * flow trigger or a plugin's command word — so a middleware waiting for free text lets it pass.
   */
  isCommand(text: string): boolean {
    if (text.trim().startsWith("/")) return true;
    const folded = fold(text);
    if (
      COMMAND_LISTS.some((l) => this.is(l, folded)) ||
      ARGUMENT_LISTS.some((l) => this.after(l, folded) !== null) ||
      this.flowTriggered(folded)
    )
      return true;
    return [...this.extra].some((k) => this.entry(k).folded.has(folded));
  }

  /** Whether already folded text contains one of the list's words as whole words ("… la gi" contains "la gi"). */
  contains(list: WordList, folded: string): boolean {
    const padded = ` ${folded} `;
    return [...this.entry(`conversation.words.${list}`).folded].some((w) => w && padded.includes(` ${w} `));
  }

  /** How many marker words of each language (`conversation.words.markers`) folded text contains. */
  markerCounts(folded: string): Record<"vi" | "en", number> {
    const padded = ` ${folded} `;
    const count = (lang: "vi" | "en") =>
      this.i18n
        .t(lang, "conversation.words.markers")
        .split("\n")
        .filter((m) => padded.includes(` ${fold(m)} `)).length;
    return { vi: count("vi"), en: count("en") };
  }

  private entry(key: string) {
    let e = this.cache.get(key);
    if (!e) {
      const raw = [...new Set(LANGS.flatMap((lang) => this.i18n.t(lang, key).split("\n")))].filter(Boolean);
      e = { raw, folded: new Set(raw.map((w) => fold(w))) };
      this.cache.set(key, e);
    }
    return e;
  }
}
