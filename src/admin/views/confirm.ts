/**
 * The second step of every irreversible action: a page that names the consequence and asks again.
 * Server-rendered (no script to block or fail): the first POST lands here, the confirm button posts
 * the same form again with `confirm=1`, and "Hủy" goes back without changing anything.
 */
import type { Response } from "express";
import type { PanelContext } from "../context.js";
import { html, renderPage, type SafeHtml } from "../layout.js";

export interface ConfirmSpec {
  /** The question: "Duyệt hồ sơ DC-2026-000001?" */
  question: string;
  /** What will happen, in words; `details` lists what is affected when there is more than one thing. */
  consequence: string;
  details?: SafeHtml | false;
  action: string;
  /** Posted again on confirm (e.g. the reviewer's note). */
  fields?: Record<string, string>;
  confirmLabel: string;
  /** "ok" for approving, "danger" for destructive, "" for neutral. */
  tone: "ok" | "danger" | "";
  cancelHref: string;
}

/** What the page needs of the panel (routers outside the panel, e.g. announcements, build just this). */
export type ConfirmContext = Pick<PanelContext, "text" | "csrfField" | "i18n" | "who">;

/** Renders the confirmation page. */
export function renderConfirm(ctx: ConfirmContext, res: Response, c: ConfirmSpec): void {
  const { t } = ctx.text;
  const body = html`<div class="card confirm" role="alertdialog" aria-labelledby="confirm-q">
    <p id="confirm-q" class="question">${c.question}</p>
    <p>${c.consequence}</p>${c.details}
    <form method="post" action="${c.action}">${ctx.csrfField(res)}<input type="hidden" name="confirm" value="1">
      ${Object.entries(c.fields ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
      <div class="confirm-buttons"><a class="btn secondary" href="${c.cancelHref}">${t("confirm.cancel")}</a>
      <button class="btn ${c.tone}" type="submit">${c.confirmLabel}</button></div>
    </form></div>`;
  renderPage(res, { i18n: ctx.i18n, title: t("confirm.title"), body, reviewer: ctx.who(res) });
}

/** True when the form came from the confirmation page. */
export function confirmed(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as Record<string, unknown>).confirm === "1";
}
