/**
 * Monthly snapshots of the leaderboard, so the emulation council can compare month with month:
 * a worker takes last month's snapshot at the first chance after the month ended (idempotent), and
 * an admin may take the current month's at any time (replacing it).
 */
import type { Db } from "../db/client.js";
import type { IndicatorSet } from "../self-reports/indicators.js";
import { leaderboard, type LeaderboardEntry } from "./ranking.js";

/** "YYYY-MM" of a date in Vietnam time. */
export const vietnamMonth = (d: Date) => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 7);
const monthDate = (month: string) => new Date(`${month}-01T00:00:00Z`);

/** Writes the current leaderboard as the snapshot of `month` ("YYYY-MM"), replacing an earlier one. */
export async function takeSnapshot(db: Db, indicators: IndicatorSet, month: string): Promise<number> {
  const board = await leaderboard(db, indicators);
  const date = monthDate(month);
  await db.$transaction([
    db.leaderboardSnapshot.deleteMany({ where: { month: date } }),
    db.leaderboardSnapshot.createMany({
      data: board.map((e) => ({
        month: date,
        level: e.level,
        unitKey: e.unitKey,
        unit: e.unit,
        reports: e.reports,
        rank: e.rank,
        score: e.score,
        shares: e.shares,
      })),
    }),
  ]);
  return board.length;
}

/** Takes last month's snapshot if nobody has yet (called periodically by workers). */
export async function ensureLastMonthSnapshot(
  db: Db,
  indicators: IndicatorSet,
  now = new Date(),
): Promise<boolean> {
  const d = new Date(`${vietnamMonth(now)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 1);
  const last = d.toISOString().slice(0, 7);
  if (
    await db.leaderboardSnapshot.findFirst({ where: { month: monthDate(last) }, select: { unitKey: true } })
  )
    return false;
  // Two workers at once: the second's delete+insert gives the same rows.
  await takeSnapshot(db, indicators, last);
  return true;
}

/** Months that have a snapshot, newest first. */
export async function snapshotMonths(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<
    Array<{ month: string }>
  >`select distinct to_char(month, 'YYYY-MM') as month from "LeaderboardSnapshot" order by 1 desc`;
  return rows.map((r) => r.month);
}

/** The leaderboard of a snapshot month, in rank order per level. */
export async function snapshotBoard(db: Db, month: string): Promise<LeaderboardEntry[]> {
  const rows = await db.leaderboardSnapshot.findMany({ where: { month: monthDate(month) } });
  const order = { province: 0, district: 1, commune: 2 } as const;
  return rows
    .map((r) => ({
      level: r.level,
      unitKey: r.unitKey,
      unit: r.unit,
      reports: r.reports,
      rank: r.rank,
      score: r.score,
      scored: 0,
      shares: r.shares as Record<string, number | null>,
    }))
    .sort(
      (a, b) =>
        order[a.level] - order[b.level] ||
        (a.rank ?? 1e9) - (b.rank ?? 1e9) ||
        b.reports - a.reports ||
        a.unit.localeCompare(b.unit, "vi"),
    );
}
