/** The review queue (GET /admin) and verifying or flagging self-reports from it. */
import express, { type Router } from "express";
import { decideSelfReport } from "../../review/decisions.js";
import { route, type PanelContext } from "../context.js";
import { html, renderPage } from "../layout.js";
import { questionMetrics } from "../../questions/metrics.js";
import { formatDuration } from "../../questions/admin-routes.js";
import { validateParams } from "../params.js";
import { countByStatus, listNominations, parseFilters } from "../queue-filters.js";
import { notFound, noticeFrom, redirectWithNotice } from "../responses.js";
import { queuePage } from "../views/queue.js";

export function queueRoutes(ctx: PanelContext): Router {
  const { db, auth } = ctx;
  const router = express.Router();
  validateParams(ctx, router);

  router.get(
    "/",
    route(async (req, res) => {
      const filters = parseFilters(req.query as Record<string, unknown>);
      const [rows, counts, questions, selfReports] = await Promise.all([
        listNominations(db, filters, 300),
        countByStatus(db, filters),
        questionMetrics(db),
        db.selfReport.findMany({ where: { status: { in: ["submitted", "in_review"] } }, orderBy: { createdAt: "asc" }, take: 50 }),
      ]);
      renderPage(res, { i18n: ctx.i18n, title: ctx.text.t("queue.title"), body: html`<p class="muted"><a href="/admin/questions">${ctx.text.t("inbox.dashboard", { open: questions.open, median: formatDuration(ctx.text.t, questions.medianSecondsToAnswer) })}</a></p>${queuePage(ctx, res, { notice: noticeFrom(ctx, req), filters, rows, counts, selfReports })}`, reviewer: ctx.who(res) });
    }),
  );

  router.post(
    "/sr/:code/:action",
    auth.verifyCsrf,
    route(async (req, res) => {
      const code = String(req.params.code);
      const action = String(req.params.action);
      const sr = action === "verify" || action === "flag" ? await db.selfReport.findUnique({ where: { code }, select: { id: true } }) : null;
      if (!sr) return notFound(ctx, res);
      const r = await decideSelfReport(db, { selfReportId: sr.id, action: action as "verify" | "flag", reviewer: ctx.who(res) });
      redirectWithNotice(res, "/admin", r.ok ? "self_reports.updated" : "self_reports.failed", { code });
    }),
  );
  return router;
}
