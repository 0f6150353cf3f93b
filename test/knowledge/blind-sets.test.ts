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
  "blind-set-c": 128 / 130,
  "blind-set-d": 127 / 130,
  "blind-set-e": 132 / 135,
  "blind-set-f": 128 / 132,
  // First contact 116/136 after the fifth pass; what the sixth pass reached.
  "blind-set-g": 131 / 136,
  // First contact 108/129 after the first half of the sixth pass (see SCORES.md).
  "blind-set-h": 122 / 129,
  // First contact 116/129 at the end of the sixth pass (see SCORES.md).
  "blind-set-i": 123 / 129,
  // J and K: first contact 112/129 and 121/133 at the start of the seventh pass; L: 120/130 in its
  // middle. What the pass reached.
  "blind-set-j": 128 / 129,
  "blind-set-k": 133 / 133,
  "blind-set-l": 130 / 130,
  // M: first contact 115/130 at the end of the seventh pass.
  "blind-set-m": 124 / 130,
  // N: first contact 114/129 after the seventh pass. Since the eighth pass, every threshold is what
  // that pass reached.
  "blind-set-n": 125 / 129,
  // O and P: first contact 119/128 and 110/128 after the first half of the eighth pass (SCORES.md).
  "blind-set-o": 125 / 128,
  "blind-set-p": 122 / 128,
  // Q: first contact 119/128 and 32/32 declined at the end of the eighth pass (the last set scored).
  "blind-set-q": 123 / 128,
  // R: first contact 117/128 and 31/32 declined after a few more changes (the last set scored).
  "blind-set-r": 121 / 128,
  // Ninth pass: S and T first contact 110/128 and 114/128 at its start; W and X 117/128 and 122/128
  // after its first commits; Y 120/128 in its middle; U, V, Z, AA 117, 118, 119, 121/128 near its end;
  // AB and AC 122/128 and 121/128 at its end (SCORES.md). Every threshold is what the pass reached.
  "blind-set-s": 124 / 128,
  "blind-set-t": 126 / 128,
  "blind-set-w": 122 / 128,
  "blind-set-x": 127 / 128,
  "blind-set-y": 125 / 128,
  "blind-set-u": 120 / 128,
  "blind-set-v": 119 / 128,
  "blind-set-z": 122 / 128,
  "blind-set-aa": 123 / 128,
  "blind-set-ab": 122 / 128,
  "blind-set-ac": 121 / 128,
};
/**
 * Out-of-scope questions a set may still see answered with confidence: none. (F's five near-misses
 * at first contact, a figure the plan gives only another level, a reporting schedule, a count in
 * another document, are declined since the fifth pass.) A wrong confident answer is worse than a
 * decline: this only goes down.
 */
const maximumConfidentOutOfScope: Record<string, number> = {
  // None since the ninth pass: H's emulation board, M's procedure, N's online payments, O's ministry
  // and signature issuer, P's personal signatures and R's business QR codes are declined (bodies and
  // programmes the plan never names, what the writer says is not asked, another group's figure).
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
