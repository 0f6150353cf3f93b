/**
 * The review queue's filters (status, category, locality, date range), read from the query string
 * the same way for the queue page and its CSV/XLSX exports, so an export is exactly what the
 * reviewer sees.
 */
import type { Db, Prisma } from "../db/client.js";

export const STATUSES = ["submitted", "in_review", "needs_info", "approved", "rejected", "withdrawn"] as const;
export const CATEGORIES = ["provincial_agency", "district", "commune", "business", "official_initiative", "agency_head", "entrepreneur_scientist", "citizen"] as const;

export interface QueueFilters {
  status?: (typeof STATUSES)[number];
  category?: (typeof CATEGORIES)[number];
  locality?: string;
  /** yyyy-mm-dd, inclusive, in Vietnam time */
  from?: string;
  to?: string;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function one(v: unknown): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === "string" && s.trim() ? s.trim().slice(0, 100) : undefined;
}

/** Reads filters from `req.query`, dropping anything that is not a known value. */
export function parseFilters(query: Record<string, unknown>): QueueFilters {
  const status = one(query.status);
  const category = one(query.category);
  const from = one(query.from);
  const to = one(query.to);
  return {
    status: (STATUSES as readonly string[]).includes(status ?? "") ? (status as QueueFilters["status"]) : undefined,
    category: (CATEGORIES as readonly string[]).includes(category ?? "") ? (category as QueueFilters["category"]) : undefined,
    locality: one(query.locality),
    from: from && DATE_RE.test(from) ? from : undefined,
    to: to && DATE_RE.test(to) ? to : undefined,
  };
}

/** The filters as a query string (for links that keep them). */
export function filtersQuery(f: QueueFilters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

export function filtersWhere(f: QueueFilters, withStatus = true): Prisma.NominationWhereInput {
  const where: Prisma.NominationWhereInput = {};
  if (withStatus && f.status) where.status = f.status;
  if (f.category) where.category = f.category;
  if (f.locality) where.locality = { contains: f.locality, mode: "insensitive" };
  const createdAt: Prisma.DateTimeFilter = {};
  // Dates are Vietnam calendar days (UTC+7), the reviewers' day.
  if (f.from) createdAt.gte = new Date(`${f.from}T00:00:00+07:00`);
  if (f.to) createdAt.lt = new Date(new Date(`${f.to}T00:00:00+07:00`).getTime() + 86_400_000);
  if (createdAt.gte || createdAt.lt) where.createdAt = createdAt;
  return where;
}

export type QueueRow = Awaited<ReturnType<typeof listNominations>>[number];

/** The filtered list, oldest waiting first for open items (what a reviewer should take next). */
export async function listNominations(db: Db, f: QueueFilters, limit = 500) {
  return db.nomination.findMany({
    where: filtersWhere(f),
    orderBy: [{ createdAt: "asc" }],
    take: limit,
    include: { claimedBy: { select: { name: true } }, decidedBy: { select: { name: true } }, _count: { select: { attachments: true } } },
  });
}

/** How many nominations match the other filters, per status (the counts above the queue). */
export async function countByStatus(db: Db, f: QueueFilters): Promise<Record<string, number>> {
  const rows = await db.nomination.groupBy({ by: ["status"], where: filtersWhere(f, false), _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
}
