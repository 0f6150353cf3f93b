/**
 * Interface strings live in `locales/<lang>/*.yaml` so content owners can edit wording without
 * touching code. Every file of a language is merged into one flat key space ("nomination.ask_name").
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

export const LANGS = ["vi", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const langSchema = z.enum(LANGS);

/** A nested YAML tree whose leaves are strings (or lists of strings, joined by newlines). */
type Tree = { [key: string]: string | string[] | Tree };
const treeSchema: z.ZodType<Tree> = z.lazy(() =>
  z.record(z.string(), z.union([z.string(), z.array(z.string()), treeSchema])),
);

/** Thrown at start-up when a locale file is malformed or a language lacks keys the other has. */
export class LocaleError extends Error {
  override name = "LocaleError";
}

export type Vars = Record<string, string | number>;

export interface Translator {
  /** The string for `key` in `lang`, with `{name}` placeholders filled. Unknown keys throw: a missing string is a bug, not something to show a citizen. */
  t(lang: Lang, key: string, vars?: Vars): string;
  /** Whether `key` exists (used by flow validation at start-up). */
  has(key: string): boolean;
  /** Every key of a language, for checks. */
  keys(lang: Lang): string[];
}

function flatten(tree: Tree, prefix: string, out: Map<string, string>, file: string): void {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else if (Array.isArray(v)) out.set(key, v.join("\n"));
    else flatten(v, key, out, file);
  }
}

/**
 * Loads `locales/vi` and `locales/en`. Refuses to start when a key exists in one language but not
 * the other, so an English user never sees a raw key.
 *
 * @example const i18n = loadLocales("locales"); i18n.t("vi", "menu.title")
 */
export function loadLocales(dir: string): Translator {
  const tables = new Map<Lang, Map<string, string>>();
  for (const lang of LANGS) {
    const table = new Map<string, string>();
    const langDir = join(dir, lang);
    for (const file of readdirSync(langDir)
      .filter((f) => f.endsWith(".yaml"))
      .sort()) {
      const path = join(langDir, file);
      const parsed = treeSchema.safeParse(parse(readFileSync(path, "utf8")) ?? {});
      if (!parsed.success)
        throw new LocaleError(
          `${path}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        );
      const local = new Map<string, string>();
      flatten(parsed.data, "", local, path);
      for (const [k, v] of local) {
        if (table.has(k)) throw new LocaleError(`${path}: key ${k} is defined twice`);
        table.set(k, v);
      }
    }
    tables.set(lang, table);
  }
  const vi = tables.get("vi")!;
  const en = tables.get("en")!;
  const missing = [
    ...[...vi.keys()].filter((k) => !en.has(k)).map((k) => `en lacks ${k}`),
    ...[...en.keys()].filter((k) => !vi.has(k)).map((k) => `vi lacks ${k}`),
  ];
  if (missing.length) throw new LocaleError(`locale keys out of step: ${missing.slice(0, 20).join(", ")}`);

  return {
    t(lang, key, vars) {
      const s = tables.get(lang)!.get(key);
      if (s === undefined) throw new LocaleError(`unknown locale key ${key}`);
      if (!vars) return s;
      return s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
    },
    has: (key) => vi.has(key),
    keys: (lang) => [...tables.get(lang)!.keys()],
  };
}
