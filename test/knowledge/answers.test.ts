/**
 * Answer quality on the development set: in-scope questions answered with their facts (≥ 97%),
 * and not one confident answer to a question outside the plan.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { evaluate, loadEvalCases } from "../../src/knowledge/evaluation.js";

const knowledge = loadKnowledge({ dir: fileURLToPath(new URL("../../flows/knowledge/", import.meta.url)) });
const cases = loadEvalCases(fileURLToPath(new URL("./dev-set.yaml", import.meta.url)));
const report = evaluate(knowledge, cases);
const failures = (scope: boolean) =>
  report.results
    .filter((r) => r.case.answered === scope && !r.correct)
    .map((r) => `${r.case.q} → ${r.text.slice(0, 120)}`);

describe("answers on the development set", () => {
  it("has at least 200 questions, 30 of them outside the plan", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.filter((c) => !c.answered).length).toBeGreaterThanOrEqual(30);
  });

  it("answers at least 97% of in-scope questions with the required facts", () => {
    const { correct, total } = report.inScope;
    expect(correct / total, failures(true).join("\n")).toBeGreaterThanOrEqual(0.97);
  });

  it("never answers a question outside the plan with confidence", () => {
    expect(failures(false)).toEqual([]);
  });
});
