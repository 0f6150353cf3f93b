/**
 * The inbox's figures: questions forwarded, answered, still open, and the median time to answer.
 * One SQL query; read by the admin dashboard and by /metrics (prom-client) when it exists.
 */
import type { Db } from "../db/client.js";

export interface QuestionMetrics {
  forwarded: number;
  answered: number;
  open: number;
  /** Median seconds from forwarding to the answer, over answered questions; null when none. */
  medianSecondsToAnswer: number | null;
}

/** @example const m = await questionMetrics(db); m.medianSecondsToAnswer */
export async function questionMetrics(db: Db): Promise<QuestionMetrics> {
  const [row] = await db.$queryRaw<
    Array<{ forwarded: bigint; answered: bigint; open: bigint; median: number | null }>
  >`
    select count(*) as forwarded,
           count(*) filter (where status = 'answered') as answered,
           count(*) filter (where status in ('new', 'claimed')) as open,
           percentile_cont(0.5) within group (order by extract(epoch from ("answeredAt" - "createdAt"))) filter (where status = 'answered' and "answeredAt" is not null) as median
      from "ForwardedQuestion"`;
  return {
    forwarded: Number(row?.forwarded ?? 0),
    answered: Number(row?.answered ?? 0),
    open: Number(row?.open ?? 0),
    medianSecondsToAnswer: row?.median == null ? null : Math.round(Number(row.median)),
  };
}
