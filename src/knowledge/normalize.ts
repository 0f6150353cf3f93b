/**
 * Vietnamese text normalisation: people type on phones, often without diacritics ("chi tieu cap xa"),
 * sometimes in decomposed Unicode, sometimes with "đ" typed as "d". Every comparison in the knowledge
 * search goes through these two forms: a folded one (no diacritics) and an exact one (diacritics kept),
 * so that a match survives missing accents while a match with the right accents can still score higher.
 */

import { fold, stripDiacritics } from "../i18n/fold.js";

/** Anything that is neither a letter nor a digit separates words ("60%", "154/KH-UBND", "xã,"). */
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/**
 * Lower-cases and keeps diacritics (NFC), turning punctuation into single spaces.
 *
 * @example exactForm("Cấp XÃ, 60%!") // "cấp xã 60"
 */
export function exactForm(text: string): string {
  return text.normalize("NFC").toLowerCase().replace(NON_WORD, " ").trim().replace(/\s+/g, " ");
}

/**
 * Drops diacritics from an already lower-cased string; "đ" is a letter of its own in Unicode, not a
 * "d" with a mark, so it is mapped by hand.
 */
export const foldDiacritics: (text: string) => string = stripDiacritics;

/**
 * NFC, lower case, diacritics folded (đ→d), punctuation → spaces, whitespace collapsed. The
 * conversation engine reuses it to match typed menu answers ("cap xa" ≡ "Cấp xã").
 *
 * @example normalizeVietnamese("Chỉ tiêu  cấp Xã?") // "chi tieu cap xa"
 */
export const normalizeVietnamese: (text: string) => string = fold;

/** Whether the text carries any Vietnamese diacritic (then the writer is certainly writing Vietnamese). */
export function hasDiacritics(text: string): boolean {
  const nfc = text.normalize("NFC").toLowerCase();
  return foldDiacritics(nfc) !== nfc;
}

/** Particles, greetings and thanks, written with their marks. */
const SELF_MARKED = new Set([
  "ơi",
  "ạ",
  "vậy",
  "nhé",
  "nhỉ",
  "à",
  "ừ",
  "dạ",
  "vâng",
  "chào",
  "cảm",
  "ơn",
  "cám",
  "nhiều",
  "thế",
  "hả",
  "hở",
]);

/**
 * Whether the writer types with diacritics: most Vietnamese syllables carry a mark, so a text where
 * only a word or two do ("cho mình hỏi cap xa phai dat …", "… khong nhé" from an autocorrecting
 * keyboard) is typed without them, and its bare syllables are no deliberate spelling.
 *
 * @example typedWithDiacritics("chỉ tiêu cấp xã") // true; typedWithDiacritics("ad ơi chi tieu cap xa") // false
 */
export function typedWithDiacritics(text: string): boolean {
  // Particles and greetings a keyboard marks by itself ("ad ơi … vậy ạ") say nothing of how the
  // question's own words were typed.
  const words = exactForm(text)
    .split(" ")
    .filter((w) => /\p{L}/u.test(w) && !SELF_MARKED.has(w));
  const marked = words.filter((w) => foldDiacritics(w) !== w).length;
  return marked > 0 && marked / words.length >= 0.3;
}

/** Splits normalised text into syllables (Vietnamese words are one to four syllables separated by spaces). */
export function syllables(normalised: string): string[] {
  return normalised.length ? normalised.split(" ") : [];
}
