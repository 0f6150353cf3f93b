/**
 * The blind sets of issue 14 (written from the plan alone by people who never read the code),
 * kept as development sets once their first-contact scores were recorded (test/knowledge/SCORES.md).
 * Their thresholds hold the ground gained on them: the in-scope share each reached, answered with every expected fact,
 * and no out-of-scope question answered with confidence.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { evaluate, loadEvalCases } from "../../src/knowledge/evaluation.js";

const knowledge = loadKnowledge({ dir: fileURLToPath(new URL("../../flows/knowledge/", import.meta.url)) });

// C to N were held out until scored once; they are development sets since (see SCORES.md).
// The thresholds hold what the fifth pass reached (F's first contact was 112/132 with five confident
// out-of-scope answers).
const minimumInScope: Record<string, number> = {
  "blind-set-a": 126 / 126,
  "blind-set-b": 129 / 130,
  "blind-set-c": 127 / 130,
  "blind-set-d": 127 / 130,
  "blind-set-e": 131 / 135,
  "blind-set-f": 127 / 132,
  // First contact 116/136 after the fifth pass; what the sixth pass reached.
  "blind-set-g": 129 / 136,
  // First contact 108/129 after the first half of the sixth pass (see SCORES.md).
  "blind-set-h": 122 / 129,
  // First contact 116/129 at the end of the sixth pass (see SCORES.md).
  "blind-set-i": 120 / 129,
  // J and K: first contact 112/129 and 121/133 at the start of the seventh pass; L: 120/130 in its
  // middle. What the pass reached.
  "blind-set-j": 123 / 129,
  "blind-set-k": 130 / 133,
  "blind-set-l": 129 / 130,
  // M: first contact 115/130 at the end of the seventh pass.
  "blind-set-m": 121 / 130,
  // N: first contact 114/129 after the seventh pass. Since the eighth pass, every threshold is what
  // that pass reached.
  "blind-set-n": 121 / 129,
  // O and P: first contact 119/128 and 110/128 after the first half of the eighth pass (SCORES.md).
  "blind-set-o": 121 / 128,
  "blind-set-p": 117 / 128,
  // Q: first contact 119/128 and 32/32 declined at the end of the eighth pass (the last set scored).
  "blind-set-q": 120 / 128,
  // R: first contact 117/128 and 31/32 declined after a few more changes (the last set scored).
  "blind-set-r": 117 / 128,
};
/**
 * Out-of-scope questions a set may still see answered with confidence: none. (F's five near-misses
 * at first contact, a figure the plan gives only another level, a reporting schedule, a count in
 * another document, are declined since the fifth pass.) A wrong confident answer is worse than a
 * decline: this only goes down.
 */
const maximumConfidentOutOfScope: Record<string, number> = {
  // G's and I's villages are declined since the eighth pass (the commune's targets are still shown,
  // with the plan's note, as an answer that is not confident).
  // H's first contact: the provincial emulation board's role, answered with the reward passages.
  "blind-set-h": 1,
  // M: where to get a QR identity for a parent and with which papers (a procedure), answered with
  // the QR target.
  "blind-set-m": 1,
  // N: an online-payment share the plan never sets (answered with the online-procedures target).
  "blind-set-n": 1,
  // O: whether the Ministry of Information issued guidance for the movement, and which body issues
  // the special-purpose digital signatures (both answered with the nearest passage).
  "blind-set-o": 2,
  // P: a share of commune officials to be issued personal digital signatures (a near miss of the
  // signed-documents target).
  "blind-set-p": 1,
  // R's first contact: one near miss answered with confidence (not looked into: R is the last set).
  "blind-set-r": 1,
};
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
