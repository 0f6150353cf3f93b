/**
 * The review queue's filters (view, status, category, canonical locality, reviewer, search, date
 * range) and its cursor paging, read from the query string the same way for the queue page and
 * its CSV/XLSX exports, so an export is exactly what the reviewer sees (without the paging).
 */
import type { Db, Prisma } from "../db/client.js";
import type { LocalityLookup } from "../review/localities.js";
import { UUID_RE } from "./ids.js";

export const STATUSES = [
  "submitted",
  "in_review",
  "needs_info",
  "approved",
  "rejected",
  "withdrawn",
] as const;
export const CATEGORIES = [
  "provincial_agency",
  "district",
  "commune",
  "business",
  "official_initiative",
  "agency_head",
  "entrepreneur_scientist",
  "citizen",
] as const;
/** "todo" = what needs me: new items, items I hold, items updated for me. The default view. */
export const VIEWS = ["todo", "all"] as const;
export const PAGE_SIZE = 50;

export interface QueueFilters {
  view: (typeof VIEWS)[number];
  status?: (typeof STATUSES)[number];
  category?: (typeof CATEGORIES)[number];
  /** What the reviewer chose or typed; `localityId` is what it resolved to. */
  locality?: string;
  localityId?: string;
  /** A reviewer's id: items they hold or decided. */
  reviewer?: string;
  /** Code, nominee or unit. */
  q?: string;
  /** yyyy-mm-dd, inclusive, in Vietnam time */
  from?: string;
  to?: string;
  /** Opaque: the last row of the previous page. */
  after?: string;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function one(v: unknown): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === "string" && s.trim() ? s.trim().slice(0, 100) : undefined;
}

/** Reads filters from `req.query`, dropping anything that is not a known value; a typed locality is resolved to its canonical id. */
export function parseFilters(query: Record<string, unknown>, localities?: LocalityLookup): QueueFilters {
  const view = one(query.view);
  const status = one(query.status);
  const category = one(query.category);
  const from = one(query.from);
  const to = one(query.to);
  const reviewer = one(query.reviewer);
  const locality = one(query.locality);
  const after = one(query.after);
  const localityId = locality
    ? (localities?.byId(locality)?.id ?? localities?.resolve(locality)?.id)
    : undefined;
  const parsedStatus = (STATUSES as readonly string[]).includes(status ?? "")
    ? (status as QueueFilters["status"])
    : undefined;
  return {
    // A chosen status or a search means "look everywhere" (a code typed in the search box must be
    // found even when decided); otherwise the working view unless "all" was asked for.
    view: parsedStatus || one(query.q) ? "all" : view === "all" ? "all" : "todo",
    status: parsedStatus,
    category: (CATEGORIES as readonly string[]).includes(category ?? "")
      ? (category as QueueFilters["category"])
      : undefined,
    locality,
    localityId,
    reviewer: reviewer && UUID_RE.test(reviewer) ? reviewer : undefined,
    q: one(query.q),
    from: from && DATE_RE.test(from) ? from : undefined,
    to: to && DATE_RE.test(to) ? to : undefined,
    after: after && /^[A-Za-z0-9_-]{10,120}$/.test(after) ? after : undefined,
  };
}

