/**
 * The admin panel's leaderboard (/admin/leaderboard): every level's ranking now or as a monthly
 * snapshot, CSV/XLSX export of either, and (admins) "save this month's snapshot". Reviewers read.
 */
import { performAction } from "../review/audit.js";
import express, { type RequestHandler, type Response } from "express";
import { z } from "zod";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import { html, panelText, renderPage, type PageReviewer } from "../admin/layout.js";
import { LEVEL_NAMES } from "../self-reports/export.js";
import { LEVELS, type IndicatorSet } from "../self-reports/indicators.js";
import { leaderboardCsv, leaderboardXlsx } from "./export.js";
import { leaderboard, type LeaderboardEntry } from "./ranking.js";
import { snapshotBoard, snapshotMonths, takeSnapshot, vietnamMonth } from "./snapshots.js";

export interface LeaderboardRoutesDeps {
  db: Db;
  indicators: IndicatorSet;
  i18n: Translator;
  requireReviewer: RequestHandler;
  verifyCsrf: RequestHandler;
  csrfToken(res: Response): string;
}

const querySchema = z.object({
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
});
const pct = (v: number | null) => (v === null ? "—" : `${v.toLocaleString("vi-VN")}%`);

/** @example extraRouters.push({ path: "/admin/leaderboard", router: createLeaderboardRoutes({ db, indicators, i18n, ...auth }) }) */
export function createLeaderboardRoutes(deps: LeaderboardRoutesDeps): express.Router {
  const { db, indicators, i18n } = deps;
  const { t } = panelText(i18n);
  const router = express.Router();
  router.use(deps.requireReviewer);
  const boardOf = (month?: string) => (month ? snapshotBoard(db, month) : leaderboard(db, indicators));

  router.get("/", async (req, res, next) => {
    try {
      const q = querySchema.safeParse(req.query);
      const month = q.success ? q.data.month : undefined;
      const reviewer = res.locals.reviewer as PageReviewer;
      const [board, months] = await Promise.all([boardOf(month), snapshotMonths(db)]);
      const suffix = month ? `?month=${month}` : "";
      const picker = html`<form class="filters" method="get" action="/admin/leaderboard"><label>${t("leaderboard.show")}<select name="month">
          <option value="">${t("leaderboard.current")}</option>${months.map((m) => html`<option value="${m}" ${m === month ? "selected" : ""}>${t("leaderboard.month", { month: m })}</option>`)}</select></label>
          <button class="btn secondary" type="submit">${t("leaderboard.show")}</button>
          <a class="btn secondary" href="/admin/leaderboard/export.csv${suffix}">${t("leaderboard.download_csv")}</a> <a class="btn secondary" href="/admin/leaderboard/export.xlsx${suffix}">${t("leaderboard.download_xlsx")}</a></form>
        ${reviewer.role === "admin" && html`<form method="post" action="/admin/leaderboard/snapshot"><input type="hidden" name="_csrf" value="${deps.csrfToken(res)}"><button class="btn" type="submit">${t("leaderboard.snapshot_now")}</button></form>`}`;
      const saved =
        typeof req.query.saved === "string" && /^\d{4}-\d{2}$/.test(req.query.saved)
          ? html`<div class="notice">${t("leaderboard.snapshot_saved", { month: req.query.saved })}</div>`
          : "";
      const sections = LEVELS.map((level) =>
        section(
          level,
          board.filter((e) => e.level === level),
        ),
      );
      const body = html`${saved}<p class="muted">${t("leaderboard.note")}</p>${picker}${sections}`;
      renderPage(res, {
        i18n,
        title: month
          ? `${t("leaderboard.title")} · ${t("leaderboard.month", { month })}`
          : t("leaderboard.title"),
        body,
        reviewer,
      });
    } catch (err) {
      next(err);
    }
  });

  function section(level: (typeof LEVELS)[number], entries: LeaderboardEntry[]) {
    if (!entries.length)
      return html`<h2>${LEVEL_NAMES[level]}</h2><p class="muted">${t("leaderboard.empty")}</p>`;
    return html`<h2>${LEVEL_NAMES[level]}</h2><div class="table-wrap"><table><thead><tr><th>${t("leaderboard.col_rank")}</th><th>${t("leaderboard.col_unit")}</th><th>${t("leaderboard.col_reports")}</th><th>${t("leaderboard.col_score")}</th></tr></thead><tbody>
      ${entries.map((e) => html`<tr><td>${e.rank ?? html`<span class="muted">${t("leaderboard.unranked")}</span>`}</td><td><a href="/admin/progress?level=${e.level}&amp;unit=${encodeURIComponent(e.unitKey)}">${e.unit}</a></td><td>${e.reports}</td><td>${pct(e.score)}</td></tr>`)}
      </tbody></table></div>`;
  }

  const stamp = (month?: string) => month ?? new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
  router.get("/export.csv", async (req, res, next) => {
    try {
      const q = querySchema.safeParse(req.query);
      const month = q.success ? q.data.month : undefined;
      res
        .set("Content-Disposition", `attachment; filename="xep-hang-thi-dua-${stamp(month)}.csv"`)
        .type("text/csv; charset=utf-8")
        .send(leaderboardCsv(await boardOf(month), indicators));
    } catch (err) {
      next(err);
    }
  });
  router.get("/export.xlsx", async (req, res, next) => {
    try {
      const q = querySchema.safeParse(req.query);
      const month = q.success ? q.data.month : undefined;
      res
        .set("Content-Disposition", `attachment; filename="xep-hang-thi-dua-${stamp(month)}.xlsx"`)
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .send(await leaderboardXlsx(await boardOf(month), indicators, stamp(month)));
    } catch (err) {
      next(err);
    }
  });

  router.post("/snapshot", deps.verifyCsrf, async (_req, res, next) => {
    try {
      const reviewer = res.locals.reviewer as PageReviewer;
      if (reviewer.role !== "admin") return void res.status(403).type("text/plain").send("admin only");
      const month = vietnamMonth(new Date());
      const n = await takeSnapshot(db, indicators, month);
      await performAction(
        db,
        { reviewerId: reviewer.id, label: reviewer.name },
        { type: "leaderboard", id: month },
        "snapshot",
        async () => ({ value: undefined, audit: { note: `${n} đơn vị` } }),
      );
      res.redirect(303, `/admin/leaderboard?saved=${month}`);
    } catch (err) {
      next(err);
    }
  });

  return router;
}
