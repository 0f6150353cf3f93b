/**
 * The audit log's filters (person, action, code, date range) and its paging, read the same way
 * for the page and its XLSX export.
 */
import type { Prisma } from "../db/client.js";
import { REFERENCE_CODE_RE, UUID_RE } from "./ids.js";

/** Every action the log records, in the order the filter offers them. */
export const AUDIT_ACTIONS = [
  "claim",
  "takeover",
  "release",
  "approve",
  "reject",
  "request_info",
  "answer",
  "withdraw",
  "verify",
  "flag",
  "publish",
  "unpublish",
  "export",
  "audit_export",
  "erase",
  "reviewer_add",
  "reviewer_remove",
  "login_link_issue",
  "sign_in",
  // Questions inbox and FAQ (issue 18); localities, announcements and the leaderboard (issue 19).
  "duplicate",
  "dismiss",
  "faq_propose",
  "faq_publish",
  "faq_edit",
  "faq_retire",
  "import",
  "edit",
  "retire",
  "restore",
  "schedule",
  "send",
  "cancel",
  "resend_uncertain",
  "snapshot",
] as const;
export const AUDIT_PAGE_SIZE = 100;

export interface AuditFilters {
  reviewer?: string;
  action?: string;
  code?: string;
  from?: string;
  to?: string;
  /** Rows older than this id (the next page). */
  before?: bigint;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().slice(0, 100) : undefined);

export function parseAuditFilters(q: Record<string, unknown>): AuditFilters {
  const reviewer = str(q.reviewer);
  const action = str(q.action);
  const code = str(q.code)?.toUpperCase();
  const from = str(q.from);
  const to = str(q.to);
  const before = str(q.before);
  return {
    reviewer: reviewer && UUID_RE.test(reviewer) ? reviewer : undefined,
    action: action && (AUDIT_ACTIONS as readonly string[]).includes(action) ? action : undefined,
    code: code && REFERENCE_CODE_RE.test(code) ? code : undefined,
    from: from && DATE_RE.test(from) ? from : undefined,
    to: to && DATE_RE.test(to) ? to : undefined,
    before: before && /^\d{1,18}$/.test(before) ? BigInt(before) : undefined,
  };
}

export function auditWhere(f: AuditFilters): Prisma.AuditLogWhereInput {
  const where: Prisma.AuditLogWhereInput = {};
  if (f.reviewer) where.reviewerId = f.reviewer;
  if (f.action) where.action = f.action;
  if (f.code) where.code = f.code;
  const at: Prisma.DateTimeFilter = {};
  if (f.from) at.gte = new Date(`${f.from}T00:00:00+07:00`);
  if (f.to) at.lt = new Date(new Date(`${f.to}T00:00:00+07:00`).getTime() + 86_400_000);
  if (at.gte || at.lt) where.at = at;
  if (f.before) where.id = { lt: f.before };
  return where;
}

export function auditQuery(f: AuditFilters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({
    reviewer: f.reviewer,
    action: f.action,
    code: f.code,
    from: f.from,
    to: f.to,
    ...extra,
  }))
    if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : "";
}
