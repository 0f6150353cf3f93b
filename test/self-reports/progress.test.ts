/**
 * The progress figures on 10,000 generated reports agree with an independent computation done
 * here in plain JavaScript over the raw rows.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadIndicators, type Level } from "../../src/self-reports/indicators.js";
import {
  PRIVACY_MIN_REPORTS,
  progressTable,
  progressTrend,
  rebuildTally,
  type ProgressRow,
} from "../../src/self-reports/progress.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { generateReports } from "./generated-reports.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);

interface RawReport {
  level: Level;
  unitKey: string;
  indicators: Record<string, boolean>;
  current: boolean;
  flagged: boolean;
  status: string;
  createdAt: Date;
}

/** The rules, restated independently of the SQL: what counts, grouping, privacy, gap. */
function expectedTable(rows: RawReport[]): Map<string, Omit<ProgressRow, "unit">> {
  const counted = rows.filter(
    (r) => r.current && !r.flagged && r.status !== "rejected" && r.status !== "withdrawn",
  );
  const groups = new Map<
    string,
    {
      level: Level;
      unitKey: string | null;
      reports: number;
      ind: Map<string, { respondents: number; met: number }>;
    }
  >();
  for (const r of counted) {
    for (const unitKey of [r.unitKey, null]) {
      const gk = `${r.level}|${unitKey ?? "*"}`;
      let g = groups.get(gk);
      if (!g) groups.set(gk, (g = { level: r.level, unitKey, reports: 0, ind: new Map() }));
      g.reports++;
      for (const [id, met] of Object.entries(r.indicators)) {
        const c = g.ind.get(id) ?? { respondents: 0, met: 0 };
        c.respondents++;
        if (met) c.met++;
        g.ind.set(id, c);
      }
    }
  }
  const out = new Map<string, Omit<ProgressRow, "unit">>();
  for (const g of groups.values())
    for (const [indicator, c] of g.ind) {
      const visible = g.reports >= PRIVACY_MIN_REPORTS && c.respondents >= PRIVACY_MIN_REPORTS;
      const share = visible ? Math.round((1000 * c.met) / c.respondents) / 10 : null;
      const target = indicators.target(indicator, g.level)?.percent ?? null;
      out.set(`${g.level}|${g.unitKey ?? "*"}|${indicator}`, {
        level: g.level,
        unitKey: g.unitKey,
        indicator,
        reports: g.reports,
        respondents: c.respondents,
        met: c.met,
        share,
        target,
        gap: share !== null && target !== null ? Math.max(target - share, 0) : null,
      });
    }
  return out;
}

function vietnamMonth(d: Date): string {
  return new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 7);
}

let t: TestDatabase;
let raw: RawReport[];

beforeAll(async () => {
  t = await createTestDatabase();
  await generateReports(t.db, { count: 10_000 });
  raw = (await t.db.selfReport.findMany({
    select: {
      level: true,
      unitKey: true,
      indicators: true,
      current: true,
      flagged: true,
      status: true,
      createdAt: true,
    },
  })) as RawReport[];
});
afterAll(async () => {
  await t?.drop();
});

function compare(actual: ProgressRow[], expected: Map<string, Omit<ProgressRow, "unit">>): void {
  expect(actual.length).toBe(expected.size);
  for (const row of actual) {
    const key = `${row.level}|${row.unitKey ?? "*"}|${row.indicator}`;
    const want = expected.get(key);
    expect(want, key).toBeDefined();
    expect({ ...row, unit: undefined, share: undefined, gap: undefined }, key).toEqual({
      ...want!,
      unit: undefined,
      share: undefined,
      gap: undefined,
    });
    // Both round to one decimal; floating point may differ by the last digit at a .x5 boundary.
    if (want!.share === null) expect(row.share, key).toBeNull();
    else expect(row.share!, key).toBeCloseTo(want!.share, 0.9);
    if (want!.gap === null) expect(row.gap, key).toBeNull();
    else expect(row.gap!, key).toBeCloseTo(want!.gap, 0.9);
  }
}

