/** The audit log as a table (the whole log, or one nomination's history). */
import type { PanelContext } from "../context.js";
import { vnTime } from "../context.js";
import { REFERENCE_CODE_RE } from "../ids.js";
import { html, type SafeHtml } from "../layout.js";
import { STATUSES } from "../queue-filters.js";

export interface AuditRowView {
  id: bigint;
  at: Date;
  actor: string;
  code: string | null;
  action: string;
  subjectType?: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
}

export function auditTable(ctx: PanelContext, rows: AuditRowView[]): SafeHtml {
  const { t } = ctx.text;
  // Statuses in words; other states (a deletion request's "requested"/"done") from the audit wording.
  const label = (s: string | null) =>
    s && (STATUSES as readonly string[]).includes(s)
      ? ctx.st(s)
      : s
        ? ctx.i18n.has(`admin.audit.states.${s}`)
          ? ctx.text.t(`audit.states.${s}`)
          : s
        : "";
  // On a phone each row becomes a card (the queue's CSS): six columns do not fit 390 px.
  return html`<div class="table-wrap"><table class="queue"><thead><tr><th>${t("audit.col_time")}</th><th>${t("audit.col_code")}</th><th>${t("audit.col_actor")}</th><th>${t("audit.col_action")}</th><th>${t("audit.col_transition")}</th><th>${t("audit.col_note")}</th></tr></thead><tbody>${
    rows.length
      ? rows.map(
          (a) =>
            html`<tr><td data-label="${t("audit.col_time")}">${vnTime(a.at)}</td><td data-label="${t("audit.col_code")}">${a.code && REFERENCE_CODE_RE.test(a.code) && a.code.startsWith("DC") ? html`<a href="/admin/n/${a.code}">${a.code}</a>` : (a.code ?? "")}</td><td data-label="${t("audit.col_actor")}">${ctx.actorName(a.actor)}</td><td data-label="${t("audit.col_action")}">${ctx.actionName(a.action, a.subjectType)}</td><td data-label="${t("audit.col_transition")}">${a.fromStatus || a.toStatus ? `${label(a.fromStatus)} → ${label(a.toStatus)}` : ""}</td><td data-label="${t("audit.col_note")}">${a.note ?? ""}</td></tr>`,
        )
      : html`<tr><td colspan="6" class="muted">${t("audit.empty")}</td></tr>`
  }</tbody></table></div>`;
}
