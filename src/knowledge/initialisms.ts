/**
 * Abbreviations officials type that nobody wrote down: "HSCV", "CSDL", "ĐCS", "DVCT". Vietnamese
 * administrative shorthand is the initials of a phrase's syllables, so every phrase of the plan's
 * own text can be abbreviated that way. The plan's phrases are read once, and a run of initials
 * that names exactly one of them means that phrase, as the vocabulary's hand-written abbreviations
 * do. Only runs that are no syllable anyone writes (no vowel) are taken. Two letters name many
 * things ("hs": "hồ sơ" or "học sinh"), so a two-letter run is taken only for a name the plan keeps
 * using, in many passages, far more than any other name with those initials ("cq" for "cơ quan",
 * "nn" for "Nhà nước"); "an" is a word.
 */
import type { Vocabulary } from "./schema.js";
import { exactForm, foldDiacritics, syllables } from "./normalize.js";

const VOWELS = /[aeiouy]/;
const MIN_LETTERS = 3;
/** A two-letter run's name recurs in this many passages at least, and this many times any other's. */
const PAIR_PASSAGES = 3;
const PAIR_DOMINANCE = 3;
const MAX_SYLLABLES = 6;

/**
 * @param texts the plan's passages, each as its texts (quote, topic), Vietnamese.
 * @param stopwords function words ("của", "và", "được"), with their diacritics ("có" is one, "cơ" is not).
 * @param taken abbreviations and words the vocabulary already gives a meaning (never overridden).
 * @example initialisms([["hồ sơ công việc cấp xã"], ["hồ sơ công việc cấp huyện"]], new Set(), new Set()) // [{ terms: ["hscv"], means: "ho so cong viec" }, …]
 */
export function initialisms(
  texts: string[][],
  taken: Set<string>,
  stopwords: Set<string>,
): Vocabulary["synonyms"] {
  const phrases = new Map<string, Set<string>>();
  /** In how many passages a phrase occurs: one said once is a turn of phrase, not a concept to abbreviate. */
  const passages = new Map<string, number>();
  /** The function words inside a phrase, folded. */
  const inner = new Map<string, Set<string>>();
  /** The syllables seen before and after a two-syllable run ("" at a clause's edge). */
  const sides = new Map<string, { before: Set<string>; after: Set<string> }>();
  for (const passage of texts) {
    const seen = new Set<string>();
    // A phrase never runs across a comma, parenthesis or full stop: "hồ sơ, công việc" is two things.
    for (const text of passage)
      for (const clause of text.split(/[,.;:()“”"–—-]/u)) {
        const exact = syllables(exactForm(clause));
        const tokens = exact.map(foldDiacritics);
        for (let i = 0; i < tokens.length; i++)
          for (let n = 1; n <= MAX_SYLLABLES && i + n <= tokens.length; n++) {
            if (!/^[a-z]+$/.test(tokens[i + n - 1]!)) break;
            // Shorthand abbreviates names: a run that starts or ends on "của", "trên", "và" is a
            // stretch of a sentence, not a name ("địa chỉ số" keeps the "chỉ" inside it).
            if (stopwords.has(exact[i]!)) break;
            if (n < 2 || stopwords.has(exact[i + n - 1]!)) continue;
            const words = tokens.slice(i, i + n);
            const letters = words.map((w) => w[0]).join("");
            const set = phrases.get(letters) ?? new Set<string>();
            set.add(words.join(" "));
            phrases.set(letters, set);
            seen.add(words.join(" "));
            const fn = exact.slice(i, i + n).flatMap((e, k) => (stopwords.has(e) ? [tokens[i + k]!] : []));
            if (fn.length) inner.set(words.join(" "), new Set(fn));
            if (n === 2) {
              const side = sides.get(words.join(" ")) ?? { before: new Set(), after: new Set() };
              side.before.add(tokens[i - 1] ?? "");
              side.after.add(tokens[i + 2] ?? "");
              sides.set(words.join(" "), side);
            }
          }
      }
    for (const p of seen) passages.set(p, (passages.get(p) ?? 0) + 1);
  }
  const out: Vocabulary["synonyms"] = [];
  for (const [letters, meanings] of phrases) {
    if (VOWELS.test(letters) || taken.has(letters)) continue;
    if (letters.length < MIN_LETTERS) {
      // A word of its own is met among different neighbours; "ban nhân" (of "Ủy ban nhân dân") or
      // "đổi số" (of "chuyển đổi số") always sits inside the same longer name.
      const word = (m: string) => {
        const side = sides.get(m);
        return side !== undefined && side.before.size >= 2 && side.after.size >= 2;
      };
      const uses = (m: string) => passages.get(m)!;
      const top = [...meanings].filter((m) => !inner.has(m) && word(m)).sort((a, b) => uses(b) - uses(a))[0];
      // Against every other run with those initials, word or not ("bồi dưỡng" beside "bảo đảm").
      const next = Math.max(0, ...[...meanings].filter((m) => m !== top).map(uses));
      if (top && uses(top) >= PAIR_PASSAGES && uses(top) >= PAIR_DOMINANCE * next)
        out.push({ terms: [letters], means: top });
      continue;
    }
    // A name of content words only ("giao thông thông minh") is one even if the plan says it once;
    // a run with a function word inside ("dịch vụ công trên …") only if it recurs.
    const names = [...meanings].filter((m) => !m.split(" ").some((w) => inner.get(m)?.has(w)));
    const recurring = [...meanings].filter((m) => passages.get(m)! >= 2);
    const means =
      names.length === 1 ? names[0] : names.length === 0 && recurring.length === 1 ? recurring[0] : undefined;
    if (means) out.push({ terms: [letters], means });
  }
  return out;
}