/** The filters as a query string (for links that keep them); the cursor only when asked for. */
export function filtersQuery(f: Partial<QueueFilters>, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  const { localityId: _id, after: _after, ...kept } = f;
  for (const [k, v] of Object.entries({ ...kept, ...extra }))
    if (v && !(k === "view" && v === "todo")) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

// Vietnamese letters (both cases: lower() leaves non-ASCII alone under the C locale) and their plain forms.
const VI = "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ";
const PLAIN = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd";
const FROM = VI + VI.toUpperCase();
const TO = PLAIN + PLAIN.toUpperCase();
/** Search hits considered at most (a search is for finding a few items, not listing thousands). */
const SEARCH_LIMIT = 2_000;

/** The search text as the SQL side folds names: lower case, no diacritics. */
export function foldSearch(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}

/** The rows a raw, un-matched locality text stands for: stored text that resolves to `id`. */
async function typedLocalitiesFor(
  db: Db,
  localities: LocalityLookup | undefined,
  id: string,
): Promise<string[]> {
  if (!localities) return [];
  // Distinct typed names are few (people type the same districts); matching them here keeps old rows findable.
  const rows = await db.nomination.findMany({
    where: { localityId: null },
    distinct: ["locality"],
    select: { locality: true },
    take: 5_000,
  });
  return rows.map((r) => r.locality).filter((text) => localities.resolve(text)?.id === id);
}

/**
 * The WHERE of the filters for reviewer `me`, and the same without view and status (for the counts
 * per status). Built once: the search and locality parts each cost a scan.
 */
export async function queueWhere(
  db: Db,
  f: QueueFilters,
  me: string,
  localities?: LocalityLookup,
): Promise<{ where: Prisma.NominationWhereInput; countWhere: Prisma.NominationWhereInput }> {
  const countWhere = await filtersWhere(db, f, me, { withStatus: false, localities });
  const and: Prisma.NominationWhereInput[] = [countWhere];
  if (f.status) and.push({ status: f.status });
  if (f.view === "todo")
    and.push({
      OR: [
        { status: "submitted" },
        { status: "in_review", claimedById: me },
        { submitterUpdatedAt: { not: null }, claimedById: me },
      ],
    });
  return { where: { AND: and }, countWhere };
}

/**
 * The WHERE of the filters for reviewer `me`. `withStatus: false` leaves out view and status (for
 * the counts per status).
 */
export async function filtersWhere(
  db: Db,
  f: QueueFilters,
  me: string,
  opts: { withStatus?: boolean; localities?: LocalityLookup } = {},
): Promise<Prisma.NominationWhereInput> {
  const and: Prisma.NominationWhereInput[] = [];
  if (opts.withStatus !== false) {
    if (f.status) and.push({ status: f.status });
    if (f.view === "todo")
      and.push({
        OR: [
          { status: "submitted" },
          { status: "in_review", claimedById: me },
          { submitterUpdatedAt: { not: null }, claimedById: me },
        ],
      });
  }
  if (f.category) and.push({ category: f.category });
  if (f.localityId) {
    const typed = await typedLocalitiesFor(db, opts.localities, f.localityId);
    and.push({
      OR: [
        { localityId: f.localityId },
        ...(typed.length ? [{ localityId: null, locality: { in: typed } }] : []),
      ],
    });
  } else if (f.locality) {
    and.push({ locality: { contains: f.locality, mode: "insensitive" } });
  }
  if (f.reviewer) and.push({ OR: [{ claimedById: f.reviewer }, { decidedById: f.reviewer }] });
  if (f.q) {
    const q = f.q;
    // Reviewers type names with or without diacritics ("hoang van hung"): both sides are folded in SQL.
    const folded = `%${foldSearch(q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const ids = await db.$queryRaw<Array<{ id: string }>>`
      select id::text as id from "Nomination"
       where translate(lower("nomineeName" || ' ' || "nomineeUnit"), ${FROM}, ${TO}) like ${folded}
       limit ${SEARCH_LIMIT}`;
    and.push({ OR: [{ code: { contains: q.toUpperCase() } }, { id: { in: ids.map((r) => r.id) } }] });
  }
  const createdAt: Prisma.DateTimeFilter = {};
  // Dates are Vietnam calendar days (UTC+7), the reviewers' day.
  if (f.from) createdAt.gte = new Date(`${f.from}T00:00:00+07:00`);
  if (f.to) createdAt.lt = new Date(new Date(`${f.to}T00:00:00+07:00`).getTime() + 86_400_000);
  if (createdAt.gte || createdAt.lt) and.push({ createdAt });
  return and.length ? { AND: and } : {};
}

const include = {
  claimedBy: { select: { name: true } },
  decidedBy: { select: { name: true } },
  _count: { select: { attachments: true } },
} as const;

export type QueueRow = Awaited<ReturnType<typeof listAll>>[number];

/** Every matching row (exports), oldest first. */
export async function listAll(db: Db, where: Prisma.NominationWhereInput, limit = 50_000) {
  return db.nomination.findMany({
    where,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: limit,
    include,
  });
}

function encodeCursor(r: { createdAt: Date; id: string }): string {
  return Buffer.from(`${r.createdAt.toISOString()}|${r.id}`).toString("base64url");
}

function decodeCursor(s: string): { createdAt: Date; id: string } | undefined {
  const [at, id] = Buffer.from(s, "base64url").toString("utf8").split("|");
  const d = new Date(at ?? "");
  return id && UUID_RE.test(id) && !Number.isNaN(d.getTime()) ? { createdAt: d, id } : undefined;
}

export interface QueuePage {
  /** Items the submitter updated for me: on top of the first page only. */
  updated: QueueRow[];
  rows: QueueRow[];
  /** Cursor of the next page, if there is one. */
  next?: string;
}

/**
 * One page of the queue, oldest waiting first (what a reviewer should take next), keyset-paged
 * on (createdAt, id) so page 40 costs what page 1 costs. In the working view, items the submitter
 * updated for me come first.
 */
export async function listPage(
  db: Db,
  f: QueueFilters,
  me: string,
  where: Prisma.NominationWhereInput,
  size = PAGE_SIZE,
): Promise<QueuePage> {
  const cursor = f.after ? decodeCursor(f.after) : undefined;
  const mineUpdated: Prisma.NominationWhereInput = { claimedById: me, submitterUpdatedAt: { not: null } };
  const updated =
    f.view === "todo" && !cursor
      ? await db.nomination.findMany({
          where: { AND: [where, mineUpdated] },
          orderBy: { submitterUpdatedAt: "desc" },
          take: size,
          include,
        })
      : [];
  const and: Prisma.NominationWhereInput[] = [where];
  if (f.view === "todo") and.push({ NOT: mineUpdated });
  if (cursor)
    and.push({
      OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }],
    });
  const rows = await db.nomination.findMany({
    where: { AND: and },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: size + 1,
    include,
  });
  const more = rows.length > size;
  const page = more ? rows.slice(0, size) : rows;
  return { updated, rows: page, next: more ? encodeCursor(page[page.length - 1]!) : undefined };
}

/** How many nominations match the other filters, per status (the counts above the queue), and how many are in my working view. */
export async function countByStatus(
  db: Db,
  where: Prisma.NominationWhereInput,
  me: string,
): Promise<{ byStatus: Record<string, number>; todo: number }> {
  const [rows, todo] = await Promise.all([
    db.nomination.groupBy({ by: ["status"], where, _count: { _all: true } }),
    db.nomination.count({
      where: {
        AND: [
          where,
          {
            OR: [
              { status: "submitted" },
              { status: "in_review", claimedById: me },
              { submitterUpdatedAt: { not: null }, claimedById: me },
            ],
          },
        ],
      },
    }),
  ]);
  return { byStatus: Object.fromEntries(rows.map((r) => [r.status, r._count._all])), todo };
}
