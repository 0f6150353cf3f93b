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
  claimedBy: { id: string; name: string } | null;
  claimedAt: Date | null;
  submitterUpdatedAt: Date | null;
  localityId: string | null;
  /** Who sent it, for "the submitter can no longer be reached" (null after an erasure). */
  person?: { channel: string; unreachableAt: Date | null } | null;
  attachments: Array<{
    id: string;
    kind: string;
    mime: string | null;
    fileName: string | null;
    size: number | null;
    url: string | null;
  }>;
}

export function nominationPage(
  ctx: PanelContext,
  res: Response,
  n: NominationView,
  audits: AuditRowView[],
  notice: SafeHtml | false,
): SafeHtml {
  const { t } = ctx.text;
  const me = ctx.who(res);
  const answers = Array.isArray(n.infoAnswers)
    ? (n.infoAnswers as Array<{ at?: string; text?: string }>)
    : [];
  const open = n.status === "submitted" || n.status === "in_review";
  const heldByOther = n.status === "in_review" && n.claimedBy && n.claimedBy.id !== me.id;
  // No HTML "required": the browser would answer in its own language; the server says it in Vietnamese.
  const actionForm = (
    action: ReviewAction,
    label: string,
    cls: string,
    withNote: boolean,
  ) => html`<form method="post" action="/admin/n/${n.code}/${action}">${ctx.csrfField(res)}
      ${withNote && html`<label>${t(action === "reject" ? "detail.reject_reason" : "detail.info_needed")}<textarea name="note" maxlength="1000"></textarea></label>`}
      <button class="btn ${cls}" type="submit">${label}</button></form>`;
  const evidence = n.attachments.map((a) =>
    a.url && !IMAGE_TYPES.has(a.mime ?? "")
      ? html`<li>${t("detail.evidence_link")} <a href="/admin/n/${n.code}/links/${a.id}" rel="noopener noreferrer">${a.url}</a> <span class="muted">${t("detail.offsite")}</span></li>`
      : IMAGE_TYPES.has(a.mime ?? "")
        ? html`<li><a href="/admin/n/${n.code}/files/${a.id}"><img src="/admin/n/${n.code}/files/${a.id}" alt="${a.fileName ?? t("detail.evidence_image")}"></a></li>`
        : html`<li><a href="/admin/n/${n.code}/files/${a.id}?download=1">${a.fileName ?? t("detail.evidence_file")}</a> <span class="muted">${a.mime ?? ""} ${a.size ? `${ctx.num(Math.ceil(a.size / 1024))} KB` : ""}</span></li>`,
  );
  const holder = n.decidedBy
    ? t("detail.decided_by", { name: n.decidedBy.name, time: vnTime(n.decidedAt) })
    : n.claimedBy
      ? t("detail.held_by", {
          name: n.claimedBy.id === me.id ? t("detail.you") : n.claimedBy.name,
          time: vnTime(n.claimedAt),
        })
      : "";
  // On a phone the approving and the destructive buttons sit in separate boxes, far apart.
  const actions = heldByOther
    ? html`<div class="card held"><p>${t("detail.held_explain", { name: n.claimedBy!.name, time: vnTime(n.claimedAt) })}</p>
        <form method="post" action="/admin/n/${n.code}/takeover">${ctx.csrfField(res)}<button class="btn" type="submit">${t("detail.takeover")}</button></form></div>`
    : html`<div class="actions">
        ${n.status === "submitted" && actionForm("claim", t("detail.claim"), "", false)}
        ${n.status === "in_review" && actionForm("release", t("detail.release"), "secondary", false)}
        ${actionForm("approve", t("detail.approve"), "ok", false)}
      </div>
      <div class="actions danger-zone"><h3>${t("detail.other_decisions")}</h3>
        ${actionForm("request_info", t("detail.request_info"), "secondary", true)}
        ${actionForm("reject", t("detail.reject"), "danger", true)}
      </div>`;
  return html`${notice}
    <p><a href="/admin">${t("detail.back")}</a></p>
    <div class="card"><dl class="fields">
      <dt>${t("detail.code")}</dt><dd>${n.code}</dd>
      <dt>${t("detail.status")}</dt><dd>${ctx.badge(n.status)} ${n.submitterUpdatedAt && html`<span class="badge updated">${t("queue.updated_badge")}</span>`} ${holder}</dd>
      <dt>${t("detail.date")}</dt><dd>${vnTime(n.createdAt)}</dd>
      <dt>${t("detail.category")}</dt><dd>${ctx.cat(n.category)}</dd>
      <dt>${t("detail.nominee")}</dt><dd>${n.nomineeName}</dd>
      <dt>${t("detail.unit")}</dt><dd>${n.nomineeUnit}</dd>
      <dt>${t("detail.locality")}</dt><dd>${ctx.localityName(n)}${ctx.localityName(n) !== n.locality && html` <span class="muted">${t("detail.typed_as", { text: n.locality })}</span>`}</dd>
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
    <h2>${t("detail.evidence", { count: ctx.num(n.attachments.length) })}</h2>
    <ul class="evidence">${evidence.length ? evidence : html`<li class="muted">${t("detail.no_evidence")}</li>`}</ul>
    ${open && html`<h2>${t("detail.actions")}</h2>${actions}`}
    ${
      n.status === "approved" &&
      !n.erasedAt &&
      html`<h2>${t("detail.showcase")}</h2><div class="card"><p>${t(n.publishable ? "detail.showcase_on" : "detail.showcase_off")}</p>
      ${
        n.publishable
          ? html`<form method="post" action="/admin/n/${n.code}/unpublish">${ctx.csrfField(res)}<a class="btn secondary" href="/admin/n/${n.code}/showcase">${t("detail.showcase_edit")}</a> <button class="btn danger" type="submit">${t("detail.unpublish")}</button></form>`
          : html`<a class="btn ok" href="/admin/n/${n.code}/showcase">${t("detail.publish")}</a>`
      }</div>`
    }
    <h2>${t("detail.history")}</h2>${auditTable(ctx, audits)}`;
}

export interface ShowcaseView {
  code: string;
  nomineeName: string;
  nomineeUnit: string;
  category: string;
  publishable: boolean;
}

/**
 * The showcase editor: the public summary in a text box, and (after "Xem trước") exactly what the
 * bot will show, with the button that publishes it.
 */
export function showcasePage(
  ctx: PanelContext,
  res: Response,
  n: ShowcaseView,
  summary: string,
  preview: boolean,
  error?: string,
): SafeHtml {
  const { t } = ctx.text;
  return html`${error && html`<div class="notice error" role="status">${error}</div>`}
    <p><a href="/admin/n/${n.code}">${t("showcase.back", { code: n.code })}</a></p>
    <p>${t("showcase.explain")}</p>
    <form method="post" action="/admin/n/${n.code}/showcase">${ctx.csrfField(res)}
      <label>${t("showcase.summary")}<textarea name="summary" rows="6">${summary}</textarea></label>
      ${preview && html`<h2>${t("showcase.preview_heading")}</h2><div class="card public-preview"><p><b>${n.nomineeName}</b> — ${n.nomineeUnit}</p><p class="muted">${ctx.cat(n.category)}</p><p class="summary">${summary}</p></div>`}
      <div class="confirm-buttons"><button class="btn secondary" type="submit">${t("showcase.preview")}</button>
      ${preview && html`<button class="btn ok" type="submit" name="confirm" value="1">${t("showcase.publish_ok")}</button>`}</div>
    </form>`;
}
