/**
 * The audit log in Vietnamese: filters by person, action, code and date, paged by id (newest
 * first), and its XLSX export — itself recorded in the log, like every export of personal data.
 */
import express, { type Router } from "express";
import { performAction } from "../../review/audit.js";
import { route, type PanelContext } from "../context.js";
import {
  AUDIT_ACTIONS,
  AUDIT_PAGE_SIZE,
  auditQuery,
  auditWhere,
  parseAuditFilters,
  type AuditFilters,
} from "../audit-filters.js";
import { auditXlsx } from "../export.js";
import { html, raw, renderPage } from "../layout.js";
import { STATUSES } from "../queue-filters.js";
import { auditTable } from "../views/audit-table.js";

export function auditRoutes(ctx: PanelContext): Router {
  const { t } = ctx.text;
  const router = express.Router();
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${raw(selected ? " selected" : "")}>${label}</option>`;

  router.get(
    "/audit",
    route(async (req, res) => {
      const f = parseAuditFilters(req.query as Record<string, unknown>);
      const [rows, people] = await Promise.all([
        ctx.db.auditLog.findMany({
          where: auditWhere(f),
          orderBy: { id: "desc" },
          take: AUDIT_PAGE_SIZE + 1,
        }),
        ctx.db.reviewer.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
      ]);
      const more = rows.length > AUDIT_PAGE_SIZE;
      const page = rows.slice(0, AUDIT_PAGE_SIZE);
      const next = more ? page[page.length - 1]!.id : undefined;
      const body = html`<form class="filters" method="get" action="/admin/audit">
          <label>${t("audit.person")}<select name="reviewer">${option("", t("audit.anyone"), !f.reviewer)}${people.map((p) => option(p.id, p.name, f.reviewer === p.id))}</select></label>
          <label>${t("audit.action")}<select name="action">${option("", t("audit.any_action"), !f.action)}${AUDIT_ACTIONS.map((a) => option(a, ctx.actionName(a), f.action === a))}</select></label>
          <label>${t("audit.code")}<input name="code" value="${f.code ?? ""}" placeholder="DC-2026-000001"></label>
          <label>${t("queue.from")}<input type="date" name="from" value="${f.from ?? ""}"></label>
          <label>${t("queue.to")}<input type="date" name="to" value="${f.to ?? ""}"></label>
          <button class="btn" type="submit">${t("common.filter")}</button>
          <a class="btn secondary" href="/admin/audit.xlsx${auditQuery(f)}">${t("audit.export_xlsx")}</a>
        </form>
        ${auditTable(ctx, page)}
        <p class="pager">${f.before && html`<a class="btn secondary" href="/admin/audit${auditQuery(f)}">${t("queue.first_page")}</a>`}
          ${next !== undefined && html`<a class="btn secondary" rel="next" href="/admin/audit${auditQuery(f, { before: String(next) })}">${t("queue.next_page")}</a>`}</p>`;
      renderPage(res, { i18n: ctx.i18n, title: t("audit.title"), body, reviewer: ctx.who(res) });
    }),
  );

  router.get(
    "/audit.xlsx",
    route(async (req, res) => {
      const f: AuditFilters = {
        ...parseAuditFilters(req.query as Record<string, unknown>),
        before: undefined,
      };
      const me = ctx.who(res);
      const label = (s: string | null) =>
        s && (STATUSES as readonly string[]).includes(s)
          ? ctx.st(s)
          : s
            ? ctx.i18n.has(`admin.audit.states.${s}`)
              ? t(`audit.states.${s}`)
              : s
            : "";
      // Read and recorded in one transaction: the export's own row says how many rows it carried.
      const { value: rows } = await performAction(
        ctx.db,
        { reviewerId: me.id, label: me.name },
        { type: "export", id: "audit" },
        "audit_export",
        async (tx) => {
          const found = await tx.auditLog.findMany({
            where: auditWhere(f),
            orderBy: { id: "desc" },
            take: 100_000,
          });
          return { value: found, audit: { note: t("audit.export_note", { count: ctx.num(found.length) }) } };
        },
      );
      const xlsx = await auditXlsx(
        rows.map((a) => ({
          at: a.at,
          code: a.code,
          actor: ctx.actorName(a.actor),
          action: ctx.actionName(a.action, a.subjectType),
          transition: a.fromStatus || a.toStatus ? `${label(a.fromStatus)} → ${label(a.toStatus)}` : "",
          note: a.note,
        })),
      );
      ctx.log.info({ reviewerId: me.id, rows: rows.length }, "audit export");
      res
        .set("Content-Disposition", `attachment; filename="nhat-ky-xu-ly.xlsx"`)
        .set("Cache-Control", "no-store")
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .send(xlsx);
    }),
  );
  return router;
}
