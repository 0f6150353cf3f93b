/**
 * Remnants of Vietnamese input methods and spelling variants. When a phone keyboard's Telex or VNI
 * mode is off, "chỉ tiêu cấp xã" arrives as "chir tieeu caaps xax" (Telex) or "chi3 tie6u ca61p xa4"
 * (VNI). Both spell the syllable with its marks as extra letters or digits, so dropping those gives
 * the folded syllable back. Separately, the same syllable may carry its tone on another vowel ("hoà"
 * / "hòa", "uỷ" / "ủy") or be spelt with i for y ("kĩ" / "kỹ"): those are the same word.
 */

const VOWELS = "aeiouy";
/** Telex tone keys: sắc, huyền, hỏi, ngã, nặng. A Vietnamese syllable never has them after its vowel. */
const TELEX_TONES = "sfrxj";

/** Drops Telex vowel marks: "aa"→a, "ee"→e, "oo"→o, "dd"→d, "w" after a/o/u, lone "w"→u. */
function dropTelexMarks(token: string): string {
  return token
    .replace(/dd/g, "d")
    .replace(/aa/g, "a")
    .replace(/ee/g, "e")
    .replace(/oo/g, "o")
    .replace(/([aou])w/g, "$1")
    .replace(/w/g, "u");
}

/**
 * Folded syllables a Telex-typed token may stand for, most likely first: with the tone key taken out
 * (wherever it was typed after a vowel) and vowel marks dropped.
 *
 * @example telexReadings("caaps") // ["cap", …]
 */
export function telexReadings(token: string): string[] {
  if (!/^[a-z]+$/.test(token)) return [];
  const out: string[] = [];
  const firstVowel = [...token].findIndex((c) => VOWELS.includes(c));
  if (firstVowel < 0) return [];
  for (let i = token.length - 1; i > firstVowel; i--) {
    if (TELEX_TONES.includes(token[i]!)) out.push(dropTelexMarks(token.slice(0, i) + token.slice(i + 1)));
  }
  out.push(dropTelexMarks(token));
  return out.filter((r) => r !== token && r.length > 0);
}

/**
 * The folded syllable a VNI-typed token stands for: letters with digits inside or at the end
 * ("tie6u", "xa4", "d9a5t"), never a plain number or a code such as "4g".
 *
 * @example vniReading("huye65n") // "huyen"
 */
export function vniReading(token: string): string | undefined {
  if (!/^[a-z][a-z1-9]*[1-9][a-z1-9]*$/.test(token) && !/^[a-z]+[1-9]+$/.test(token)) return undefined;
  const letters = token.replace(/[1-9]/g, "");
  return letters.length > 0 && letters !== token ? letters : undefined;
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/;

/**
 * Other spellings of an accented syllable: the tone mark moved to another vowel, and i/y swapped at
 * the end ("kĩ"→"kỹ", "tỉ"→"tỷ"). The caller keeps the first one the knowledge base knows.
 *
 * @example spellingVariants("hoà") // includes "hòa"
 */
export function spellingVariants(exact: string): string[] {
  const nfd = exact.normalize("NFD");
  const tone = nfd.match(TONE_MARKS)?.[0];
  const bare = tone ? nfd.replace(TONE_MARKS, "") : nfd;
  const bases = [bare];
  if (/i$/.test(bare)) bases.push(bare.replace(/i$/, "y"));
  else if (/y$/.test(bare)) bases.push(bare.replace(/y$/, "i"));
  const out = new Set<string>();
  for (const b of bases) {
    if (!tone) {
      out.add(b.normalize("NFC"));
      continue;
    }
    const chars = [...b];
    chars.forEach((c, i) => {
      if (!VOWELS.includes(c)) return;
      // Keep quality marks (circumflex, breve, horn) right after their vowel, then the tone.
      let j = i + 1;
      while (j < chars.length && /[\u0302\u0306\u031B]/.test(chars[j]!)) j++;
      out.add([...chars.slice(0, j), tone, ...chars.slice(j)].join("").normalize("NFC"));
    });
  }
  out.delete(exact.normalize("NFC"));
  return [...out];
}
