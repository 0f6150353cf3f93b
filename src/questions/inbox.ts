/**
 * The questions inbox as officials filter it: by status (new, answered, duplicate, not
 * relevant), channel and date, with counts per status.
 */
import type { Db, Prisma } from "../db/client.js";
import { CHANNELS, type ChannelName } from "../channels/types.js";
import { QUESTION_STATUSES, type QuestionStatus } from "./transitions.js";

/** The filter tabs: "new" covers questions someone has claimed but not answered yet. */
export const INBOX_FILTERS = ["new", "answered", "duplicate", "dismissed"] as const;
export type InboxFilter = (typeof INBOX_FILTERS)[number];

export interface InboxQuery {
  status?: InboxFilter;
  channel?: ChannelName;
  /** yyyy-mm-dd, inclusive, Vietnam time. */
  from?: string;
  to?: string;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the filters from a query string, ignoring anything malformed. */
export function parseInboxQuery(q: Record<string, unknown>): InboxQuery {
  const s = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const status = s(q.status);
  const channel = s(q.channel);
  return {
    status: (INBOX_FILTERS as readonly string[]).includes(status) ? (status as InboxFilter) : undefined,
    channel: (CHANNELS as readonly string[]).includes(channel) ? (channel as ChannelName) : undefined,
    from: DATE_RE.test(s(q.from)) ? s(q.from) : undefined,
    to: DATE_RE.test(s(q.to)) ? s(q.to) : undefined,
  };
}

/** The query string of a filter set ("?status=new&channel=zalo"). */
export function inboxQueryString(f: InboxQuery): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : "";
}

function statusesOf(filter: InboxFilter): QuestionStatus[] {
  return filter === "new" ? ["new", "claimed"] : [filter];
}

function where(f: InboxQuery, withStatus = true): Prisma.ForwardedQuestionWhereInput {
  const w: Prisma.ForwardedQuestionWhereInput = {};
  if (withStatus && f.status) w.status = { in: statusesOf(f.status) };
  if (f.channel) w.channel = f.channel;
  // Dates are days in Vietnam (UTC+7, no daylight saving).
  if (f.from || f.to)
    w.createdAt = {
      ...(f.from ? { gte: new Date(`${f.from}T00:00:00+07:00`) } : {}),
      ...(f.to ? { lt: new Date(new Date(`${f.to}T00:00:00+07:00`).getTime() + 86_400_000) } : {}),
    };
  return w;
}

/** The questions matching the filters, oldest open first within "new", newest first otherwise. */
export async function listQuestions(db: Db, f: InboxQuery, take = 200) {
  return db.forwardedQuestion.findMany({
    where: where(f),
    orderBy: { createdAt: f.status === "new" ? "asc" : "desc" },
    take,
  });
}

/** How many questions each filter tab holds, under the channel and date filters. */
export async function countByFilter(db: Db, f: InboxQuery): Promise<Record<InboxFilter, number>> {
  const rows = await db.forwardedQuestion.groupBy({
    by: ["status"],
    where: where(f, false),
    _count: { _all: true },
  });
  const by = new Map(rows.map((r) => [r.status as QuestionStatus, r._count._all]));
  const out = {} as Record<InboxFilter, number>;
  for (const tab of INBOX_FILTERS) out[tab] = statusesOf(tab).reduce((n, s) => n + (by.get(s) ?? 0), 0);
  return out;
}

export { QUESTION_STATUSES };
