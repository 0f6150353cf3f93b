/**
 * Reads the plan's content from `flows/knowledge/`: one YAML file per level (criteria with their
 * targets and verbatim quotes) and `vocabulary.yaml` (abbreviations, synonyms, stopwords).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { z } from "zod";
import {
  conceptsSchema,
  knowledgeFileSchema,
  vocabularySchema,
  type Entry,
  type Level,
  type Vocabulary,
} from "./schema.js";

/** Thrown at start-up when a knowledge file is malformed; the message lists every problem found. */
export class KnowledgeFileError extends Error {
  override name = "KnowledgeFileError";
}

/** An entry with its level attached and the search vocabulary it shares with same-topic entries. */
export interface KnowledgeEntry extends Entry {
  level: string;
  /** The id without its level prefix: entries of several levels with one topic share it. */
  topicKey: string;
  /** Keywords of every entry with this topic key, so a synonym written once serves every level. */
  sharedKeywords: { vi: string[]; en: string[] };
}

export interface KnowledgeBase {
  levels: Level[];
  entries: KnowledgeEntry[];
  vocabulary: Vocabulary;
}

function parseWith<T>(schema: z.ZodType<T>, path: string): T {
  const parsed = schema.safeParse(parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    throw new KnowledgeFileError(
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

/**
 * Loads and validates every file of the knowledge folder. Refuses duplicate ids and entries whose
 * id does not start with their level, so button payloads always resolve to exactly one entry.
 *
 * @example const base = loadKnowledgeBase("flows/knowledge");
 */
/** The concept lexicon's file name: not a level's file. */
const CONCEPTS = "concepts.yaml";

export function loadKnowledgeBase(dir: string, options: { concepts?: boolean } = {}): KnowledgeBase {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  const vocabularyFile = files.find((f) => f === "vocabulary.yaml");
  const conceptsFile = files.find((f) => f === CONCEPTS);
  if (!vocabularyFile) throw new KnowledgeFileError(`${dir}: vocabulary.yaml is missing`);
  const vocabulary = parseWith(vocabularySchema, join(dir, vocabularyFile));

  const levels: Level[] = [];
  const entries: KnowledgeEntry[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const file of files.filter((f) => f !== vocabularyFile && f !== CONCEPTS)) {
    const data = parseWith(knowledgeFileSchema, join(dir, file));
    if (seen.has(data.level.id)) problems.push(`${file}: level ${data.level.id} defined twice`);
    seen.add(data.level.id);
    levels.push(data.level);
    for (const entry of data.entries) {
      const [prefix, topicKey] = entry.id.split(".");
      if (prefix !== data.level.id || !topicKey)
        problems.push(`${file}: entry ${entry.id} must be named ${data.level.id}.<topic>`);
      if (seen.has(entry.id)) problems.push(`${file}: id ${entry.id} used twice`);
      seen.add(entry.id);
      entries.push({
        ...entry,
        level: data.level.id,
        topicKey: topicKey ?? entry.id,
        sharedKeywords: { vi: [], en: [] },
      });
    }
  }
  if (conceptsFile && options.concepts) {
    const concepts = parseWith(conceptsSchema, join(dir, conceptsFile));
    const byId = new Map(entries.map((e) => [e.id, e]));
    for (const [id, value] of Object.entries(concepts)) {
      const entry = byId.get(id);
      const words = "same" in value ? concepts[value.same] : value;
      if (!entry) problems.push(`${CONCEPTS}: no entry ${id}`);
      else if (!words || "same" in words)
        problems.push(`${CONCEPTS}: ${id}: same: needs an entry with its own words`);
      else
        entry.keywords = { vi: [...entry.keywords.vi, ...words.vi], en: [...entry.keywords.en, ...words.en] };
    }
  }
  if (problems.length) throw new KnowledgeFileError(problems.join("; "));

  const byTopic = new Map<string, { vi: Set<string>; en: Set<string> }>();
  for (const e of entries) {
    const bag = byTopic.get(e.topicKey) ?? { vi: new Set<string>(), en: new Set<string>() };
    e.keywords.vi.forEach((k) => bag.vi.add(k));
    e.keywords.en.forEach((k) => bag.en.add(k));
    byTopic.set(e.topicKey, bag);
  }
  for (const e of entries) {
    const bag = byTopic.get(e.topicKey)!;
    e.sharedKeywords = { vi: [...bag.vi], en: [...bag.en] };
  }
  levels.sort((a, b) => a.order - b.order);
  return { levels, entries, vocabulary };
}
