/**
 * The admin panel's page shell and its one escaping rule: every interpolated value is HTML-escaped
 * unless it was built by `html` itself or wrapped in `raw()`, so user-supplied text (a nominee
 * called `<script>`) is always shown as text. Its wording comes from `locales/<lang>/admin.yaml`.
 */
import type { Response } from "express";
import type { Lang, Translator, Vars } from "../i18n/locales.js";

/** A string known to be safe HTML (built by `html` or deliberately trusted through `raw`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Trusts `s` as HTML. Only for markup the code itself wrote, never for user input. */
export function raw(s: string): SafeHtml {
  return new SafeHtml(s);
}

function render(v: unknown): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

/**
 * A tagged template that escapes every interpolation; arrays are joined, null/undefined/false
 * render as nothing (so `${cond && html`...`}` works).
 *
 * @example html`<td>${nomination.nomineeName}</td>`
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/** The panel speaks Vietnamese; there is no language switch. */
export const PANEL_LANG: Lang = "vi";

/** The panel's wording, read from the `admin.*` locale keys. */
export interface PanelText {
  /** Plain text: escaped like any other value wherever it is interpolated. */
  t(key: string, vars?: Vars): string;
  /**
   * A string whose placeholders take markup: the locale text is escaped, then each `{name}` is
   * filled with its value escaped (or as-is when it is `SafeHtml`, e.g. built by `html`).
   *
   * @example text.h("progress.based_on", { count: html`<b>${reports}</b>` })
   */
  h(key: string, vars: Record<string, unknown>): SafeHtml;
}

/** @example const text = panelText(i18n); text.t("queue.title") */
export function panelText(i18n: Translator, lang: Lang = PANEL_LANG): PanelText {
  return {
    t: (key, vars) => i18n.t(lang, `admin.${key}`, vars),
    h: (key, vars) =>
      new SafeHtml(
        escapeHtml(i18n.t(lang, `admin.${key}`)).replace(/\{(\w+)\}/g, (m, name: string) =>
          name in vars ? render(vars[name]) : m,
        ),
      ),
  };
}

