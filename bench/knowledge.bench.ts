/**
 * Knowledge answering: latency over the whole development set and index build time, beside
 * MiniSearch and Fuse.js with default settings over the same entries and questions, so that every
 * figure is read against baselines measured in the same run.
 *
 *   npx tsx bench/knowledge.bench.ts        (or through `npm run bench`)
 */
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import Fuse from "fuse.js";
import MiniSearch from "minisearch";
import { loadKnowledge } from "../src/knowledge/index.js";
import { loadKnowledgeBase, type KnowledgeEntry } from "../src/knowledge/knowledge-base.js";
import { evaluate, loadEvalCases, type Answerer } from "../src/knowledge/evaluation.js";

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const dir = fileURLToPath(new URL("../flows/knowledge/", import.meta.url));
const devSet = fileURLToPath(new URL("../test/knowledge/dev-set.yaml", import.meta.url));
const ROUNDS = 5;

interface Doc {
  id: string;
  topic: string;
  keywords: string;
  quote: string;
  answer: string;
}

function docsOf(entries: KnowledgeEntry[]): Doc[] {
  return entries.map((e) => ({
    id: e.id,
    topic: `${e.topic.vi} ${e.topic.en}`,
    keywords: [...e.sharedKeywords.vi, ...e.sharedKeywords.en].join(", "),
    quote: e.quote,
    answer: `${e.answer.vi} ${e.answer.en}`,
  }));
}

/** A baseline answers with its top hit's text, and "answers" whenever it has a hit. */
function answererFrom(top: (q: string) => Doc | undefined): Answerer {
  return {
    ask(q) {
      const hit = top(q);
      return hit
        ? { answered: true, text: `${hit.answer}\n${hit.quote}\n${hit.topic}` }
        : { answered: false, text: "" };
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function timeQuestions(answerer: Answerer, questions: string[]): { p50: number; p99: number } {
  for (const q of questions) answerer.ask(q, "vi"); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const q of questions) {
      const t = performance.now();
      answerer.ask(q, "vi");
      samples.push(performance.now() - t);
    }
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

function timeBuild<T>(build: () => T): { value: T; ms: number } {
  build(); // warm-up (module loading, JIT)
  const runs: number[] = [];
  let value = build();
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    value = build();
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  return { value, ms: runs[Math.floor(runs.length / 2)]! };
}

/** Runs the benchmark and returns its figures (the lead's `bench/run.ts` prints them with the others). */
export async function benchKnowledge(): Promise<BenchFigure[]> {
  const cases = loadEvalCases(devSet);
  const questions = cases.map((c) => c.q);
  const docs = docsOf(loadKnowledgeBase(dir).entries);

  const ours = timeBuild(() => loadKnowledge({ dir }));
  const mini = timeBuild(() => {
    const m = new MiniSearch<Doc>({ fields: ["topic", "keywords", "quote", "answer"], storeFields: ["id"] });
    m.addAll(docs);
    return m;
  });
  const fuse = timeBuild(() => new Fuse(docs, { keys: ["topic", "keywords", "quote", "answer"] }));

  const byId = new Map(docs.map((d) => [d.id, d]));
  const miniAnswerer = answererFrom((q) => {
    const hit = mini.value.search(q)[0];
    return hit ? byId.get(String(hit.id)) : undefined;
  });
  const fuseAnswerer = answererFrom((q) => fuse.value.search(q)[0]?.item);

  const figures: BenchFigure[] = [];
  const contenders: [string, Answerer, number][] = [
    ["knowledge", ours.value, ours.ms],
    ["minisearch-default", miniAnswerer, mini.ms],
    ["fuse-default", fuseAnswerer, fuse.ms],
  ];
  const results = contenders.map(([name, answerer, buildMs]) => {
    const report = evaluate(answerer, cases);
    const latency = timeQuestions(answerer, questions);
    return {
      name,
      buildMs,
      latency,
      inScope: report.inScope.correct / report.inScope.total,
      refused: report.outOfScope.correct / report.outOfScope.total,
    };
  });
  const base = results[0]!;
  for (const r of results) {
    const vs =
      r === base ? undefined : `knowledge/baseline ${(base.latency.p50 / r.latency.p50).toFixed(2)}x`;
    figures.push({
      name: `${r.name} answer p50`,
      value: round(r.latency.p50),
      unit: "ms",
      note: vs ?? "target < 1 ms",
    });
    figures.push({
      name: `${r.name} answer p99`,
      value: round(r.latency.p99),
      unit: "ms",
      note: r === base ? "target < 5 ms" : undefined,
    });
    figures.push({
      name: `${r.name} index build`,
      value: round(r.buildMs),
      unit: "ms",
      note: r === base ? "load YAML + index; target < 300 ms" : undefined,
    });
    figures.push({
      name: `${r.name} in-scope accuracy`,
      value: round(100 * r.inScope),
      unit: "%",
      note: `${cases.length} dev-set questions`,
    });
    figures.push({ name: `${r.name} out-of-scope refused`, value: round(100 * r.refused), unit: "%" });
  }
  return figures;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await benchKnowledge();
  console.log("figure".padEnd(44) + "value".padStart(10) + "  unit  note");
  for (const f of figures)
    console.log(f.name.padEnd(44) + String(f.value).padStart(10) + `  ${f.unit.padEnd(4)}  ${f.note ?? ""}`);
}
