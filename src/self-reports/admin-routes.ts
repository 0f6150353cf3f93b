/**
 * The admin panel's progress pages (/admin/progress): per level, the level's overall bars against
 * the plan's targets and a table of its units; per unit, its bars and the monthly trend; and the
 * full table as CSV/XLSX. Read-only, for signed-in reviewers.
 */
import express, { type RequestHandler } from "express";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { html, renderPage, type PageReviewer, type SafeHtml } from "../admin/layout.js";
import { progressChart } from "./chart.js";
import { LEVEL_NAMES, progressCsv, progressXlsx } from "./export.js";
import { LEVELS, type IndicatorSet, type Level } from "./indicators.js";
import { PRIVACY_MIN_REPORTS, progressTable, progressTrend, type ProgressRow } from "./progress.js";

export interface ProgressRoutesDeps {
  db: Db;
  indicators: IndicatorSet;
  requireReviewer: RequestHandler;
}

const querySchema = z.object({ level: z.enum(LEVELS).optional(), unit: z.string().max(200).optional() });

const pct = (v: number | null) => (v === null ? "—" : `${v.toLocaleString("vi-VN")}%`);
const stamp = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

/** @example extraRouters.push({ path: "/admin/progress", router: createProgressRoutes({ db, indicators, requireReviewer }) }) */
export function createProgressRoutes(deps: ProgressRoutesDeps): express.Router {
  const { db, indicators } = deps;
  const router = express.Router();
  router.use(deps.requireReviewer);
  const label = (id: string) => indicators.byId(id)?.label.vi ?? id;
  const note = html`<p class="muted">Số liệu do cán bộ, người dân và doanh nghiệp <b>tự khai báo</b> qua bot (đã loại các báo cáo bị đánh dấu không hợp lệ);
    mỗi người chỉ tính báo cáo mới nhất. Đơn vị có dưới ${PRIVACY_MIN_REPORTS} báo cáo không hiển thị tỉ lệ. Vạch đỏ là chỉ tiêu của Kế hoạch 154/KH-UBND.</p>`;

  router.get("/", async (req, res, next) => {
    try {
      const q = querySchema.safeParse(req.query);
      const filter = q.success ? q.data : {};
      const reviewer = res.locals.reviewer as PageReviewer;
      const exports = html`<p><a class="btn secondary" href="/admin/progress/export.csv">Tải CSV</a> <a class="btn secondary" href="/admin/progress/export.xlsx">Tải Excel (XLSX)</a></p>`;
      if (filter.level && filter.unit) {
        const rows = (await progressTable(db, indicators, { level: filter.level, unitKey: filter.unit })).filter((r) => r.unitKey !== null);
        const trend = await progressTrend(db, { level: filter.level, unitKey: filter.unit });
        const name = rows[0]?.unit ?? filter.unit;
        const body = rows.length
          ? html`${note}<p><a href="/admin/progress?level=${filter.level}">← ${LEVEL_NAMES[filter.level]}</a></p>
              <div class="card"><p>Dựa trên <b>${rows[0]!.reports}</b> báo cáo tự khai.</p>${progressChart(rows, label, `${name}: tỉ lệ đạt so với chỉ tiêu`)}</div>
              <h2>Diễn biến theo tháng</h2>${trendTable(trend, label)}`
          : html`<p>Chưa có báo cáo nào của đơn vị này.</p>`;
        return renderPage(res, { title: `Tiến độ: ${name} (${LEVEL_NAMES[filter.level].toLowerCase()})`, body, reviewer });
      }
      const rows = await progressTable(db, indicators, filter.level ? { level: filter.level } : {});
      const levels = filter.level ? [filter.level] : [...LEVELS];
      const sections = levels.map((level) => levelSection(level, rows.filter((r) => r.level === level), label));
      return renderPage(res, { title: "Tiến độ so với chỉ tiêu", body: html`${note}${exports}${sections}`, reviewer });
    } catch (err) {
      next(err);
    }
  });

  router.get("/export.csv", async (_req, res, next) => {
    try {
      const rows = await progressTable(db, indicators);
      res.set("Content-Disposition", `attachment; filename="tien-do-tu-danh-gia-${stamp()}.csv"`).type("text/csv; charset=utf-8").send(progressCsv(rows, indicators));
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

function levelSection(level: Level, rows: ProgressRow[], label: (id: string) => string): SafeHtml {
  const overall = rows.filter((r) => r.unitKey === null);
  if (!overall.length) return html`<h2>${LEVEL_NAMES[level]}</h2><p class="muted">Chưa có báo cáo.</p>`;
  const units = new Map<string, ProgressRow[]>();
  for (const r of rows) if (r.unitKey !== null) units.set(r.unitKey, [...(units.get(r.unitKey) ?? []), r]);
  const ids = overall.map((r) => r.indicator);
  return html`<h2>${LEVEL_NAMES[level]} — dựa trên ${overall[0]!.reports} báo cáo tự khai</h2>
    <div class="card">${progressChart(overall, label, `${LEVEL_NAMES[level]}: tỉ lệ đạt so với chỉ tiêu`)}</div>
    <div class="table-wrap"><table><thead><tr><th>Cơ quan, đơn vị</th><th>Số báo cáo</th>${ids.map((id) => html`<th>${label(id)}</th>`)}</tr></thead><tbody>
    ${[...units.entries()].map(([key, unitRows]) => {
      const by = new Map(unitRows.map((r) => [r.indicator, r]));
      return html`<tr><td><a href="/admin/progress?level=${level}&amp;unit=${encodeURIComponent(key)}">${unitRows[0]!.unit ?? key}</a></td><td>${unitRows[0]!.reports}</td>
        ${ids.map((id) => {
          const r = by.get(id);
          return html`<td>${r ? pct(r.share) : ""}${r?.gap ? html` <span class="muted">(thiếu ${r.gap})</span>` : ""}</td>`;
        })}</tr>`;
    })}
    </tbody></table></div>`;
}

function trendTable(trend: Awaited<ReturnType<typeof progressTrend>>, label: (id: string) => string): SafeHtml {
  const rows = trend.filter((r) => r.unitKey !== null);
  if (!rows.length) return html`<p class="muted">Chưa có dữ liệu.</p>`;
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const ids = [...new Set(rows.map((r) => r.indicator))];
  const cell = new Map(rows.map((r) => [`${r.indicator}|${r.month}`, r]));
  return html`<div class="table-wrap"><table><thead><tr><th>Chỉ số</th>${months.map((m) => html`<th>${m.slice(5)}/${m.slice(0, 4)}</th>`)}</tr></thead><tbody>
    ${ids.map((id) => html`<tr><td>${label(id)}</td>${months.map((m) => {
      const r = cell.get(`${id}|${m}`);
      return html`<td>${r ? html`${pct(r.share)} <span class="muted">(${r.respondents})</span>` : ""}</td>`;
    })}</tr>`)}
    </tbody></table></div><p class="muted">Mỗi ô: tỉ lệ đạt trong các báo cáo gửi trong tháng (số báo cáo).</p>`;
}
