/**
 * The knowledge answers' own interface strings (`knowledge.*` in `locales/<lang>/knowledge.yaml`).
 * The application passes its shared translator; the CLI, which must run without the rest of the
 * system, reads just these two files.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { LANGS, type Lang, type Translator, type Vars } from "../i18n/locales.js";

export type Wording = (lang: Lang, key: string, vars?: Vars) => string;

const fileSchema = z.object({ knowledge: z.record(z.string(), z.string()) });

/** Wording from the application's translator (keys are looked up as `knowledge.<key>`). */
export function wordingFrom(translator: Translator): Wording {
  return (lang, key, vars) => translator.t(lang, `knowledge.${key}`, vars);
}

/**
 * Reads `locales/<lang>/knowledge.yaml` for both languages and refuses keys present in one only.
 *
 * @example const say = loadWording("locales"); say("vi", "ambiguous")
 */
export function loadWording(localesDir: string): Wording {
  const tables = new Map<Lang, Record<string, string>>();
  for (const lang of LANGS) {
    const path = join(localesDir, lang, "knowledge.yaml");
    const parsed = fileSchema.safeParse(parse(readFileSync(path, "utf8")));
    if (!parsed.success)
      throw new Error(
        `${path}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    tables.set(lang, parsed.data.knowledge);
  }
  const vi = Object.keys(tables.get("vi")!);
  const en = Object.keys(tables.get("en")!);
  const missing = [...vi.filter((k) => !en.includes(k)), ...en.filter((k) => !vi.includes(k))];
  if (missing.length) throw new Error(`knowledge locale keys out of step: ${missing.join(", ")}`);
  return (lang, key, vars) => {
    const s = tables.get(lang)![key];
    if (s === undefined) throw new Error(`unknown locale key knowledge.${key}`);
    return vars ? s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : s;
  };
}