export interface PageReviewer {
  id: string;
  name: string;
  role: "reviewer" | "admin";
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2430;background:#f4f6f9}
header{background:#0b4f8a;color:#fff;padding:.6rem 1rem}header a{color:#fff}header .brand{font-weight:600;margin-right:1rem}
nav{display:flex;flex-wrap:wrap;gap:.25rem .9rem;align-items:center}nav a{text-decoration:none;opacity:.92}nav a:hover{text-decoration:underline}
nav .who{margin-left:auto;font-size:.9em;opacity:.85}nav form{display:inline}nav button{background:none;border:1px solid #fff8;color:#fff;border-radius:4px;padding:.1rem .5rem;cursor:pointer}
main{padding:1rem;max-width:1200px;margin:0 auto}h1{font-size:1.35rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .6rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e2e6ec;padding:.45rem .5rem;text-align:left;vertical-align:top}th{background:#eef2f7;font-weight:600}
.table-wrap{overflow-x:auto;border:1px solid #e2e6ec;border-radius:6px}
.badge{display:inline-block;border-radius:10px;padding:0 .5rem;font-size:.85em;background:#e7ecf3;white-space:nowrap}
.s-submitted{background:#fff3cd}.s-in_review{background:#d9ecff}.s-needs_info{background:#ffe2cc}.s-approved{background:#d4f5dd}.s-rejected{background:#f9d6d5}.s-withdrawn{background:#e2e2e2}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin-bottom:1rem}form.filters label{display:flex;flex-direction:column;font-size:.85em}
input,select,textarea,button{font:inherit}input,select,textarea{padding:.35rem;border:1px solid #b8c2cf;border-radius:4px;background:#fff}textarea{width:100%;min-height:4.5rem}
.btn{display:inline-block;background:#0b4f8a;color:#fff;border:0;border-radius:4px;padding:.45rem .9rem;cursor:pointer;text-decoration:none}.btn.secondary{background:#5b6b7f}.btn.danger{background:#b42318}.btn.ok{background:#1a7f37}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem}.counts a{text-decoration:none;color:inherit}
.card{background:#fff;border:1px solid #e2e6ec;border-radius:6px;padding:1rem;margin-bottom:1rem}
dl.fields{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.35rem .8rem;margin:0}dt{font-weight:600;color:#4a5668}dd{margin:0;white-space:pre-wrap;word-break:break-word}
.actions{display:flex;flex-wrap:wrap;gap:.8rem}.actions form{flex:1 1 16rem}.notice{padding:.6rem .8rem;border-radius:4px;background:#e7f3ff;margin-bottom:1rem}.notice.error{background:#fde2e1}
.evidence img{max-width:100%;max-height:320px;border:1px solid #ddd;border-radius:4px;display:block;margin:.3rem 0}
.muted{color:#677489;font-size:.9em}
.banner{background:#fdecea;border:1px solid #e0a4a0;color:#8a1c14;padding:.6rem .8rem;border-radius:6px;margin:.4rem 0 .8rem;font-weight:600}
dd.warn{color:#8a1c14}
.badge.updated{background:#ffd8a8;font-weight:600}.badge.todo{background:#0b4f8a;color:#fff}tr.updated{background:#fff8ec}
.danger-zone{margin-top:2.2rem;padding-top:1rem;border-top:2px dashed #d0d7e2}.danger-zone h3{flex-basis:100%;font-size:1rem;margin:0}
.confirm .question{font-size:1.15rem;font-weight:600}.confirm-buttons{display:flex;flex-wrap:wrap;gap:1rem;justify-content:space-between;margin-top:1rem}
.confirm .url{word-break:break-all;font-family:monospace}blockquote.quote{margin:.5rem 0;padding:.5rem .8rem;border-left:4px solid #b8c2cf;background:#f4f6f9;white-space:pre-wrap}
.pager{display:flex;flex-wrap:wrap;gap:.8rem;align-items:center;margin:1rem 0}.split{display:flex;gap:1.5rem;justify-content:space-between}
.public-preview .summary{white-space:pre-wrap}.warning{background:#fff3cd;color:#5c4400;padding:.5rem 1rem;font-size:.9em}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
form.filters label.wide{flex:1 1 14rem}form.filters label.wide input{width:100%}
.chart-table{display:none}
details.more-filters{flex-basis:100%}details.more-filters summary{cursor:pointer;color:#0b4f8a;padding:.3rem 0}.filters-body{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}.filters-body label{display:flex;flex-direction:column;font-size:.85em}
@media (max-width:640px){dl.fields{grid-template-columns:1fr}td,th{padding:.35rem}main{padding:.6rem}
  .actions form{flex-basis:100%}.btn{padding:.6rem 1rem}form.filters label{flex:1 1 45%}form.filters label select,form.filters label input{width:100%}
  table.queue thead{display:none}table.queue,table.queue tbody,table.queue tr,table.queue td{display:block;width:100%}
  table.queue tr{border-bottom:6px solid #f4f6f9;padding:.3rem 0}table.queue td{border:0;padding:.15rem .6rem}
  table.queue td[data-label]::before{content:attr(data-label) ": ";color:#677489;font-size:.85em}table.queue td:empty{display:none}}
@media (max-width:600px){.chart-svg{display:none}.chart-table{display:block}}
`;

/**
 * Warnings every panel page shows on top (e.g. "OA cần cấp quyền lại"), put in `res.locals.banners`
 * by a middleware of the concern that knows (channels/zalo-oa/admin-banner.ts). Shown to signed-in
 * reviewers only: the sign-in page tells strangers nothing about the system's state.
 */
function bannersOf(res: Response): string[] {
  const b: unknown = res.locals.banners;
  return Array.isArray(b) ? b.filter((x): x is string => typeof x === "string") : [];
}

/**
 * Sends a complete panel page. The navigation shows admin-only links to admins only (the routes
 * check the role again; hiding a link is a courtesy, not the authorisation).
 *
 * @example renderPage(res, { i18n, title: text.t("queue.title"), body: html`<p>…</p>`, reviewer: res.locals.reviewer })
 */
export function renderPage(
  res: Response,
  page: { i18n: Translator; title: string; body: SafeHtml; reviewer?: PageReviewer; status?: number },
): void {
  const text = panelText(page.i18n);
  const r = page.reviewer;
  const csrf = typeof res.locals.csrf === "string" ? res.locals.csrf : "";
  const nav = r
    ? html`<nav>
        <a class="brand" href="/admin">${text.t("brand")}</a>
        <a href="/admin">${text.t("nav.queue")}</a>
        <a href="/admin/progress">${text.t("nav.progress")}</a>
        <a href="/admin/leaderboard">${text.t("leaderboard.nav")}</a>
        <a href="/admin/audit">${text.t("nav.audit")}</a>
        <a href="/admin/export.xlsx">${text.t("nav.export")}</a>
        <a href="/admin/questions">${text.t("nav.questions")}</a>
        <a href="/admin/faq">${text.t("nav.faq")}</a>
        ${r.role === "admin" && html`<a href="/admin/announcements">${text.t("announcements.nav")}</a><a href="/admin/localities">${text.t("localities.nav")}</a>`}
        ${r.role === "admin" && html`<a href="/admin/deletions">${text.t("nav.deletions")}</a><a href="/admin/reviewers">${text.t("nav.reviewers")}</a>`}
        ${r.role === "admin" && res.locals.queueDashboard !== false && html`<a href="/admin/queues/">${text.t("nav.system_queues")}</a>`}
        <span class="who">${text.h("nav.who", { name: r.name, role: text.t(r.role === "admin" ? "nav.role_admin" : "nav.role_reviewer") })}</span>
        <form method="post" action="/admin/logout"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">${text.t("nav.logout")}</button></form>
      </nav>`
    : html`<nav><span class="brand">${text.t("brand")}</span></nav>`;
  const doc = html`<!doctype html>
<html lang="${PANEL_LANG}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin"><title>${text.h("page_title", { title: page.title })}</title><style>${raw(CSS)}</style></head>
<body><header>${nav}</header><main>${(r ? bannersOf(res) : []).map((b) => html`<div class="banner" role="alert">${b}</div>`)}<h1>${page.title}</h1>${page.body}</main></body></html>`;
  res
    .status(page.status ?? 200)
    .set("Cache-Control", "no-store")
    .type("html")
    .send(doc.value);
}
