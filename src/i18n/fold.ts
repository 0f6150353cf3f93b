/**
 * Vietnamese text folding, the one implementation every concern uses: people type on phones,
 * often without diacritics ("chi tieu cap xa"), sometimes in decomposed Unicode, sometimes with
 * "đ" typed as "d". Comparing folded forms makes all of these read alike.
 */

const COMBINING_MARKS = /\p{M}+/gu;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Drops diacritics, keeping case; "đ" is a letter of its own in Unicode, not a "d" with a mark,
 * so it is mapped by hand.
 *
 * @example stripDiacritics("Đề cử") // "De cu"
 */
export function stripDiacritics(text: string): string {
  // Most syllables reaching here are already plain ASCII (typed without diacritics, or folded):
  // nothing to strip, and no two normalisations per syllable on the question-answering path.
  if (ASCII.test(text)) return text;
  return text
    .normalize("NFD")
    .replace(COMBINING_MARKS, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .normalize("NFC");
}

const separators = new Map<string, RegExp>();
/** Anything that is neither a letter nor a digit (nor one of `keep`) separates words. */
function separatorOf(keep: string): RegExp {
  let re = separators.get(keep);
  if (!re) {
    re = new RegExp(`[^\\p{L}\\p{N}${keep.replace(/[\\\]^-]/g, "\\$&")}]+`, "gu");
    separators.set(keep, re);
  }
  return re;
}

/**
 * NFC, lower case, diacritics dropped (đ → d), every run of other characters one space, trimmed.
 * `keep` names punctuation that carries meaning for the caller ("/" of a command, "%" of a share).
 *
 * @example fold("Chỉ tiêu  cấp Xã?") // "chi tieu cap xa"
 * @example fold("/Hủy", "/") // "/huy"
 */
export function fold(text: string, keep = ""): string {
  return stripDiacritics(text.normalize("NFC").toLowerCase()).replace(separatorOf(keep), " ").trim();
}
