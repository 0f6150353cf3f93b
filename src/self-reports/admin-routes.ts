/**
 * The admin panel's progress pages (/admin/progress): per level, the level's overall bars against
 * the plan's targets and a table of its units; per unit, its bars and the monthly trend; and the
 * full table as CSV/XLSX. Read-only, for signed-in reviewers.
 */
import express, { type RequestHandler } from "express";
import { z } from "zod";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import {
  html,
  panelText,
  renderPage,
  type PageReviewer,
  type PanelText,
  type SafeHtml,
} from "../admin/layout.js";
import { progressChart, viNumber } from "./chart.js";
import { LEVEL_NAMES, progressCsv, progressXlsx } from "./export.js";
import { LEVELS, type IndicatorSet, type Level } from "./indicators.js";
import { PRIVACY_MIN_REPORTS, progressTable, progressTrend, type ProgressRow } from "./progress.js";

export interface ProgressRoutesDeps {
  db: Db;
  indicators: IndicatorSet;
  requireReviewer: RequestHandler;
  /** The pages' wording (`admin.progress.*`). */
  i18n: Translator;
}

const querySchema = z.object({ level: z.enum(LEVELS).optional(), unit: z.string().max(200).optional() });

const pct = (v: number | null) => (v === null ? "—" : `${viNumber(v)}%`);
const stamp = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

/** @example extraRouters.push({ path: "/admin/progress", router: createProgressRoutes({ db, indicators, requireReviewer, i18n }) }) */
export function createProgressRoutes(deps: ProgressRoutesDeps): express.Router {
  const { db, indicators, i18n } = deps;
  const text = panelText(i18n);
  const { t, h } = text;
  const router = express.Router();
  router.use(deps.requireReviewer);
  const label = (id: string) => indicators.byId(id)?.label.vi ?? id;
  const note = html`<p class="muted">${h("progress.note", { self_declared: html`<b>${t("progress.self_declared")}</b>`, min: PRIVACY_MIN_REPORTS })}</p>`;

  router.get("/", async (req, res, next) => {
    try {
      const q = querySchema.safeParse(req.query);
      const filter = q.success ? q.data : {};
      const reviewer = res.locals.reviewer as PageReviewer;
      const exports = html`<p><a class="btn secondary" href="/admin/progress/export.csv">${t("progress.download_csv")}</a> <a class="btn secondary" href="/admin/progress/export.xlsx">${t("progress.download_xlsx")}</a></p>`;
      if (filter.level && filter.unit) {
        const rows = (
          await progressTable(db, indicators, { level: filter.level, unitKey: filter.unit })
        ).filter((r) => r.unitKey !== null);
        const trend = await progressTrend(db, { level: filter.level, unitKey: filter.unit });
        const name = rows[0]?.unit ?? filter.unit;
        const body = rows.length
          ? html`${note}<p><a href="/admin/progress?level=${filter.level}">← ${LEVEL_NAMES[filter.level]}</a></p>
              <div class="card"><p>${h("progress.based_on", { count: html`<b>${viNumber(rows[0]!.reports)}</b>` })}</p>${progressChart(rows, label, t("progress.chart_title", { name }))}</div>
              <h2>${t("progress.trend")}</h2>${trendTable(trend, label, text)}`
          : html`<p>${t("progress.unit_empty")}</p>`;
        return renderPage(res, {
          i18n,
          title: t("progress.unit_title", { unit: name, level: LEVEL_NAMES[filter.level].toLowerCase() }),
          body,
          reviewer,
        });
      }
      const rows = await progressTable(db, indicators, filter.level ? { level: filter.level } : {});
      const levels = filter.level ? [filter.level] : [...LEVELS];
      const sections = levels.map((level) =>
        levelSection(
          level,
          rows.filter((r) => r.level === level),
          label,
          text,
        ),
      );
      return renderPage(res, {
        i18n,
        title: t("progress.title"),
        body: html`${note}${exports}${sections}`,
        reviewer,
      });
    } catch (err) {
      next(err);
    }
  });

  router.get("/export.csv", async (_req, res, next) => {
    try {
      const rows = await progressTable(db, indicators);
      res
        .set("Content-Disposition", `attachment; filename="tien-do-tu-danh-gia-${stamp()}.csv"`)
        .type("text/csv; charset=utf-8")
        .send(progressCsv(rows, indicators));
    } catch (err) {
      next(err);
    }
  });

  router.get("/export.xlsx", async (_req, res, next) => {
    try {
      const rows = await progressTable(db, indicators);
      res
        .set("Content-Disposition", `attachment; filename="tien-do-tu-danh-gia-${stamp()}.xlsx"`)
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .send(await progressXlsx(rows, indicators));
    } catch (err) {
      next(err);
    }
  });

  return router;
}

