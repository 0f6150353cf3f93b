/**
 * What a typed answer means: cleaning free text, and the validators of each step kind. Every
 * failure carries a locale key, so the user is told precisely and politely what to fix.
 */
import { fold } from "../i18n/fold.js";
import { cleanText } from "../text/free-text.js";

export { cleanText };

export type Invalid = { ok: false; reason: string; vars?: Record<string, string | number> };
export type Valid<T> = { ok: true; value: T };

/** Length in user-perceived characters (code points), so Vietnamese counts as people see it. */
export function charLength(text: string): number {
  return [...text].length;
}

export function validateText(text: string, min: number, max: number): Valid<string> | Invalid {
  const v = cleanText(text);
  const n = charLength(v);
  if (n < min) return { ok: false, reason: "conversation.invalid.too_short", vars: { min, length: n } };
  if (n > max) return { ok: false, reason: "conversation.invalid.too_long", vars: { max, length: n } };
  return { ok: true, value: v };
}

/** Vietnamese mobile prefixes (after the 2018 renumbering): 03x, 05x, 07x, 08x, 09x. */
const MOBILE = /^(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$/;

/**
 * Accepts 0912 345 678, 0912.345.678, +84 912345678, 84912345678, (+84) 912-345-678; returns +84….
 *
 * @example validatePhone("0912 345 678") // { ok: true, value: "+84912345678" }
 */
export function validatePhone(text: string): Valid<string> | Invalid {
  const digits = cleanText(text).replace(/[\s.\-()]/g, "");
  const national = digits.startsWith("+84")
    ? digits.slice(3)
    : digits.startsWith("84") && digits.length === 11
      ? digits.slice(2)
      : digits.startsWith("0")
        ? digits.slice(1)
        : null;
  if (national === null || !MOBILE.test(national)) return { ok: false, reason: "conversation.invalid.phone" };
  return { ok: true, value: `+84${national}` };
}

export function validateEmail(text: string): Valid<string> | Invalid {
  const v = cleanText(text).toLowerCase();
  if (v.length > 254 || !/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(v))
    return { ok: false, reason: "conversation.invalid.email" };
  return { ok: true, value: v };
}

/** dd/mm/yyyy (or with - or .), returned as ISO yyyy-mm-dd; `today` decides past/future. */
export function validateDate(
  text: string,
  opts: { past: boolean; future: boolean; today: Date },
): Valid<string> | Invalid {
  const m = /^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$/.exec(cleanText(text));
  if (!m) return { ok: false, reason: "conversation.invalid.date" };
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return { ok: false, reason: "conversation.invalid.date" };
  const iso = date.toISOString().slice(0, 10);
  const today = opts.today.toISOString().slice(0, 10);
  if (opts.past && iso > today) return { ok: false, reason: "conversation.invalid.date_future" };
  if (opts.future && iso < today) return { ok: false, reason: "conversation.invalid.date_past" };
  return { ok: true, value: iso };
}

export function validateNumber(
  text: string,
  opts: { min: number; max: number; integer: boolean },
): Valid<number> | Invalid {
  const v = cleanText(text)
    .replace(/\s/g, "")
    .replace(/\.(?=\d{3}(\D|$))/g, "")
    .replace(",", ".");
  const n = Number(v);
  if (!v || !Number.isFinite(n)) return { ok: false, reason: "conversation.invalid.number" };
  if (opts.integer && !Number.isInteger(n)) return { ok: false, reason: "conversation.invalid.integer" };
  if (n < opts.min || n > opts.max)
    return { ok: false, reason: "conversation.invalid.range", vars: { min: opts.min, max: opts.max } };
  return { ok: true, value: n };
}

/** An http(s) link typed as evidence. */
export function parseLink(text: string): string | null {
  const v = cleanText(text);
  if (!/^https?:\/\/\S+$/i.test(v) || v.length > 2000) return null;
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : null;
  } catch {
    return null;
  }
}

const NUMBER_WORDS: Record<string, number> = {
  mot: 1,
  hai: 2,
  ba: 3,
  bon: 4,
  tu: 4,
  nam: 5,
  sau: 6,
  bay: 7,
  tam: 8,
  chin: 9,
  muoi: 10,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

/** "2", "số 2", "so 2", "hai", "2." → 2; anything else → null. */
export function choiceNumber(text: string): number | null {
  const n = fold(text).replace(/^(so|muc|chon|number|no)\s+/, "");
  if (/^\d{1,3}$/.test(n)) return Number(n);
  return NUMBER_WORDS[n] ?? null;
}

export interface Matchable {
  id: string;
  label: string;
  aliases?: string[];
}

/**
 * Matches a typed answer to one of `choices`: by its number, by its label or an alias with or
 * without diacritics, or (unless `loose` is false) by a unique prefix or unique containing phrase.
 * Ambiguity is no match.
 *
 * @example matchChoice("hai", choices) // the second choice
 */
export function matchChoice<T extends Matchable>(
  text: string,
  choices: readonly T[],
  opts: { numbers?: boolean; loose?: boolean } = {},
): T | null {
  const num = opts.numbers === false ? null : choiceNumber(text);
  if (num !== null) return choices[num - 1] ?? null;
  const q = fold(text);
  if (!q) return null;
  const forms = (c: T) => [c.label, ...(c.aliases ?? [])].map((f) => fold(f));
  const exact = choices.filter((c) => forms(c).includes(q));
  if (exact.length === 1) return exact[0]!;
  if (q.length < 2 || opts.loose === false) return null;
  const prefix = choices.filter((c) => forms(c).some((f) => f.startsWith(q)));
  if (prefix.length === 1) return prefix[0]!;
  if (q.length < 3) return null;
  const within = choices.filter((c) =>
    forms(c).some((f) => ` ${f} `.includes(` ${q} `) || ` ${q} `.includes(` ${f} `)),
  );
  return within.length === 1 ? within[0]! : null;
}
