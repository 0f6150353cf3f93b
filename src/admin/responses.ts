/**
 * The panel's two recurring answers: "not found" (one page for a malformed id and an unknown one,
 * so neither reaches the database or the log) and "redirect with a notice". A notice is a message
 * KEY from a fixed list plus values that must match strict patterns, never free text in the URL:
 * `/admin?notice=…` cannot make the official notice box say what an attacker wrote.
 */
import type { Request, Response } from "express";
import { html, renderPage, type SafeHtml } from "./layout.js";
import type { PanelContext } from "./context.js";
import { REFERENCE_CODE_RE } from "./ids.js";
import { STATUSES } from "./queue-filters.js";

/** Every notice the panel can show, and whether it reports a failure. Keys are `admin.<key>` locale keys. */
export const NOTICES = {
  "self_reports.updated": false,
  "self_reports.failed": true,
  "decision.updated": false,
  "decision.not_found": true,
  "decision.conflict": true,
  "decision.published": false,
  "decision.unpublished": false,
  "decision.publish_approved_only": true,
  "decision.note_required": true,
  "decision.held": true,
  "decision.taken_over": false,
  "decision.takeover_stale": true,
  "queue.bulk_claimed": false,
  "queue.bulk_none": true,
  "reviewers.self": true,
  "reviewers.bad_telegram_id": true,
  "reviewers.last_admin": true,
  "reviewers.added": false,
  "reviewers.removed": false,
  "reviewers.not_found": true,
  "reviewers.bad_name": true,
  "reviewers.identity_taken": true,
  "reviewers.link_sent": false,
  "reviewers.link_no_chat": true,
  "deletions.erased": false,
  "deletions.not_pending": true,
} as const satisfies Record<string, boolean>;
export type NoticeKey = keyof typeof NOTICES;

/** Values a notice may carry; each is checked against a pattern when read back. */
export interface NoticeVars {
  code?: string;
  status?: string;
  /** How many (bulk actions): digits only when read back. */
  count?: number;
  of?: number;
}

/**
 * Answers 303 to `path` with the notice in the query string.
 *
 * @example redirectWithNotice(res, `/admin/n/${code}`, "decision.updated", { code, status: "approved" })
 */
export function redirectWithNotice(res: Response, path: string, key: NoticeKey, vars: NoticeVars = {}): void {
  const q = new URLSearchParams({ notice: key });
  if (vars.code) q.set("code", vars.code);
  if (vars.status) q.set("status", vars.status);
  if (vars.count !== undefined) q.set("count", String(vars.count));
  if (vars.of !== undefined) q.set("of", String(vars.of));
  res.redirect(303, `${path}?${q.toString()}`);
}

/** The notice named by the query string, rendered; nothing for an unknown key or a value that fails its pattern. */
export function noticeFrom(ctx: PanelContext, req: Request): SafeHtml | false {
  const key = typeof req.query.notice === "string" ? req.query.notice : "";
  if (!Object.hasOwn(NOTICES, key)) return false;
  const code =
    typeof req.query.code === "string" && REFERENCE_CODE_RE.test(req.query.code) ? req.query.code : "";
  const status =
    typeof req.query.status === "string" && (STATUSES as readonly string[]).includes(req.query.status)
      ? ctx.st(req.query.status)
      : "";
  const count =
    typeof req.query.count === "string" && /^\d{1,6}$/.test(req.query.count)
      ? ctx.num(Number(req.query.count))
      : "";
  const of =
    typeof req.query.of === "string" && /^\d{1,6}$/.test(req.query.of) ? ctx.num(Number(req.query.of)) : "";
  const isErr = NOTICES[key as NoticeKey];
  return html`<div class="notice${isErr ? " error" : ""}" role="status">${ctx.text.t(key, { code, status, by: "", count, of })}</div>`;
}

/** The one "not found" page (404) for anything a reviewer asked for that is not there or not well-formed. */
export function notFound(ctx: PanelContext, res: Response, title = ctx.text.t("common.not_found")): void {
  const reviewer = res.locals.reviewer as Parameters<typeof renderPage>[1]["reviewer"];
  renderPage(res, {
    i18n: ctx.i18n,
    title,
    status: 404,
    reviewer,
    body: html`<p><a href="/admin">${ctx.text.t("detail.back_to_queue")}</a></p>`,
  });
}
