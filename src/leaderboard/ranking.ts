/**
 * The emulation leaderboard (bảng xếp hạng thi đua): units ranked within their level by how far
 * they have come towards the plan's targets on the self-report indicators. Read from the progress
 * table (src/self-reports/progress.ts), i.e. from the trigger-kept tally, never from the reports:
 * a few thousand rows whatever the number of reports.
 *
 * Score: the mean, over the indicators that have a target at the unit's level and a shown share,
 * of the share of the target reached (capped at 100 % per indicator, so exceeding one target
 * cannot hide a gap on another). The privacy rule holds: a unit with fewer than 5 reports shows no
 * percentage and is not ranked (it is listed with its number of reports); an indicator answered by
 * fewer than 5 people in a unit does not count towards its score. Equal scores share a rank.
 */
import type { Db } from "../db/client.js";
import { LEVELS, type IndicatorSet, type Level } from "../self-reports/indicators.js";
import { PRIVACY_MIN_REPORTS, progressTable } from "../self-reports/progress.js";

export interface LeaderboardEntry {
  level: Level;
  unitKey: string;
  unit: string;
  reports: number;
  /** 1 = leading; equal scores share a rank; null when not ranked (privacy rule, or nothing scored). */
  rank: number | null;
  /** Percent of the targets reached (one decimal); null when not ranked. */
  score: number | null;
  /** Indicators that counted towards the score. */
  scored: number;
  /** indicator id -> shown share (null when hidden by the privacy rule). */
  shares: Record<string, number | null>;
}

/** Score of one unit from its shares and the plan's targets at its level. */
export function unitScore(
  level: Level,
  shares: Record<string, number | null>,
  indicators: IndicatorSet,
): { score: number | null; scored: number } {
  const parts: number[] = [];
  for (const [id, share] of Object.entries(shares)) {
    const target = indicators.target(id, level)?.percent;
    if (share === null || !target) continue;
    parts.push(Math.min(100, (100 * share) / target));
  }
  if (!parts.length) return { score: null, scored: 0 };
  return {
    score: Math.round((10 * parts.reduce((a, b) => a + b, 0)) / parts.length) / 10,
    scored: parts.length,
  };
}

/**
 * Ranks `entries` of one level in place order: ranked ones by score (then reports, then name),
 * then the unranked ones by reports.
 */
export function rankEntries(entries: Array<Omit<LeaderboardEntry, "rank">>): LeaderboardEntry[] {
  const ranked = entries
    .filter((e) => e.score !== null)
    .sort((a, b) => b.score! - a.score! || b.reports - a.reports || a.unit.localeCompare(b.unit, "vi"));
  const rest = entries
    .filter((e) => e.score === null)
    .sort((a, b) => b.reports - a.reports || a.unit.localeCompare(b.unit, "vi"));
  const out: LeaderboardEntry[] = [];
  ranked.forEach((e, i) =>
    out.push({ ...e, rank: i > 0 && ranked[i - 1]!.score === e.score ? out[i - 1]!.rank : i + 1 }),
  );
  for (const e of rest) out.push({ ...e, rank: null });
  return out;
}

/**
 * The leaderboard of every level (or one), in rank order per level.
 *
 * @example const board = await leaderboard(db, indicators, { level: "commune" })
 */
export async function leaderboard(
  db: Db,
  indicators: IndicatorSet,
  filter: { level?: Level } = {},
): Promise<LeaderboardEntry[]> {
  const rows = (await progressTable(db, indicators, filter.level ? { level: filter.level } : {})).filter(
    (r) => r.unitKey !== null,
  );
  const units = new Map<string, Omit<LeaderboardEntry, "rank">>();
  for (const r of rows) {
    const key = `${r.level}|${r.unitKey}`;
    let u = units.get(key);
    if (!u)
      units.set(
        key,
        (u = {
          level: r.level,
          unitKey: r.unitKey!,
          unit: r.unit ?? r.unitKey!,
          reports: r.reports,
          score: null,
          scored: 0,
          shares: {},
        }),
      );
    u.shares[r.indicator] = r.reports >= PRIVACY_MIN_REPORTS ? r.share : null;
  }
  const out: LeaderboardEntry[] = [];
  for (const level of LEVELS) {
    const ofLevel = [...units.values()].filter((u) => u.level === level);
    for (const u of ofLevel)
      Object.assign(
        u,
        u.reports >= PRIVACY_MIN_REPORTS
          ? unitScore(level, u.shares, indicators)
          : { score: null, scored: 0 },
      );
    out.push(...rankEntries(ofLevel));
  }
  return out;
}