describe("progress against the plan's targets (10,000 generated reports)", () => {
  it("counts each level and unit, per indicator, exactly as an independent computation over the raw rows", async () => {
    expect(raw).toHaveLength(10_000);
    const rows = await progressTable(t.db, indicators);
    compare(rows, expectedTable(raw));
    // Sanity: the data set exercises every rule the figures apply.
    expect(rows.some((r) => r.unitKey === null)).toBe(true);
    expect(rows.some((r) => r.share === null)).toBe(true);
    expect(rows.some((r) => r.target === null)).toBe(true);
    expect(rows.some((r) => r.gap === 0)).toBe(true);
  });

  it("shows the plan's target and the remaining gap, e.g. 100% basic digital skills for officials at every level", async () => {
    const rows = await progressTable(t.db, indicators, { level: "commune" });
    const overall = rows.find((r) => r.unitKey === null && r.indicator === "basic_skills")!;
    expect(overall.target).toBe(100);
    expect(overall.gap).toBeCloseTo(100 - overall.share!, 5);
    expect(rows.every((r) => r.level === "commune")).toBe(true);
    const data = rows.find((r) => r.unitKey === null && r.indicator === "data_skills")!;
    expect(data.target).toBe(50);
  });

  it("filters to one unit with the same figures as in the full table", async () => {
    const full = await progressTable(t.db, indicators);
    const some = full.find((r) => r.unitKey !== null && r.share !== null)!;
    const unitRows = await progressTable(t.db, indicators, { level: some.level, unitKey: some.unitKey! });
    expect(unitRows.filter((r) => r.unitKey !== null)).toEqual(
      full.filter((r) => r.level === some.level && r.unitKey === some.unitKey),
    );
  });

  it("hides percentages of units with fewer than 5 reports but still says how many reports there are", async () => {
    const rows = await progressTable(t.db, indicators);
    const small = rows.filter((r) => r.unitKey !== null && r.reports < PRIVACY_MIN_REPORTS);
    expect(small.length).toBeGreaterThan(0);
    for (const r of small) {
      expect(r.share).toBeNull();
      expect(r.gap).toBeNull();
      expect(r.reports).toBeGreaterThan(0);
    }
  });

  it("gives the monthly trend of every counted report (superseded ones included) by Vietnam month", async () => {
    const expected = new Map<string, { respondents: number; met: number }>();
    for (const r of raw) {
      if (r.flagged || r.status === "rejected" || r.status === "withdrawn") continue;
      for (const [id, met] of Object.entries(r.indicators))
        for (const unit of [r.unitKey, "*"]) {
          const k = `${r.level}|${unit}|${id}|${vietnamMonth(r.createdAt)}`;
          const c = expected.get(k) ?? { respondents: 0, met: 0 };
          c.respondents++;
          if (met) c.met++;
          expected.set(k, c);
        }
    }
    const trend = await progressTrend(t.db);
    expect(trend.length).toBe(expected.size);
    for (const row of trend) {
      const want = expected.get(`${row.level}|${row.unitKey ?? "*"}|${row.indicator}|${row.month}`);
      expect(want).toEqual({ respondents: row.respondents, met: row.met });
      if (row.respondents < PRIVACY_MIN_REPORTS) expect(row.share).toBeNull();
    }
    expect(new Set(trend.map((r) => r.month)).size).toBeGreaterThanOrEqual(12);
  });

  it("keeps the trigger-maintained tally identical to a full recomputation, through updates and deletes", async () => {
    // Supersede, flag and delete in bulk: the statement triggers must net every change out.
    await t.db.$executeRawUnsafe(
      `update "SelfReport" set current = not current where hashint8(length(code)::bigint + ascii(right(code, 1))) % 7 = 0`,
    );
    await t.db.$executeRawUnsafe(
      `update "SelfReport" set flagged = true, status = 'rejected' where right(code, 2) = '42'`,
    );
    await t.db.$executeRawUnsafe(`delete from "SelfReport" where right(code, 3) = '777'`);
    const before = await progressTable(t.db, indicators);
    const trendBefore = await progressTrend(t.db);
    await rebuildTally(t.db);
    expect(await progressTable(t.db, indicators)).toEqual(before);
    expect(await progressTrend(t.db)).toEqual(trendBefore);
    const now = (await t.db.selfReport.findMany({
      select: {
        level: true,
        unitKey: true,
        indicators: true,
        current: true,
        flagged: true,
        status: true,
        createdAt: true,
      },
    })) as RawReport[];
    compare(before, expectedTable(now));
  });
});
