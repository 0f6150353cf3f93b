/**
 * `npm run bench`: every benchmark, printed as one table of figures with ratios against
 * baselines measured in the same run, and written to bench/results.json.
 * Select groups with BENCH_ONLY=webhook,e2e,knowledge,selfreports,startup,idle,announcements,webchat.
 */
import { writeFileSync } from "node:fs";
import { ROOT, type Figure } from "./harness.js";

type Bench = () => Promise<Array<Figure | { name: string; value: number; unit: string; note?: string }>>;

const only = process.env.BENCH_ONLY?.split(",");
const suites: Array<[string, () => Promise<Bench>]> = [
  ["knowledge", async () => (await import("./knowledge.bench.js")).benchKnowledge as Bench],
  ["selfreports", async () => (await import("./self-reports.bench.js")).benchSelfReports as Bench],
  ["startup", async () => (await import("./startup.bench.js")).benchStartup as Bench],
  ["idle", async () => (await import("./idle.bench.js")).benchIdle as Bench],
  ["webhook", async () => (await import("./webhook.bench.js")).benchWebhooks as Bench],
  ["e2e", async () => (await import("./e2e.bench.js")).benchEndToEnd as Bench],
  ["announcements", async () => (await import("./announcements.bench.js")).benchAnnouncements as Bench],
  ["webchat", async () => (await import("./webchat-attack.bench.js")).benchWebchatAttack as Bench],
];

const all: Figure[] = [];
for (const [name, load] of suites) {
  if (only && !only.includes(name)) continue;
  process.stderr.write(`running ${name}…\n`);
  try {
    const figures = await (await load())();
    for (const f of figures) all.push("group" in f ? f : { group: name, ...f });
  } catch (err) {
    process.stderr.write(`${name} failed: ${(err as Error).stack ?? err}\n`);
    all.push({ group: name, name: "FAILED", value: NaN, unit: "", note: String((err as Error).message) });
  }
}

const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : "n/a");
let group = "";
const lines: string[] = [];
for (const f of all) {
  if (f.group !== group) {
    group = f.group;
    lines.push("", `## ${group}`);
  }
  const ratio = f.ratio ? `  (${f.ratio.value.toFixed(2)}× ${f.ratio.to})` : "";
  lines.push(
    `  ${f.name.padEnd(44)} ${fmt(f.value).padStart(10)} ${f.unit}${ratio}${f.note ? `  — ${f.note}` : ""}`,
  );
}
process.stdout.write(`${lines.join("\n")}\n`);
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  command: "npm run bench",
  cpus: (await import("node:os")).cpus().length,
};
// A partial run (BENCH_ONLY) must not overwrite the figures of the last full run.
const out = only ? "bench/results.partial.json" : "bench/results.json";
writeFileSync(`${ROOT}${out}`, `${JSON.stringify({ ...meta, only, figures: all }, null, 2)}\n`);
process.exit(0);
