/**
 * During a campaign most citizens ask the same few questions in the same words. An answer is a
 * pure function of the text and the language over content fixed at start-up, so the running
 * system keeps recent answers (least recently used out first). The search itself stays uncached
 * for the CLI, the evaluation and the benchmark, which measure it.
 */
import type { Lang } from "../i18n/locales.js";
import type { KnowledgeAnswer } from "./answer.js";
import type { Knowledge } from "./knowledge.js";

/** Longer texts are rarely repeated word for word; not worth a slot. */
const MAX_CACHED_QUESTION = 300;

/** @example const knowledge = withAnswerCache(loadKnowledge({ dir }), 5_000) */
export function withAnswerCache(knowledge: Knowledge, size = 5_000): Knowledge {
  const recent = new Map<string, KnowledgeAnswer>();
  return {
    levels: (lang) => knowledge.levels(lang),
    entriesOf: (levelId, lang) => knowledge.entriesOf(levelId, lang),
    show: (id, lang) => knowledge.show(id, lang),
    criterionFor: (category, lang) => knowledge.criterionFor(category, lang),
    size: () => knowledge.size(),
    ask(question: string, lang: Lang): KnowledgeAnswer {
      if (question.length > MAX_CACHED_QUESTION) return knowledge.ask(question, lang);
      const key = `${lang}\u0000${question}`;
      const hit = recent.get(key);
      if (hit) {
        // Re-inserted so the Map's order stays least-recently-used first.
        recent.delete(key);
        recent.set(key, hit);
        return hit;
      }
      const answer = knowledge.ask(question, lang);
      recent.set(key, answer);
      if (recent.size > size) recent.delete(recent.keys().next().value!);
      return answer;
    },
  };
}
