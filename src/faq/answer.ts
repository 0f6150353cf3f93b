/**
 * How an FAQ entry is shown to a citizen: the official's answer, then its own source line
 * ("Trả lời của <đơn vị>, ngày …, không phải trích nguyên văn Kế hoạch 154"). Nothing here uses
 * the plan's quote or source wording, and an entry that imitates it is refused on the way in.
 */
import type { Lang, Translator } from "../i18n/locales.js";
import { LANGS } from "../i18n/locales.js";
import { fold } from "../i18n/fold.js";

export interface FaqAnswerEntry {
  question: string;
  answer: string;
  unit: string;
  answeredOn: Date;
}

/** dd/mm/yyyy of a date column (stored as a calendar day, read as UTC midnight). */
export function faqDate(d: Date): string {
  return `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
}

/** The source line of an official answer. */
export function faqSourceLine(
  i18n: Translator,
  lang: Lang,
  entry: Pick<FaqAnswerEntry, "unit" | "answeredOn">,
): string {
  return i18n.t(lang, "faq.source_line", { unit: entry.unit, date: faqDate(entry.answeredOn) });
}

/** The citizen's reply: a lead-in naming the question answered, the answer, the source line. */
export function formatFaqAnswer(i18n: Translator, lang: Lang, entry: FaqAnswerEntry): string {
  return [
    i18n.t(lang, "faq.lead", { question: entry.question }),
    entry.answer,
    faqSourceLine(i18n, lang, entry),
  ].join("\n\n");
}

/**
 * The phrases with which the bot presents the plan's own words (its quote prefix and its source
 * line), in every language, folded: an FAQ text containing one could pass for a quote of the plan.
 */
export function planMarkers(i18n: Translator): string[] {
  const out = new Set<string>();
  for (const lang of LANGS) {
    const quote = i18n
      .t(lang, "knowledge.quote", { quote: "\u0000" })
      .split("\u0000")[0]!
      .replace(/[“"«]\s*$/, "");
    out.add(fold(quote));
    out.add(fold(i18n.t(lang, "knowledge.source_line", { sources: i18n.t(lang, "knowledge.plan") })));
  }
  return [...out].filter((m) => m.length >= 6);
}

/** Whether a text imitates the way the bot quotes the plan. */
export function imitatesPlanQuote(markers: readonly string[], text: string): boolean {
  const folded = fold(text);
  return markers.some((m) => folded.includes(m));
}
