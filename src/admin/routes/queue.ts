/**
 * The review queue (GET /admin): the working view by default, search, filters, cursor paging and
 * bulk claim; and verifying or flagging self-reports from it (each confirmed, showing the report).
 */
import express, { type Router } from "express";
import { claimMany } from "../../review/claims.js";
import { decideSelfReport } from "../../review/decisions.js";
import { LEVEL_NAMES } from "../../self-reports/export.js";
import { route, type PanelContext } from "../context.js";
import { REFERENCE_CODE_RE } from "../ids.js";
import { html, renderPage } from "../layout.js";
import { questionMetrics } from "../../questions/metrics.js";
import { formatDuration } from "../../questions/admin-routes.js";
import { validateParams } from "../params.js";
import { countByStatus, listPage, parseFilters, queueWhere } from "../queue-filters.js";
import { notFound, noticeFrom, redirectWithNotice } from "../responses.js";
import { confirmed, renderConfirm } from "../views/confirm.js";
import { queuePage } from "../views/queue.js";

export function queueRoutes(ctx: PanelContext): Router {
  const { db, auth } = ctx;
  const { t } = ctx.text;
  const router = express.Router();
  validateParams(ctx, router);

  router.get(
    "/",
    route(async (req, res) => {
      const me = ctx.who(res);
      const filters = parseFilters(req.query as Record<string, unknown>, ctx.localities);
      const { where, countWhere } = await queueWhere(db, filters, me.id, ctx.localities);
      const [page, counts, questions, selfReports, reviewers, notices] = await Promise.all([
        listPage(db, filters, me.id, where),
        countByStatus(db, countWhere, me.id),
        questionMetrics(db),
        db.selfReport.findMany({
          where: { status: { in: ["submitted", "in_review"] } },
          orderBy: { createdAt: "asc" },
          take: 50,
        }),
        db.reviewer.findMany({
          where: { active: true },
          orderBy: { name: "asc" },
          select: { id: true, name: true },
        }),
        db.reviewerNotice.findMany({
          where: { reviewerId: me.id, readAt: null },
          orderBy: { id: "asc" },
          take: 20,
        }),
      ]);
      // Shown once: marked read as they are shown (they stay in the table as history).
      if (notices.length)
        await db.reviewerNotice.updateMany({
          where: { id: { in: notices.map((n) => n.id) } },
          data: { readAt: new Date() },
        });
      renderPage(res, {
        i18n: ctx.i18n,
        title: t("queue.title"),
        body: html`<p class="muted"><a href="/admin/questions">${t("inbox.dashboard", { open: questions.open, median: formatDuration(t, questions.medianSecondsToAnswer) })}</a></p>${queuePage(ctx, res, { notice: noticeFrom(ctx, req), filters, page, counts, selfReports, reviewers, notices })}`,
        reviewer: me,
      });
    }),
  );

  router.post(
    "/claim",
    auth.verifyCsrf,
    route(async (req, res) => {
      const raw = (req.body as Record<string, unknown>)?.code;
      const codes = (Array.isArray(raw) ? raw : [raw])
        .filter((c): c is string => typeof c === "string" && REFERENCE_CODE_RE.test(c))
        .slice(0, 200);
      if (!codes.length) return redirectWithNotice(res, "/admin", "queue.bulk_none");
      const rows = await db.nomination.findMany({ where: { code: { in: codes } }, select: { id: true } });
      const claimed = await claimMany(
        db,
        rows.map((r) => r.id),
        ctx.who(res),
      );
      if (claimed) ctx.pokeOutbox?.();
      redirectWithNotice(res, "/admin", "queue.bulk_claimed", { count: claimed, of: codes.length });
    }),
  );

  router.post(
    "/sr/:code/:action",
    auth.verifyCsrf,
    route(async (req, res) => {
      const code = String(req.params.code);
      const action = String(req.params.action);
      const sr =
        action === "verify" || action === "flag"
          ? await db.selfReport.findUnique({
              where: { code },
              select: { id: true, level: true, unit: true, createdAt: true, indicators: true },
            })
          : null;
      if (!sr) return notFound(ctx, res);
      if (!confirmed(req.body)) {
        // The report itself is shown here: the reviewer decides on what they can read.
        const met = Object.entries((sr.indicators ?? {}) as Record<string, boolean>);
        return renderConfirm(ctx, res, {
          question: t(`confirm.${action}_q`, { code }),
          consequence: t(`confirm.${action}_c`),
          details: html`<dl class="fields"><dt>${t("self_reports.col_level")}</dt><dd>${LEVEL_NAMES[sr.level as keyof typeof LEVEL_NAMES] ?? sr.level}</dd><dt>${t("self_reports.col_unit")}</dt><dd>${sr.unit}</dd>
            <dt>${t("self_reports.indicators")}</dt><dd>${t("self_reports.met_count", { met: ctx.num(met.filter(([, v]) => v).length), total: ctx.num(met.length) })}</dd></dl>`,
          action: `/admin/sr/${code}/${action}`,
          confirmLabel: t(`confirm.${action}_ok`),
          tone: action === "flag" ? "danger" : "ok",
          cancelHref: "/admin",
        });
      }
      const r = await decideSelfReport(db, {
        selfReportId: sr.id,
        action: action as "verify" | "flag",
        reviewer: ctx.who(res),
      });
      redirectWithNotice(res, "/admin", r.ok ? "self_reports.updated" : "self_reports.failed", { code });
    }),
  );
  return router;
}
