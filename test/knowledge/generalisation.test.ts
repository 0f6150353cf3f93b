/**
 * Answer quality on the generalisation set: questions written from the plan alone, without looking
 * at the development set or the search code, in the styles real users type (no diacritics, Telex/VNI
 * remnants, teencode, abbreviations, fragments, English) with tricky near-domain questions outside
 * the plan. Same thresholds as the development set: ≥ 97% of in-scope questions answered with their
 * facts, and not one confident answer to a question outside the plan.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { evaluate, loadEvalCases } from "../../src/knowledge/evaluation.js";

const knowledge = loadKnowledge({ dir: fileURLToPath(new URL("../../flows/knowledge/", import.meta.url)) });
const cases = loadEvalCases(fileURLToPath(new URL("./generalisation-set.yaml", import.meta.url)));
const report = evaluate(knowledge, cases);
const failures = (scope: boolean) =>
  report.results
    .filter((r) => r.case.answered === scope && !r.correct)
    .map((r) => `${r.case.q} → ${r.text.slice(0, 120)}`);

describe("answers on the generalisation set", () => {
  it("has at least 200 questions, 40 of them outside the plan", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.filter((c) => !c.answered).length).toBeGreaterThanOrEqual(40);
  });

  it("answers at least 97% of in-scope questions with the required facts", () => {
    const { correct, total } = report.inScope;
    expect(correct / total, failures(true).join("\n")).toBeGreaterThanOrEqual(0.97);
  });

  it("never answers a question outside the plan with confidence", () => {
    expect(failures(false)).toEqual([]);
  });
});
