/**
 * The leaderboard against an independent brute-force computation over the raw self-reports of a
 * generated population (10,000 reports, units of every size including ones under the privacy
 * threshold), then in the chat and on the admin page with its exports and monthly snapshots.
 */
import ExcelJS from "exceljs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  leaderboard,
  rankEntries,
  takeSnapshot,
  unitScore,
  vietnamMonth,
  type LeaderboardEntry,
} from "../../src/leaderboard/index.js";
import { loadIndicators, type Level } from "../../src/self-reports/indicators.js";
import { generateReports } from "../self-reports/generated-reports.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { signInAdmin } from "../announcements/support.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);

/** Straight from the rows: counted reports, shares with the privacy rule, score, rank. */
function bruteForce(
  rows: Array<{
    level: Level;
    unitKey: string;
    unit: string;
    indicators: Record<string, boolean>;
    current: boolean;
    flagged: boolean;
    status: string;
  }>,
) {
  const units = new Map<
    string,
    { level: Level; unitKey: string; unit: string; reports: number; per: Map<string, [number, number]> }
  >();
  for (const r of rows) {
    if (!r.current || r.flagged || r.status === "rejected" || r.status === "withdrawn") continue;
    const k = `${r.level}|${r.unitKey}`;
    const u = units.get(k) ?? {
      level: r.level,
      unitKey: r.unitKey,
      unit: r.unit,
      reports: 0,
      per: new Map(),
    };
    u.reports++;
    for (const [id, met] of Object.entries(r.indicators)) {
      const c = u.per.get(id) ?? [0, 0];
      c[0]++;
      if (met) c[1]++;
      u.per.set(id, c);
    }
    units.set(k, u);
  }
  const out: Array<{ level: Level; unitKey: string; reports: number; score: number | null }> = [];
  for (const u of units.values()) {
    let parts: number[] = [];
    if (u.reports >= 5) {
      for (const [id, [resp, met]] of u.per) {
        const target = indicators.target(id, u.level)?.percent;
        if (!target || resp < 5) continue;
        const share = Math.round((1000 * met) / resp) / 10;
        parts.push(Math.min(100, (100 * share) / target));
      }
    } else parts = [];
    out.push({
      level: u.level,
      unitKey: u.unitKey,
      reports: u.reports,
      score: parts.length ? Math.round((10 * parts.reduce((a, b) => a + b, 0)) / parts.length) / 10 : null,
    });
  }
  // Rank: 1 + the number of units of the same level with a strictly higher score.
  return out.map((e) => ({
    ...e,
    rank:
      e.score === null
        ? null
        : 1 + out.filter((o) => o.level === e.level && o.score !== null && o.score > e.score!).length,
  }));
}

describe("the emulation leaderboard", () => {
  let t: TestSystem;
  let board: LeaderboardEntry[];
  beforeAll(async () => {
    t = await startTestSystem();
    await generateReports(t.database.db, { count: 10_000, units: 120, smallUnits: 8 });
    board = await leaderboard(t.database.db, indicators);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("matches a brute-force computation over the raw reports, unit by unit", async () => {
    const rows = await t.database.db.selfReport.findMany({
      select: {
        level: true,
        unitKey: true,
        unit: true,
        indicators: true,
        current: true,
        flagged: true,
        status: true,
      },
    });
    const expected = bruteForce(rows as never).sort(
      (a, b) => a.level.localeCompare(b.level) || a.unitKey.localeCompare(b.unitKey),
    );
    const actual = board
      .map((e) => ({ level: e.level, unitKey: e.unitKey, reports: e.reports, score: e.score, rank: e.rank }))
      .sort((a, b) => a.level.localeCompare(b.level) || a.unitKey.localeCompare(b.unitKey));
    expect(actual).toEqual(expected);
    // The generated population has units under the threshold: listed, not ranked, no percentages.
    const small = board.filter((e) => e.reports < 5);
    expect(small.length).toBeGreaterThan(0);
    for (const e of small) {
      expect(e.rank).toBeNull();
      expect(Object.values(e.shares).every((v) => v === null)).toBe(true);
    }
    expect(board.filter((e) => e.rank === 1).length).toBeGreaterThanOrEqual(3);
  });

  it("lists each level in rank order, equal scores sharing a rank", () => {
    const entries = [5, 80, 80, 60, null, 100].map((score, i) => ({
      level: "commune" as const,
      unitKey: `u${i}`,
      unit: `Đơn vị ${i}`,
      reports: 10 + i,
      score,
      scored: 1,
      shares: {},
    }));
    expect(rankEntries(entries).map((e) => [e.unit, e.rank])).toEqual([
      ["Đơn vị 5", 1],
      ["Đơn vị 2", 2],
      ["Đơn vị 1", 2],
      ["Đơn vị 3", 4],
      ["Đơn vị 0", 5],
      ["Đơn vị 4", null],
    ]);
    // A target exceeded counts as 100%: it cannot hide a gap on another indicator.
    expect(unitScore("commune", { basic_skills: 100, data_skills: 100 }, indicators).score).toBe(100);
    expect(unitScore("commune", { basic_skills: 50, data_skills: 100 }, indicators).score).toBe(75);
  });

  it("answers “đơn vị nào dẫn đầu?” and “xep hang cap xa” in the chat", async () => {
    const top = (level: Level) => board.find((e) => e.level === level && e.rank === 1)!;
    const u = new WebchatUser(t.url);
    const all = (await u.ask("Đơn vị nào dẫn đầu?")).map((m) => m.text).join("\n");
    for (const level of ["province", "district", "commune"] as const)
      expect(all).toContain(`1. ${top(level).unit} — đạt`);
    expect(all).toMatch(/đơn vị chưa đủ 5 báo cáo/);
    const commune = (await u.ask("xep hang cap xa")).map((m) => m.text).join("\n");
    expect(commune).toContain(top("commune").unit);
    expect(commune).not.toContain(top("province").unit + " — ");
    const en = new WebchatUser(t.url, "en");
    expect((await en.ask("leaderboard")).map((m) => m.text).join("\n")).toMatch(/Emulation leaderboard/);
  });

  it("is on the admin page with CSV and XLSX exports and monthly snapshots", async () => {
    const admin = await signInAdmin(t.database.db, t.url);
    const page = await (await admin.get("/admin/leaderboard")).text();
    expect(page).toContain(board.find((e) => e.rank === 1)!.unit);
    const csv = await (await admin.get("/admin/leaderboard/export.csv")).text();
    expect(csv.trim().split("\r\n")).toHaveLength(board.length + 1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      Buffer.from(await (await admin.get("/admin/leaderboard/export.xlsx")).arrayBuffer()) as never,
    );
    expect(wb.worksheets[0]!.rowCount).toBe(board.length + 1);

    const csrf = await admin.csrf("/admin/leaderboard");
    const res = await admin.post("/admin/leaderboard/snapshot", new URLSearchParams({ _csrf: csrf }));
    expect(res.status).toBe(303);
    const month = vietnamMonth(new Date());
    const snap = await (await admin.get(`/admin/leaderboard/export.csv?month=${month}`)).text();
    expect(snap).toBe(csv);
    // Last month's snapshot is kept as it was when new reports arrive.
    await takeSnapshot(t.database.db, indicators, "2026-01");
    await generateReports(t.database.db, { count: 500, units: 120, codePrefix: "TD-MORE-" });
    const jan = await (await admin.get("/admin/leaderboard/export.csv?month=2026-01")).text();
    expect(jan).toBe(csv);
    expect(await (await admin.get("/admin/leaderboard?month=2026-01")).text()).toContain("Tháng 2026-01");
  });
});
