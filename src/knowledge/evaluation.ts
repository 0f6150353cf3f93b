/**
 * Measures answer quality on a question set (`test/knowledge/dev-set.yaml`, or a held-out set kept
 * elsewhere): an in-scope question is correct when answered confidently with every required fact;
 * an out-of-scope question is correct only when no confident answer is given. A question the plan
 * answers in two different ways (`kind: ambiguous`) is correct only when both are offered as choices,
 * with no confident pick; it counts as in scope.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { normalizeVietnamese } from "./normalize.js";

const caseSchema = z.object({
  q: z.string(),
  cat: z.string().default("general"),
  must: z.array(z.string()).default([]),
  answered: z.boolean().default(true),
  /** "ambiguous": the answer must offer choices (each fact of `must` among them), not answer confidently. */
  kind: z.literal("ambiguous").optional(),
});
export type EvalCase = z.infer<typeof caseSchema>;

export interface EvalResult {
  case: EvalCase;
  correct: boolean;
  answered: boolean;
  text: string;
  missing: string[];
}

export interface EvalReport {
  results: EvalResult[];
  byCategory: Map<string, { correct: number; total: number }>;
  inScope: { correct: number; total: number };
  outOfScope: { correct: number; total: number };
}

/** Anything that answers questions: the knowledge base, or a baseline in the benchmark. */
export interface Answerer {
  ask(question: string, lang: "vi" | "en"): { answered: boolean; text: string; kind?: string };
}

/** Reads and validates a question set. */
export function loadEvalCases(path: string): EvalCase[] {
  return z.array(caseSchema).parse(parse(readFileSync(path, "utf8")));
}

/** Whether the answer states the fact: same words, ignoring case (and, failing that, diacritics). */
export function statesFact(text: string, fact: string): boolean {
  const lower = (s: string) => s.normalize("NFC").toLowerCase();
  if (lower(text).includes(lower(fact))) return true;
  return (
    ` ${normalizeVietnamese(text)} `.includes(` ${normalizeVietnamese(fact)} `) && /[%/]/.test(fact) === false
  );
}

/** Asks every question and scores the answers. */
export function evaluate(knowledge: Answerer, cases: EvalCase[]): EvalReport {
  const results = cases.map((c): EvalResult => {
    const answer = knowledge.ask(c.q, "vi");
    const missing = c.answered || c.kind ? c.must.filter((f) => !statesFact(answer.text, f)) : [];
    const correct = c.kind
      ? !answer.answered && answer.kind === c.kind && missing.length === 0
      : c.answered
        ? answer.answered && missing.length === 0
        : !answer.answered;
    return { case: c, correct, answered: answer.answered, text: answer.text, missing };
  });
  const byCategory = new Map<string, { correct: number; total: number }>();
  const inScope = { correct: 0, total: 0 };
  const outOfScope = { correct: 0, total: 0 };
  for (const r of results) {
    const bucket = byCategory.get(r.case.cat) ?? { correct: 0, total: 0 };
    bucket.total++;
    const scope = r.case.answered || r.case.kind ? inScope : outOfScope;
    scope.total++;
    if (r.correct) {
      bucket.correct++;
      scope.correct++;
    }
    byCategory.set(r.case.cat, bucket);
  }
  return { results, byCategory, inScope, outOfScope };
}
