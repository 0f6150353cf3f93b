/** The admins' pages about people: reviewers and deletion requests. */
import type { Response } from "express";
import type { ReviewerView } from "../../review/reviewers.js";
import type { PanelContext } from "../context.js";
import { vnTime } from "../context.js";
import { html, type SafeHtml } from "../layout.js";

export function reviewersPage(
  ctx: PanelContext,
  res: Response,
  rows: ReviewerView[],
  notice: SafeHtml | false,
): SafeHtml {
  const { t } = ctx.text;
  return html`${notice}<div class="table-wrap"><table><thead><tr><th>${t("reviewers.col_name")}</th><th>${t("reviewers.col_role")}</th><th>${t("reviewers.col_channel")}</th><th>${t("reviewers.col_status")}</th><th></th></tr></thead><tbody>${rows.map(
    (
      r,
    ) => html`<tr><td>${r.name}</td><td>${t(r.role === "admin" ? "reviewers.role_admin" : "reviewers.role_reviewer")}</td><td>${r.channel ? `${r.channel === "telegram" ? "Telegram" : r.channel}: ${r.externalId}` : ""}</td><td>${t(r.active ? "reviewers.active" : "reviewers.inactive")}</td>
      <td>${
        r.active &&
        html`${r.channel && html`<form method="post" action="/admin/reviewers/${r.id}/send-link" style="display:inline">${ctx.csrfField(res)}<button class="btn secondary" type="submit">${t("reviewers.make_link")}</button></form>`}
      ${r.id === ctx.who(res).id ? html`<span class="muted">${t("reviewers.is_you")}</span>` : html`<form method="post" action="/admin/reviewers/${r.id}/remove" style="display:inline">${ctx.csrfField(res)}<button class="btn danger" type="submit">${t("reviewers.remove")}</button></form>`}`
      }</td></tr>`,
  )}</tbody></table></div>
    <p class="muted">${t("reviewers.link_explain")}</p>
    <h2>${t("reviewers.add_heading")}</h2>
    <form class="filters" method="post" action="/admin/reviewers">${ctx.csrfField(res)}
      <label>${t("reviewers.name")}<input name="name" maxlength="120"></label>
      <label>${t("reviewers.role")}<select name="role"><option value="reviewer">${t("reviewers.role_reviewer")}</option><option value="admin">${t("reviewers.role_admin")}</option></select></label>
      <label>${t("reviewers.telegram_id")}<input name="telegramId" inputmode="numeric" maxlength="21"></label>
      <button class="btn" type="submit">${t("reviewers.add")}</button></form>`;
}

export interface DeletionRowView {
  id: string;
  createdAt: Date;
  channel: string;
  status: string;
  doneAt: Date | null;
  nominations: number;
}

export function deletionsPage(
  ctx: PanelContext,
  res: Response,
  rows: DeletionRowView[],
  notice: SafeHtml | false,
): SafeHtml {
  const { t } = ctx.text;
  return html`${notice}<p class="muted">${t("deletions.explain")}</p>
    <div class="table-wrap"><table><thead><tr><th>${t("deletions.col_time")}</th><th>${t("deletions.col_channel")}</th><th>${t("deletions.col_nominations")}</th><th>${t("deletions.col_status")}</th><th></th></tr></thead><tbody>${
      rows.length
        ? rows.map(
            (
              d,
            ) => html`<tr><td>${vnTime(d.createdAt)}</td><td>${d.channel === "telegram" ? "Telegram" : d.channel === "webchat" ? t("deletions.webchat") : d.channel === "zalo" ? "Zalo" : d.channel}</td><td>${ctx.num(d.nominations)}</td><td>${d.status === "done" ? t("deletions.done", { time: vnTime(d.doneAt) }) : t("deletions.pending")}</td>
              <td>${d.status === "requested" && html`<form method="post" action="/admin/deletions/${d.id}/erase">${ctx.csrfField(res)}<button class="btn danger" type="submit">${t("deletions.erase")}</button></form>`}</td></tr>`,
          )
        : html`<tr><td colspan="5" class="muted">${t("deletions.empty")}</td></tr>`
    }</tbody></table></div>`;
}