function levelSection(
  level: Level,
  rows: ProgressRow[],
  label: (id: string) => string,
  { t }: PanelText,
): SafeHtml {
  const overall = rows.filter((r) => r.unitKey === null);
  if (!overall.length)
    return html`<h2>${LEVEL_NAMES[level]}</h2><p class="muted">${t("progress.level_empty")}</p>`;
  const units = new Map<string, ProgressRow[]>();
  for (const r of rows) if (r.unitKey !== null) units.set(r.unitKey, [...(units.get(r.unitKey) ?? []), r]);
  const ids = overall.map((r) => r.indicator);
  return html`<h2>${t("progress.level_heading", { level: LEVEL_NAMES[level], count: viNumber(overall[0]!.reports) })}</h2>
    <div class="card">${progressChart(overall, label, t("progress.chart_title", { name: LEVEL_NAMES[level] }))}</div>
    <div class="table-wrap"><table><thead><tr><th>${t("progress.col_unit")}</th><th>${t("progress.col_reports")}</th>${ids.map((id) => html`<th>${label(id)}</th>`)}</tr></thead><tbody>
    ${[...units.entries()].map(([key, unitRows]) => {
      const by = new Map(unitRows.map((r) => [r.indicator, r]));
      return html`<tr><td><a href="/admin/progress?level=${level}&amp;unit=${encodeURIComponent(key)}">${unitRows[0]!.unit ?? key}</a></td><td>${viNumber(unitRows[0]!.reports)}</td>
        ${ids.map((id) => {
          const r = by.get(id);
          return html`<td>${r ? pct(r.share) : ""}${r?.gap ? html` <span class="muted">${t("progress.gap", { gap: viNumber(r.gap) })}</span>` : ""}</td>`;
        })}</tr>`;
    })}
    </tbody></table></div>`;
}

function trendTable(
  trend: Awaited<ReturnType<typeof progressTrend>>,
  label: (id: string) => string,
  { t }: PanelText,
): SafeHtml {
  const rows = trend.filter((r) => r.unitKey !== null);
  if (!rows.length) return html`<p class="muted">${t("progress.no_data")}</p>`;
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const ids = [...new Set(rows.map((r) => r.indicator))];
  const cell = new Map(rows.map((r) => [`${r.indicator}|${r.month}`, r]));
  return html`<div class="table-wrap"><table><thead><tr><th>${t("progress.col_indicator")}</th>${months.map((m) => html`<th>${t("progress.month", { month: m.slice(5), year: m.slice(0, 4) })}</th>`)}</tr></thead><tbody>
    ${ids.map(
      (id) =>
        html`<tr><td>${label(id)}</td>${months.map((m) => {
          const r = cell.get(`${id}|${m}`);
          return html`<td>${r ? html`${pct(r.share)} <span class="muted">(${viNumber(r.respondents)})</span>` : ""}</td>`;
        })}</tr>`,
    )}
    </tbody></table></div><p class="muted">${t("progress.trend_legend")}</p>`;
}
