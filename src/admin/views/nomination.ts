/** One nomination's page: every field, evidence, answers to information requests, actions and its history. */
import type { Response } from "express";
import type { ReviewAction } from "../../review/decisions.js";
import type { PanelContext } from "../context.js";
import { vnTime } from "../context.js";
import { html, type SafeHtml } from "../layout.js";
import { auditTable, type AuditRowView } from "./audit-table.js";

export const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif"]);

export interface NominationView {
  code: string;
  status: string;
  createdAt: Date;
  category: string;
  nomineeName: string;
  nomineeUnit: string;
  locality: string;
  achievements: string;
  nominatorName: string;
  nominatorPhone: string;
  relation: string;
  consentAt: Date;
  consentVersion: string;
  infoRequestNote: string | null;
  infoAnswers: unknown;
  decisionNote: string | null;
  decidedAt: Date | null;
  erasedAt: Date | null;
  publishable: boolean;
  decidedBy: { name: string } | null;
  claimedBy: { name: string } | null;
  /** Who sent it, for "the submitter can no longer be reached" (null after an erasure). */
  person?: { channel: string; unreachableAt: Date | null } | null;
  attachments: Array<{ id: string; kind: string; mime: string | null; fileName: string | null; size: number | null; url: string | null }>;
}

export function nominationPage(ctx: PanelContext, res: Response, n: NominationView, audits: AuditRowView[], notice: SafeHtml | false): SafeHtml {
  const { t } = ctx.text;
  const answers = Array.isArray(n.infoAnswers) ? (n.infoAnswers as Array<{ at?: string; text?: string }>) : [];
  const open = n.status === "submitted" || n.status === "in_review";
  const actionForm = (action: ReviewAction, label: string, cls: string, withNote: boolean) => html`<form method="post" action="/admin/n/${n.code}/${action}">${ctx.csrfField(res)}
      ${withNote && html`<label>${t(action === "reject" ? "detail.reject_reason" : "detail.info_needed")}<textarea name="note" required maxlength="1000"></textarea></label>`}
      <button class="btn ${cls}" type="submit">${label}</button></form>`;
  const evidence = n.attachments.map((a) =>
    a.url && !IMAGE_TYPES.has(a.mime ?? "")
      ? html`<li>${t("detail.evidence_link")} <span>${a.url}</span></li>`
      : IMAGE_TYPES.has(a.mime ?? "")
        ? html`<li><a href="/admin/n/${n.code}/files/${a.id}"><img src="/admin/n/${n.code}/files/${a.id}" alt="${a.fileName ?? t("detail.evidence_image")}"></a></li>`
        : html`<li><a href="/admin/n/${n.code}/files/${a.id}?download=1">${a.fileName ?? t("detail.evidence_file")}</a> <span class="muted">${a.mime ?? ""} ${a.size ? `${Math.ceil(a.size / 1024)} KB` : ""}</span></li>`,
  );
  return html`${notice}
    <p><a href="/admin">${t("detail.back")}</a></p>
    <div class="card"><dl class="fields">
      <dt>${t("detail.code")}</dt><dd>${n.code}</dd>
      <dt>${t("detail.status")}</dt><dd>${ctx.badge(n.status)} ${n.decidedBy ? t("detail.decided_by", { name: n.decidedBy.name, time: vnTime(n.decidedAt) }) : n.claimedBy ? t("detail.claimed_by", { name: n.claimedBy.name }) : ""}</dd>
      <dt>${t("detail.date")}</dt><dd>${vnTime(n.createdAt)}</dd>
      <dt>${t("detail.category")}</dt><dd>${ctx.cat(n.category)}</dd>
      <dt>${t("detail.nominee")}</dt><dd>${n.nomineeName}</dd>
      <dt>${t("detail.unit")}</dt><dd>${n.nomineeUnit}</dd>
      <dt>${t("detail.locality")}</dt><dd>${n.locality}</dd>
      <dt>${t("detail.achievements")}</dt><dd>${n.achievements}</dd>
      <dt>${t("detail.nominator")}</dt><dd>${n.nominatorName} · ${n.nominatorPhone}</dd>
      <dt>${t("detail.relation")}</dt><dd>${n.relation}</dd>
      <dt>${t("detail.consent")}</dt><dd>${t("detail.consent_value", { time: vnTime(n.consentAt), version: n.consentVersion })}</dd>
      ${n.infoRequestNote && html`<dt>${t("detail.info_request")}</dt><dd>${n.infoRequestNote}</dd>`}
      ${answers.map((a) => html`<dt>${t("detail.info_answer", { time: a.at ? vnTime(new Date(a.at)) : "" })}</dt><dd>${a.text ?? ""}</dd>`)}
      ${n.decisionNote && html`<dt>${t("detail.decision_note")}</dt><dd>${n.decisionNote}</dd>`}
      ${n.erasedAt && html`<dt>${t("detail.personal_data")}</dt><dd>${t("detail.erased_at", { time: vnTime(n.erasedAt) })}</dd>`}
      ${n.person?.unreachableAt && html`<dt>${t("detail.reachability")}</dt><dd class="warn">${t("detail.unreachable", { channel: t(`channel_names.${n.person.channel}`), time: vnTime(n.person.unreachableAt) })}</dd>`}
    </dl></div>
    <h2>${t("detail.evidence", { count: n.attachments.length })}</h2>
    <ul class="evidence">${evidence.length ? evidence : html`<li class="muted">${t("detail.no_evidence")}</li>`}</ul>
    ${open && html`<h2>${t("detail.actions")}</h2><div class="actions">
      ${n.status === "submitted" && actionForm("claim", t("detail.claim"), "", false)}
      ${n.status === "in_review" && actionForm("release", t("detail.release"), "secondary", false)}
      ${actionForm("approve", t("detail.approve"), "ok", false)}
      ${actionForm("reject", t("detail.reject"), "danger", true)}
      ${actionForm("request_info", t("detail.request_info"), "secondary", true)}
    </div>`}
    ${n.status === "approved" && html`<h2>${t("detail.showcase")}</h2><form method="post" action="/admin/n/${n.code}/publishable">${ctx.csrfField(res)}
      <input type="hidden" name="value" value="${n.publishable ? "0" : "1"}">
      <p>${t(n.publishable ? "detail.showcase_on" : "detail.showcase_off")}</p>
      <button class="btn ${n.publishable ? "secondary" : "ok"}" type="submit">${t(n.publishable ? "detail.unpublish" : "detail.publish")}</button></form>`}
    <h2>${t("detail.history")}</h2>${auditTable(ctx, audits)}`;
}
