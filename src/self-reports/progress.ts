/**
 * Progress against the plan's targets, computed in PostgreSQL from SelfReportUnitTally (current
 * figures) and SelfReportTally (per month), both kept in step with SelfReport by statement triggers
 * (migrations self_report_tally, self_report_unit_tally): respondents, share meeting each
 * indicator, target, gap and the monthly trend, per level and unit and per level overall.
 *
 * What counts: every report that is its person's current one and is neither flagged nor
 * rejected/withdrawn. Unverified reports count too (they are labelled "tự khai báo" wherever shown):
 * waiting for a reviewer would leave most units without figures for weeks.
 */
import type { Db } from "../db/client.js";
import type { IndicatorSet, Level } from "./indicators.js";

/** Below this many reports a unit (or an indicator in it) shows counts but no percentage. */
export const PRIVACY_MIN_REPORTS = 5;

export interface ProgressRow {
  level: Level;
  /** null on a level's overall row. */
  unitKey: string | null;
  unit: string | null;
  indicator: string;
  /** Counted reports of the unit (or level), whatever the indicator. */
  reports: number;
  /** Reports that answered this indicator (not-applicable answers excluded). */
  respondents: number;
  met: number;
  /** Percent meeting it, one decimal; null when hidden by the privacy rule. */
  share: number | null;
  target: number | null;
  /** Percentage points still missing to the target (0 when reached); null without share or target. */
  gap: number | null;
}

export interface TrendRow {
  level: Level;
  unitKey: string | null;
  indicator: string;
  /** "YYYY-MM", Vietnam time. */
  month: string;
  respondents: number;
  met: number;
  share: number | null;
}

export interface ProgressFilter {
  level?: Level;
  unitKey?: string;
}

type Raw = Record<string, unknown>;

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The whole progress table (or one level/unit of it), one row per (level, unit, indicator) plus
 * one per (level, indicator) with unitKey null. Grouping, shares, the privacy rule and gaps are
 * all computed by one GROUPING SETS query.
 *
 * @example const rows = await progressTable(db, indicators, { level: "commune", unitKey: "ubnd xa a" })
 */
export async function progressTable(
  db: Db,
  indicators: IndicatorSet,
  filter: ProgressFilter = {},
): Promise<ProgressRow[]> {
  const rows = await db.$queryRawUnsafe<Raw[]>(
    `with agg as (
       select level::text as level, "unitKey" as unit_key, indicator, max(unit) as unit,
              sum(respondents)::int as respondents, sum(met)::int as met, grouping("unitKey") as overall
         from "SelfReportUnitTally"
        where ($2::text is null or level::text = $2) and ($3::text is null or "unitKey" = $3)
        group by grouping sets ((level, "unitKey", indicator), (level, indicator))
     ), targets as (
       select * from jsonb_to_recordset($1::jsonb) as x(indicator text, level text, percent float8)
     ), with_reports as (
       -- The "*" row of the same unit (or level) holds its number of reports.
       select a.*, max(case when a.indicator = '*' then a.respondents end) over (partition by a.level, a.overall, a.unit_key) as reports
         from agg a
     ), shown as (
       select w.*, case when w.reports >= $4 and w.respondents >= $4 then round(100.0 * w.met / w.respondents, 1)::float8 end as share
         from with_reports w
        where w.indicator <> '*' and w.respondents > 0
     )
     select s.level, case when s.overall = 1 then null else s.unit_key end as "unitKey", case when s.overall = 1 then null else s.unit end as unit,
            s.indicator, s.reports, s.respondents, s.met, s.share, t.percent as target,
            case when s.share is not null and t.percent is not null then greatest(t.percent - s.share, 0)::numeric(6,1)::float8 end as gap
       from shown s left join targets t on t.indicator = s.indicator and t.level = s.level
      order by array_position(array['province', 'district', 'commune'], s.level), s.overall desc, s.unit_key, array_position($5::text[], s.indicator), s.indicator`,
    JSON.stringify(indicators.targetRows()),
    filter.level ?? null,
    filter.unitKey ?? null,
    PRIVACY_MIN_REPORTS,
    // The plan's order of indicators reads better than alphabetical.
    indicators.all.map((i) => i.id),
  );
  return rows.map((r) => ({
    level: r.level as Level,
    unitKey: (r.unitKey as string | null) ?? null,
    unit: (r.unit as string | null) ?? null,
    indicator: String(r.indicator),
    reports: num(r.reports),
    respondents: num(r.respondents),
    met: num(r.met),
    share: numOrNull(r.share),
    target: numOrNull(r.target),
    gap: numOrNull(r.gap),
  }));
}

/**
 * Monthly trend: of the counted reports submitted in each month (including ones superseded later,
 * since each was its person's situation then), the share meeting each indicator.
 *
 * @example const trend = await progressTrend(db, { level: "district" })
 */
export async function progressTrend(db: Db, filter: ProgressFilter = {}): Promise<TrendRow[]> {
  const rows = await db.$queryRawUnsafe<Raw[]>(
    `select level::text as level, case when grouping("unitKey") = 1 then null else "unitKey" end as "unitKey", indicator,
            to_char(month, 'YYYY-MM') as month, sum("monthRespondents")::int as respondents, sum("monthMet")::int as met,
            case when sum("monthRespondents") >= $3 then round(100.0 * sum("monthMet") / sum("monthRespondents"), 1)::float8 end as share
       from "SelfReportTally"
      where indicator <> '*' and ($1::text is null or level::text = $1) and ($2::text is null or "unitKey" = $2)
      group by grouping sets ((level, "unitKey", indicator, month), (level, indicator, month))
     having sum("monthRespondents") > 0
      order by 1, 2 nulls first, 3, 4`,
    filter.level ?? null,
    filter.unitKey ?? null,
    PRIVACY_MIN_REPORTS,
  );
  return rows.map((r) => ({
    level: r.level as Level,
    unitKey: (r.unitKey as string | null) ?? null,
    indicator: String(r.indicator),
    month: String(r.month),
    respondents: num(r.respondents),
    met: num(r.met),
    share: numOrNull(r.share),
  }));
}

/**
 * Recomputes both tallies from SelfReport in one transaction: the repair path if they were ever
 * doubted (the triggers keep them exact; tests compare both).
 */
export async function rebuildTally(db: Db): Promise<void> {
  await db.$transaction([
    db.$executeRawUnsafe(`delete from "SelfReportTally"`),
    db.$executeRawUnsafe(`delete from "SelfReportUnitTally"`),
    db.$executeRawUnsafe(
      `insert into "SelfReportTally" (level, "unitKey", indicator, month, unit, "currentRespondents", "currentMet", "monthRespondents", "monthMet")
       select r.level, r."unitKey", k.indicator, (date_trunc('month', (r."createdAt" at time zone 'UTC') at time zone 'Asia/Ho_Chi_Minh'))::date,
              max(r.unit), sum(r.current::int), sum((r.current and k.met)::int), count(*), sum(k.met::int)
         from "SelfReport" r
         cross join lateral (select '*'::text as indicator, false as met union all select e.key, e.value = 'true'::jsonb from jsonb_each(r.indicators) e) k
        where not r.flagged and r.status not in ('rejected', 'withdrawn')
        group by 1, 2, 3, 4`,
    ),
    db.$executeRawUnsafe(
      `insert into "SelfReportUnitTally" (level, "unitKey", indicator, unit, respondents, met)
       select level, "unitKey", indicator, max(unit), sum("currentRespondents"), sum("currentMet") from "SelfReportTally"
        group by 1, 2, 3 having sum("currentRespondents") <> 0`,
    ),
  ]);
}
