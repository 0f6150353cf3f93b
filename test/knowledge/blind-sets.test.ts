/**
 * The blind sets of issue 14 (written from the plan alone by people who never read the code),
 * kept as development sets once their first-contact scores were recorded (test/knowledge/SCORES.md).
 * Their thresholds hold the ground gained on them: ≥ 90% (E: its first contact) of in-scope questions answered with every
 * expected fact, and no out-of-scope question answered with confidence.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { evaluate, loadEvalCases } from "../../src/knowledge/evaluation.js";

const knowledge = loadKnowledge({ dir: fileURLToPath(new URL("../../flows/knowledge/", import.meta.url)) });

// C, D and E were held out until scored once; they are development sets since (see SCORES.md). The
// thresholds hold what the fourth pass (plan-word filters, second reading by information) reached.
const minimumInScope: Record<string, number> = {
  "blind-set-a": 0.98,
  "blind-set-b": 0.965,
  "blind-set-c": 0.94,
  "blind-set-d": 0.965,
  "blind-set-e": 127 / 135,
  // F: its first contact (held out until scored once, after the fourth pass).
  "blind-set-f": 112 / 132,
};
/**
 * Out-of-scope questions a set may still see answered with confidence: none, except F at its first
 * contact (five near-misses: a figure the plan gives another level, a reporting schedule, a count
 * in another document). A wrong confident answer is worse than a decline: this only goes down.
 */
const maximumConfidentOutOfScope: Record<string, number> = { "blind-set-f": 5 };
for (const [name, minimum] of Object.entries(minimumInScope)) {
  describe(`answers on ${name}`, () => {
    const cases = loadEvalCases(fileURLToPath(new URL(`./${name}.yaml`, import.meta.url)));
    const report = evaluate(knowledge, cases);
    const failures = (scope: boolean) =>
      report.results
        .filter((r) => r.case.answered === scope && !r.correct)
        .map((r) => `${r.case.q} → ${r.text.slice(0, 120)}`);

    it("has about 150 questions, a fifth of them outside the plan", () => {
      expect(cases.length).toBeGreaterThanOrEqual(150);
      expect(cases.filter((c) => !c.answered).length).toBeGreaterThanOrEqual(25);
    });

    it(`answers at least ${(minimum * 100).toFixed(1)}% of in-scope questions with every expected fact`, () => {
      const { correct, total } = report.inScope;
      expect(correct / total, failures(true).join("\n")).toBeGreaterThanOrEqual(minimum);
    });

    const allowed = maximumConfidentOutOfScope[name] ?? 0;
    it(
      allowed
        ? `answers at most ${allowed} questions outside the plan with confidence`
        : "never answers a question outside the plan with confidence",
      () => {
        expect(failures(false).length, failures(false).join("\n")).toBeLessThanOrEqual(allowed);
      },
    );
  });
}
