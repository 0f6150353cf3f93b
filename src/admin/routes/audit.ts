/** The audit log, optionally for one reference code. */
import express, { type Router } from "express";
import { route, type PanelContext } from "../context.js";
import { REFERENCE_CODE_RE } from "../ids.js";
import { html, renderPage } from "../layout.js";
import { auditTable } from "../views/audit-table.js";

export function auditRoutes(ctx: PanelContext): Router {
  const { t } = ctx.text;
  const router = express.Router();
  router.get(
    "/audit",
    route(async (req, res) => {
      const code = typeof req.query.code === "string" && REFERENCE_CODE_RE.test(req.query.code.trim()) ? req.query.code.trim() : undefined;
      const rows = await ctx.db.auditLog.findMany({ where: code ? { code } : {}, orderBy: { id: "desc" }, take: 300 });
      const body = html`<form class="filters" method="get" action="/admin/audit"><label>${t("audit.code")}<input name="code" value="${code ?? ""}" placeholder="DC-2026-000001"></label><button class="btn" type="submit">${t("common.filter")}</button></form>
        ${auditTable(ctx, rows)}`;
      renderPage(res, { i18n: ctx.i18n, title: t("audit.title"), body, reviewer: ctx.who(res) });
    }),
  );
  return router;
}
