/**
 * How long the full self-report progress table takes at 10k, 100k and 1M reports: the production
 * path (GROUPING SETS over the trigger-kept SelfReportTally) against two baselines measured on the
 * same rows in the same run — the same figures aggregated straight from SelfReport (jsonb_each, no
 * tally) and a naive JavaScript loop over every fetched row. Also: one submission's latency with
 * the tally upkeep, and the bulk-insert cost of the generated rows.
 *
 *   npx tsx bench/self-reports.bench.ts        (DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
 *   BENCH_SELFREPORTS_MAX=100000 npx tsx bench/self-reports.bench.ts   (skip the 1M step)
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createDb, type Db } from "../src/db/client.js";
import { applyMigrations } from "../src/db/migrate.js";
import { loadIndicators } from "../src/self-reports/indicators.js";
import { progressTable } from "../src/self-reports/progress.js";
import { leaderboard } from "../src/leaderboard/index.js";
import { submitSelfReport } from "../src/self-reports/submission.js";
import { generateReports } from "../test/self-reports/generated-reports.js";
import { scratchDatabase } from "./harness.js";

interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
  ratio?: { to: string; value: number };
}

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TARGET_MS = 200;

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: plan cache, buffers
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Baseline 1: the same per-(level, unit, indicator) and per-(level, indicator) figures, straight from SelfReport. */
async function directGroupBy(db: Db): Promise<unknown[]> {
  return db.$queryRawUnsafe(
    `select r.level, r."unitKey", k.indicator, count(*)::int as respondents, sum(k.met::int)::int as met
       from "SelfReport" r
       cross join lateral (select '*'::text as indicator, false as met union all select e.key, e.value = 'true'::jsonb from jsonb_each(r.indicators) e) k
      where r.current and not r.flagged and r.status not in ('rejected', 'withdrawn')
      group by grouping sets ((r.level, r."unitKey", k.indicator), (r.level, k.indicator))`,
  );
}

/** Baseline 2: fetch every row and count in JavaScript. */
async function naiveJsLoop(db: Db): Promise<number> {
  const rows = await db.$queryRawUnsafe<
    Array<{
      level: string;
      unitKey: string;
      indicators: Record<string, boolean>;
      current: boolean;
      flagged: boolean;
      status: string;
    }>
  >(`select level::text, "unitKey", indicators, current, flagged, status::text from "SelfReport"`);
  const counts = new Map<string, [number, number]>();
  for (const r of rows) {
    if (!r.current || r.flagged || r.status === "rejected" || r.status === "withdrawn") continue;
    for (const unit of [r.unitKey, "*"])
      for (const [id, met] of Object.entries({ "*": false, ...r.indicators })) {
        const k = `${r.level}|${unit}|${id}`;
        const c = counts.get(k) ?? [0, 0];
        c[0]++;
        if (met) c[1]++;
        counts.set(k, c);
      }
  }
  return counts.size;
}

export async function benchSelfReports(): Promise<Figure[]> {
  const max = Number(process.env.BENCH_SELFREPORTS_MAX ?? 1_000_000);
  const steps = [10_000, 100_000, 1_000_000].filter((n) => n <= max);
  const scratch = await scratchDatabase();
  const figures: Figure[] = [];
  const db = createDb(scratch.url, { max: 2 });
  try {
    await applyMigrations(scratch.url);
    const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);
    let have = 0;
    for (const n of steps) {
      const t0 = performance.now();
      await generateReports(db, { count: n - have, codePrefix: `TD-B${n}-` });
      const insertMs = performance.now() - t0;
      have = n;
      await db.$executeRawUnsafe(`vacuum analyze "SelfReport"`);
      await db.$executeRawUnsafe(`vacuum analyze "SelfReportTally"`);
      const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1_000}k`;
      const rows = await progressTable(db, indicators);
      const tallyRows = Number(
        (
          await db.$queryRawUnsafe<Array<{ c: bigint }>>(`select count(*) as c from "SelfReportUnitTally"`)
        )[0]!.c,
      );
      const tally = await median(9, () => progressTable(db, indicators));
      const direct = await median(3, () => directGroupBy(db));
      figures.push({
        name: `progress table, ${label} reports`,
        value: tally,
        unit: "ms",
        note: `${rows.length} rows from ${tallyRows} unit-tally rows; target < ${TARGET_MS} ms ${tally < TARGET_MS ? "met" : "MISSED"}`,
      });
      const board = await leaderboard(db, indicators);
      const ranking = await median(9, () => leaderboard(db, indicators));
      figures.push({
        name: `leaderboard (every level), ${label} reports`,
        value: ranking,
        unit: "ms",
        note: `${board.length} units, ${board.filter((e) => e.rank !== null).length} ranked; from the same tally`,
      });
      figures.push({
        name: `  baseline: GROUP BY on SelfReport, ${label}`,
        value: direct,
        unit: "ms",
        ratio: { to: "tally", value: direct / tally },
      });
      if (n <= 100_000) {
        const js = await median(3, () => naiveJsLoop(db));
        figures.push({
          name: `  baseline: naive JS loop, ${label}`,
          value: js,
          unit: "ms",
          ratio: { to: "tally", value: js / tally },
        });
      }
      figures.push({
        name: `  bulk insert of ${label === "10k" ? "10k" : `${((n - (steps[steps.indexOf(n) - 1] ?? 0)) / 1000).toFixed(0)}k`} generated reports (with tally upkeep)`,
        value: insertMs,
        unit: "ms",
      });
    }
    // One real submission (code allocation, supersede, outbox, tally upkeep) at the largest size.
    const person = await db.person.create({
      data: { channel: "webchat", externalId: randomUUID(), chatId: randomUUID() },
    });
    const submit = await median(9, () =>
      submitSelfReport(db, indicators, {
        personId: person.id,
        idempotencyKey: randomUUID(),
        respondentType: "official",
        level: "commune",
        unit: "Đơn vị 7",
        answers: {
          basic_skills: "done",
          data_skills: "planned",
          work_identity: "yes",
          digital_signature: "no",
        },
        consentVersion: "v1",
        consentAt: new Date(),
      }),
    );
    figures.push({
      name: `one submission incl. supersede + tally, at ${have} reports`,
      value: submit,
      unit: "ms",
    });
  } finally {
    await db.$disconnect();
    await scratch.drop();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchSelfReports();
  for (const f of figures)
    process.stdout.write(
      `${f.name.padEnd(64)} ${f.value.toFixed(1).padStart(10)} ${f.unit}${f.ratio ? `  (${f.ratio.value.toFixed(1)}× ${f.ratio.to})` : ""}${f.note ? `  — ${f.note}` : ""}\n`,
    );
}
