/**
 * The review queue page: what changed for me, counts, search and filters, the page of nominations
 * (with bulk claim), and self-reports awaiting verification. On a phone the table becomes a list
 * of cards (CSS), so nothing needs sideways scrolling.
 */
import type { Response } from "express";
import { LEVEL_NAMES } from "../../self-reports/export.js";
import type { PanelContext } from "../context.js";
import { vnTime } from "../context.js";
import { html, raw, type SafeHtml } from "../layout.js";
import {
  CATEGORIES,
  filtersQuery,
  STATUSES,
  type QueueFilters,
  type QueuePage,
  type QueueRow,
} from "../queue-filters.js";

export interface SelfReportRowView {
  code: string;
  createdAt: Date;
  level: string;
  unit: string;
  status: string;
}

export interface QueueView {
  notice: SafeHtml | false;
  filters: QueueFilters;
  page: QueuePage;
  counts: { byStatus: Record<string, number>; todo: number };
  selfReports: SelfReportRowView[];
  reviewers: Array<{ id: string; name: string }>;
  notices: Array<{ kind: string; code: string | null; actor: string; createdAt: Date }>;
}

export function queuePage(ctx: PanelContext, res: Response, v: QueueView): SafeHtml {
  const { t } = ctx.text;
  const f = v.filters;
  const me = ctx.who(res);
  const total = Object.values(v.counts.byStatus).reduce((a, b) => a + b, 0);
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${raw(selected ? " selected" : "")}>${label}</option>`;
  // The less used filters fold away (open on a desktop, or whenever one is in use) so a phone shows the list first.
  const filtered = Boolean(
    f.status || f.category || f.locality || f.reviewer || f.from || f.to || f.view === "all",
  );
  const chosenLocality = f.localityId ? ctx.localities?.byId(f.localityId)?.name : undefined;
  const row = (n: QueueRow, updated: boolean) => {
    const holder = n.decidedBy?.name ?? n.claimedBy?.name;
    return html`<tr${raw(updated ? ' class="updated"' : "")}>
      <td class="pick">${n.status === "submitted" && html`<input type="checkbox" name="code" value="${n.code}" form="bulk" aria-label="${t("queue.pick", { code: n.code })}">`}</td>
      <td data-label="${t("queue.col_code")}"><a href="/admin/n/${n.code}">${n.code}</a>${updated && html` <span class="badge updated">${t("queue.updated_badge")}</span>`}</td>
      <td data-label="${t("queue.col_date")}">${vnTime(n.createdAt)}</td>
      <td data-label="${t("queue.col_category")}">${ctx.cat(n.category)}</td>
      <td data-label="${t("queue.col_nominee")}">${n.nomineeName}<div class="muted">${n.nomineeUnit}</div></td>
      <td data-label="${t("queue.col_locality")}">${ctx.localityName(n)}</td>
      <td data-label="${t("queue.col_status")}">${ctx.badge(n.status)}</td>
      <td data-label="${t("queue.col_handler")}">${holder ? html`${n.claimedBy && !n.decidedBy && n.claimedById === me.id ? t("detail.you") : holder}${n.status === "in_review" && n.claimedAt && html`<div class="muted">${t("queue.since", { time: vnTime(n.claimedAt) })}</div>`}` : ""}</td></tr>`;
  };
  const rows = [...v.page.updated.map((n) => row(n, true)), ...v.page.rows.map((n) => row(n, false))];
  const shown = v.page.updated.length + v.page.rows.length;
  return html`${v.notice}
    ${v.notices.map((n) => html`<div class="notice error" role="status">${t(`notices.${n.kind}`, { actor: n.actor, code: n.code ?? "", time: vnTime(n.createdAt) })}</div>`)}
    <div class="counts">
      <a href="/admin${filtersQuery({ ...f, view: "todo", status: undefined })}"><span class="badge todo">${t("queue.count", { label: t("queue.view_todo"), count: ctx.num(v.counts.todo) })}</span></a>
      <a href="/admin${filtersQuery({ ...f, view: "all", status: undefined })}"><span class="badge">${t("queue.count", { label: t("common.all"), count: ctx.num(total) })}</span></a>
      ${STATUSES.map((s) => html`<a href="/admin${filtersQuery({ ...f, view: "all", status: s })}"><span class="badge s-${s}">${t("queue.count", { label: ctx.st(s), count: ctx.num(v.counts.byStatus[s] ?? 0) })}</span></a>`)}
    </div>
    <form class="filters" method="get" action="/admin" role="search">
      <label class="wide">${t("queue.search")}<input type="search" name="q" value="${f.q ?? ""}" placeholder="${t("queue.search_placeholder")}"></label>
      <button class="btn" type="submit">${t("common.filter")}</button>
      <details class="more-filters"${raw(filtered ? " open" : "")}><summary>${t("queue.more_filters")}</summary><div class="filters-body">
      <label>${t("queue.view")}<select name="view">${option("todo", t("queue.view_todo"), f.view === "todo")}${option("all", t("queue.view_all"), f.view === "all")}</select></label>
      <label>${t("queue.status")}<select name="status">${option("", t("common.all"), !f.status)}${STATUSES.map((s) => option(s, ctx.st(s), f.status === s))}</select></label>
      <label>${t("queue.category")}<select name="category">${option("", t("common.all"), !f.category)}${CATEGORIES.map((c) => option(c, ctx.cat(c), f.category === c))}</select></label>
      <label>${t("queue.locality")}<input name="locality" list="localities" value="${chosenLocality ?? f.locality ?? ""}" placeholder="${t("queue.locality_example")}" autocomplete="off"></label>
      <datalist id="localities">${(ctx.localities?.list() ?? []).map((l) => html`<option value="${l.name}"></option>`)}</datalist>
      <label>${t("queue.reviewer")}<select name="reviewer">${option("", t("queue.reviewer_any"), !f.reviewer)}${v.reviewers.map((r) => option(r.id, r.name, f.reviewer === r.id))}</select></label>
      <label>${t("queue.from")}<input type="date" name="from" value="${f.from ?? ""}"></label>
      <label>${t("queue.to")}<input type="date" name="to" value="${f.to ?? ""}"></label>
      <button class="btn" type="submit">${t("common.filter")}</button>
      <a class="btn secondary" href="/admin/export.xlsx${filtersQuery(f)}">${t("queue.export_xlsx")}</a>
      <a class="btn secondary" href="/admin/export.csv${filtersQuery(f)}">${t("queue.export_csv")}</a>
      </div></details>
    </form>
    ${f.locality && !f.localityId && html`<p class="notice">${t("queue.locality_unmatched", { text: f.locality })}</p>`}
    <form id="bulk" method="post" action="/admin/claim">${ctx.csrfField(res)}</form>
    <div class="table-wrap"><table class="queue">
      <thead><tr><th><span class="sr-only">${t("queue.col_pick")}</span></th><th>${t("queue.col_code")}</th><th>${t("queue.col_date")}</th><th>${t("queue.col_category")}</th><th>${t("queue.col_nominee")}</th><th>${t("queue.col_locality")}</th><th>${t("queue.col_status")}</th><th>${t("queue.col_handler")}</th></tr></thead>
      <tbody>${rows.length ? rows : html`<tr><td colspan="8" class="muted">${t(f.view === "todo" ? "queue.empty_todo" : "queue.empty")}</td></tr>`}</tbody></table></div>
    <div class="pager">
      <button class="btn" type="submit" form="bulk">${t("queue.bulk_claim")}</button>
      <span class="muted">${t("queue.showing", { count: ctx.num(shown) })}</span>
      ${f.after && html`<a class="btn secondary" href="/admin${filtersQuery(f)}">${t("queue.first_page")}</a>`}
      ${v.page.next && html`<a class="btn secondary" rel="next" href="/admin${filtersQuery(f, { after: v.page.next })}">${t("queue.next_page")}</a>`}
    </div>
    <h2>${t("self_reports.heading")}</h2>${selfReportTable(ctx, res, v.selfReports)}`;
}

function selfReportTable(ctx: PanelContext, res: Response, reports: SelfReportRowView[]): SafeHtml {
  const { t } = ctx.text;
  if (!reports.length) return html`<p class="muted">${t("self_reports.empty")}</p>`;
  return html`<div class="table-wrap"><table class="queue"><thead><tr><th>${t("self_reports.col_code")}</th><th>${t("self_reports.col_date")}</th><th>${t("self_reports.col_level")}</th><th>${t("self_reports.col_unit")}</th><th>${t("self_reports.col_status")}</th><th></th></tr></thead><tbody>${reports.map(
    (
      r,
    ) => html`<tr><td data-label="${t("self_reports.col_code")}">${r.code}</td><td data-label="${t("self_reports.col_date")}">${vnTime(r.createdAt)}</td><td data-label="${t("self_reports.col_level")}">${LEVEL_NAMES[r.level as keyof typeof LEVEL_NAMES] ?? r.level}</td><td data-label="${t("self_reports.col_unit")}">${r.unit}</td><td data-label="${t("self_reports.col_status")}">${ctx.badge(r.status)}</td>
      <td><div class="split"><form method="post" action="/admin/sr/${r.code}/verify">${ctx.csrfField(res)}<button class="btn ok" type="submit">${t("self_reports.verify")}</button></form>
      <form method="post" action="/admin/sr/${r.code}/flag">${ctx.csrfField(res)}<button class="btn danger" type="submit">${t("self_reports.flag")}</button></form></div></td></tr>`,
  )}</tbody></table></div>`;
}
