/**
 * A synthetic, deterministic population of self-reports written by ONE `INSERT ... SELECT
 * generate_series` statement (tests use 10,000 rows, the benchmark up to 1,000,000). Pseudo-random
 * choices come from hashint4, so the same call always yields the same rows.
 *
 * Shape: `units` units spread over the three levels, plus `smallUnits` units with 1–4 reports
 * (privacy rule); 60% officials, 30% citizens, 10% businesses; each unit has its own propensity per
 * indicator; ~15% of reports are superseded (current = false), ~3% flagged, ~1% withdrawn; students'
 * record is not applicable (absent) for a third of citizens; 12 months of submissions.
 */
import type { Db } from "../../src/db/client.js";

export interface GenerateOptions {
  count: number;
  units?: number;
  smallUnits?: number;
  /** Codes are TD-<year>-G<n>, never colliding with real ones. */
  codePrefix?: string;
  /** The last month of the range; submissions go back 12 months from it. */
  until?: Date;
}

/** The SQL of one bulk insert (exposed so the benchmark can time it). */
export function generateReportsSql(opts: GenerateOptions): { sql: string; params: unknown[] } {
  const units = opts.units ?? 300;
  const small = opts.smallUnits ?? 6;
  const until = opts.until ?? new Date("2026-11-15T05:00:00Z");
  // h(k) = a deterministic number in [0, 1) per row and salt.
  const h = (salt: number) => `((hashint8(g::bigint * 7919 + ${salt}) & 65535) / 65536.0)`;
  // Propensity depends on the unit, so units differ: p = base + spread * unit hash.
  const p = (salt: number, base: number, spread: number) =>
    `(${base} + ${spread} * ((hashint8(u::bigint * 104729 + ${salt}) & 65535) / 65536.0))`;
  const flag = (salt: number, base: number, spread: number) => `(${h(salt)} < ${p(salt, base, spread)})`;
  const sql = `
    insert into "SelfReport" (id, code, "idempotencyKey", "respondentType", level, unit, "unitKey", indicators, answers, current, status, flagged, "consentVersion", "consentAt", "createdAt", "updatedAt")
    select gen_random_uuid(), $1 || g, $1 || g, t.rtype::"RespondentType", (array['province', 'district', 'commune'])[1 + u % 3]::"Level",
           'Đơn vị ' || u, 'don vi ' || u,
           case t.rtype
             when 'official' then jsonb_build_object('basic_skills', ${flag(1, 0.4, 0.6)}, 'data_skills', ${flag(2, 0.1, 0.6)}, 'work_identity', ${flag(3, 0.5, 0.5)}, 'digital_signature', ${flag(4, 0.2, 0.7)})
             when 'citizen' then jsonb_build_object('citizen_identity', ${flag(5, 0.3, 0.7)}, 'health_record', ${flag(6, 0.2, 0.6)}, 'online_services', ${flag(7, 0.1, 0.6)}, 'household_address', ${flag(8, 0.2, 0.7)}, 'household_smartphone', ${flag(9, 0.6, 0.4)})
                                 || case when ${h(10)} < 0.66 then jsonb_build_object('student_record', ${flag(11, 0.3, 0.6)}) else '{}'::jsonb end
             else jsonb_build_object('digital_products', ${flag(12, 0.1, 0.5)}, 'network_security', ${flag(13, 0.3, 0.5)})
           end,
           '{}'::jsonb,
           ${h(20)} >= 0.15,
           (case when ${h(21)} < 0.03 then 'rejected' when ${h(21)} < 0.04 then 'withdrawn' when ${h(21)} < 0.3 then 'approved' else 'submitted' end)::"SubmissionStatus",
           ${h(21)} < 0.03,
           'v1', $2::timestamp, $2::timestamp - (floor(${h(22)} * 365) * interval '1 day') - (floor(${h(23)} * 86400) * interval '1 second'), $2::timestamp
      from (select g, case when g <= $3 then ${units} + (g % ${small}) else g % ${units} end as u from generate_series(1, $4::int) g) s
      cross join lateral (select case when ${h(30)} < 0.6 then 'official' when ${h(30)} < 0.9 then 'citizen' else 'business' end as rtype) t`;
  // The first rows go to the small units: 1..4 reports each (never 5 or more).
  const smallRows = small * 2 + Math.floor(small / 2);
  return {
    sql,
    params: [
      opts.codePrefix ?? "TD-GEN-",
      until.toISOString().replace("T", " ").replace("Z", ""),
      smallRows,
      opts.count,
    ],
  };
}

/** @example await generateReports(db, { count: 10_000 }) */
export async function generateReports(db: Db, opts: GenerateOptions): Promise<void> {
  const { sql, params } = generateReportsSql(opts);
  await db.$executeRawUnsafe(sql, ...params);
}
