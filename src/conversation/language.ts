/**
 * Which language to reply in. The platform's setting is only a first guess (an en-US phone is
 * common in Vietnam); after that the reply follows the language the person types. A language
 * chosen in the menu ("Ngôn ngữ / Language": Tiếng Việt or English) holds against text that does
 * not tell (a number, a name, "ok"), but not against a message unmistakably in the other
 * language: someone who chose English and then writes "chỉ tiêu cấp xã là gì" reads Vietnamese
 * (testers tapped the item by mistake, or to look, and then were answered in English while
 * writing Vietnamese). The brief: reply in the language the user types.
 */
import { fold, stripDiacritics } from "../i18n/fold.js";
import type { Lang } from "../i18n/locales.js";
import type { Vocabulary } from "./vocabulary.js";

/** The first guess for a new person, from the platform's language code. */
export function languageOfHint(hint: string | undefined): Lang {
  return hint?.toLowerCase().startsWith("en") ? "en" : "vi";
}

/**
 * The language a text is written in, or undefined when it does not tell (a number, a name, "ok",
 * a command). Any Vietnamese diacritic means Vietnamese; otherwise the marker words of
 * `conversation.words.markers` decide.
 *
 * @example languageOfText("What are the targets for communes?", vocab) // "en"
 * @example languageOfText("chi tieu cap xa la gi", vocab) // "vi"
 */
export function languageOfText(
  text: string,
  vocab: Vocabulary,
  opts: { unmistakable?: boolean } = {},
): Lang | undefined {
  const t = text.normalize("NFC").toLowerCase().trim();
  if (!t || t.startsWith("/")) return undefined;
  if (stripDiacritics(t) !== t) return "vi";
  const { vi, en } = vocab.markerCounts(fold(t));
  // Over a language the person chose, one marker word is not enough ("is", "co"): two more than
  // the other language's are.
  const margin = opts.unmistakable ? 2 : 1;
  if (en - vi >= margin) return "en";
  if (vi - en >= margin) return "vi";
  return undefined;
}
