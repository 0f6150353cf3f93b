/** The review queue page: counts per status, filters, the nominations, and self-reports awaiting verification. */
import type { Response } from "express";
import type { PanelContext } from "../context.js";
import { vnTime } from "../context.js";
import { html, raw, type SafeHtml } from "../layout.js";
import { CATEGORIES, filtersQuery, STATUSES, type QueueFilters, type QueueRow } from "../queue-filters.js";

export interface SelfReportRowView {
  code: string;
  createdAt: Date;
  level: string;
  unit: string;
  status: string;
}

export function queuePage(ctx: PanelContext, res: Response, v: { notice: SafeHtml | false; filters: QueueFilters; rows: QueueRow[]; counts: Record<string, number>; selfReports: SelfReportRowView[] }): SafeHtml {
  const { t } = ctx.text;
  const f = v.filters;
  const total = Object.values(v.counts).reduce((a, b) => a + b, 0);
  const option = (value: string, label: string, selected: boolean) => html`<option value="${value}"${raw(selected ? " selected" : "")}>${label}</option>`;
  return html`${v.notice}
    <div class="counts">
      <a href="/admin${filtersQuery({ ...f, status: undefined })}"><span class="badge">${t("queue.count", { label: t("common.all"), count: total })}</span></a>
      ${STATUSES.map((s) => html`<a href="/admin${filtersQuery({ ...f, status: s })}"><span class="badge s-${s}">${t("queue.count", { label: ctx.st(s), count: v.counts[s] ?? 0 })}</span></a>`)}
    </div>
    <form class="filters" method="get" action="/admin">
      <label>${t("queue.status")}<select name="status">${option("", t("common.all"), !f.status)}${STATUSES.map((s) => option(s, ctx.st(s), f.status === s))}</select></label>
      <label>${t("queue.category")}<select name="category">${option("", t("common.all"), !f.category)}${CATEGORIES.map((c) => option(c, ctx.cat(c), f.category === c))}</select></label>
      <label>${t("queue.locality")}<input name="locality" value="${f.locality ?? ""}" placeholder="${t("queue.locality_example")}"></label>
      <label>${t("queue.from")}<input type="date" name="from" value="${f.from ?? ""}"></label>
      <label>${t("queue.to")}<input type="date" name="to" value="${f.to ?? ""}"></label>
      <button class="btn" type="submit">${t("common.filter")}</button>
      <a class="btn secondary" href="/admin/export.xlsx${filtersQuery(f)}">${t("queue.export_xlsx")}</a>
      <a class="btn secondary" href="/admin/export.csv${filtersQuery(f)}">${t("queue.export_csv")}</a>
    </form>
    <div class="table-wrap"><table>
      <thead><tr><th>${t("queue.col_code")}</th><th>${t("queue.col_date")}</th><th>${t("queue.col_category")}</th><th>${t("queue.col_nominee")}</th><th>${t("queue.col_locality")}</th><th>${t("queue.col_status")}</th><th>${t("queue.col_handler")}</th></tr></thead>
      <tbody>${
        v.rows.length
          ? v.rows.map(
              (n) => html`<tr><td><a href="/admin/n/${n.code}">${n.code}</a></td><td>${vnTime(n.createdAt)}</td><td>${ctx.cat(n.category)}</td>
                <td>${n.nomineeName}<div class="muted">${n.nomineeUnit}</div></td><td>${n.locality}</td><td>${ctx.badge(n.status)}</td>
                <td>${n.decidedBy?.name ?? n.claimedBy?.name ?? ""}</td></tr>`,
            )
          : html`<tr><td colspan="7" class="muted">${t("queue.empty")}</td></tr>`
      }</tbody></table></div>
    <h2>${t("self_reports.heading")}</h2>${selfReportTable(ctx, res, v.selfReports)}`;
}

function selfReportTable(ctx: PanelContext, res: Response, reports: SelfReportRowView[]): SafeHtml {
  const { t } = ctx.text;
  if (!reports.length) return html`<p class="muted">${t("self_reports.empty")}</p>`;
  return html`<div class="table-wrap"><table><thead><tr><th>${t("self_reports.col_code")}</th><th>${t("self_reports.col_date")}</th><th>${t("self_reports.col_level")}</th><th>${t("self_reports.col_unit")}</th><th>${t("self_reports.col_status")}</th><th></th></tr></thead><tbody>${reports.map(
    (r) => html`<tr><td>${r.code}</td><td>${vnTime(r.createdAt)}</td><td>${r.level}</td><td>${r.unit}</td><td>${ctx.badge(r.status)}</td>
      <td><form method="post" action="/admin/sr/${r.code}/verify" style="display:inline">${ctx.csrfField(res)}<button class="btn ok" type="submit">${t("self_reports.verify")}</button></form>
      <form method="post" action="/admin/sr/${r.code}/flag" style="display:inline">${ctx.csrfField(res)}<button class="btn danger" type="submit">${t("self_reports.flag")}</button></form></td></tr>`,
  )}</tbody></table></div>`;
}
