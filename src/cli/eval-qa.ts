/**
 * `npm run eval:qa [-- [--file] path/to/questions.yaml] [--verbose]`: accuracy of the knowledge
 * answers per category on the development set (default) or any question set in the same format.
 */
import { resolve } from "node:path";
import { loadKnowledge } from "../knowledge/index.js";
import { evaluate, loadEvalCases } from "../knowledge/evaluation.js";

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const fileAt = args.indexOf("--file");
const named =
  fileAt >= 0 ? args[fileAt + 1] : args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--file");
const path = resolve(named ?? "test/knowledge/dev-set.yaml");
const knowledge = loadKnowledge({ dir: resolve("flows/knowledge") });
const report = evaluate(knowledge, loadEvalCases(path));

const pct = (c: { correct: number; total: number }) =>
  c.total ? ((100 * c.correct) / c.total).toFixed(1) : "-";
console.log(`question set: ${path}`);
console.log("category".padEnd(16) + "correct".padStart(9) + "total".padStart(7) + "accuracy".padStart(10));
for (const [cat, c] of [...report.byCategory].sort())
  console.log(
    cat.padEnd(16) + String(c.correct).padStart(9) + String(c.total).padStart(7) + `${pct(c)}%`.padStart(10),
  );
console.log(`in scope: ${pct(report.inScope)}% (${report.inScope.correct}/${report.inScope.total})`);
console.log(
  `out of scope refused: ${pct(report.outOfScope)}% (${report.outOfScope.correct}/${report.outOfScope.total})`,
);
for (const r of report.results.filter((x) => !x.correct)) {
  console.log(
    `✗ [${r.case.cat}] ${JSON.stringify(r.case.q)} answered=${r.answered}${r.missing.length ? ` missing=${JSON.stringify(r.missing)}` : ""}`,
  );
  if (verbose) console.log(`   ${r.text.replace(/\n/g, "\n   ")}`);
}
