/**
 * The web admin panel at /admin: the review queue with filters and counts, a nomination's detail
 * with evidence and actions, the audit log, exports, and (for admins) reviewers, deletion requests
 * and BullMQ's dashboard. Server-rendered, no scripts; every route below `/login` requires a
 * signed-in reviewer and every POST a valid CSRF token.
 */
import express, { type Request, type Response, type Router } from "express";
import type { Queue } from "bullmq";
import type { Logger } from "pino";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { OutboundJob } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import { decideNomination, decideSelfReport, NoteRequiredError, REVIEW_ACTIONS, type ReviewAction } from "../review/decisions.js";
import { DeletionRequestError, performDeletion } from "../review/erasure.js";
import { createLoginLink, panelBaseUrl } from "../review/login-links.js";
import { addReviewer, listReviewers, removeReviewer, ReviewerError } from "../review/reviewers.js";
import type { TransitionResult } from "../review/transitions.js";
import type { AdminAuth } from "./auth.js";
import { toCsv, toXlsx } from "./export.js";
import { html, panelText, raw, renderPage, type PageReviewer, type SafeHtml } from "./layout.js";
import { questionMetrics } from "../questions/metrics.js";
import { formatDuration } from "../questions/admin-routes.js";
import { CATEGORIES, countByStatus, filtersQuery, listNominations, parseFilters, STATUSES } from "./queue-filters.js";

export interface AdminPanelDeps {
  db: Db;
  auth: AdminAuth;
  i18n: Translator;
  config: { publicUrl?: string; port: number };
  enqueue: (job: OutboundJob) => Promise<void>;
  /** Nudges the outbox relay after a decision. */
  pokeOutbox?: () => void;
  /** Queues shown at /admin/queues (admins only). */
  queues: Queue[];
  logger: Logger;
}

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif"]);
const CODE_RE = /^(DC|TD)-\d{4}-\d{6}$/;

function vnTime(d: Date | null | undefined): string {
  if (!d) return "";
  return new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }).format(d);
}

/** Wraps an async handler so a rejection reaches express's error handler. */
function route(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: (err?: unknown) => void) => void fn(req, res).catch(next);
}

/** @example extraRouters.push({ path: "/admin", router: createAdminPanel({ db, auth, i18n, config, enqueue, queues, logger }) }) */
export function createAdminPanel(deps: AdminPanelDeps): Router {
  const { db, auth, i18n } = deps;
  const log = deps.logger.child({ concern: "admin" });
  const router = express.Router();
  const { t, h } = panelText(i18n);
  const st = (s: string) => i18n.t("vi", `review.status.${s}`);
  const cat = (c: string) => i18n.t("vi", `review.category.${c}`);
  const who = (res: Response) => res.locals.reviewer as PageReviewer;
  const csrfField = (res: Response) => html`<input type="hidden" name="_csrf" value="${auth.csrfToken(res)}">`;
  const badge = (s: string) => html`<span class="badge s-${s}">${st(s)}</span>`;
  const notice = (req: Request): SafeHtml | false => {
    const m = typeof req.query.msg === "string" ? req.query.msg.slice(0, 300) : "";
    const isErr = req.query.err === "1";
    return !!m && html`<div class="notice${isErr ? " error" : ""}" role="status">${m}</div>`;
  };

  // ---- sign-in (the only routes open without a session) ----
  router.get(
    "/login",
    route(async (req, res) => {
      const ip = req.ip ?? "unknown";
      if (!(await auth.allowSignInAttempt(ip))) {
        renderPage(res, { i18n, title: t("login.locked_title"), status: 429, body: html`<p>${t("login.locked")}</p>` });
        return;
      }
      const token = typeof req.query.token === "string" ? req.query.token : "";
      if (await auth.signIn(token, res)) {
        res.redirect(303, "/admin");
        return;
      }
      await auth.recordFailedSignIn(ip);
      renderPage(res, {
        i18n,
        title: t("login.invalid_title"),
        status: 401,
        body: html`<div class="card"><p>${t("login.invalid")}</p>
          <p>${h("login.invalid_how", { command: html`<b>/dangnhap</b>` })}</p></div>`,
      });
    }),
  );

  // ---- everything below needs a signed-in reviewer ----
  router.use(auth.requireReviewer);
  router.post("/logout", auth.verifyCsrf, route(async (req, res) => {
    await auth.signOut(req, res);
    res.redirect(303, "/admin/login");
  }));

  // BullMQ's dashboard, admins only.
  const board = new ExpressAdapter();
  board.setBasePath("/admin/queues");
  createBullBoard({ queues: deps.queues.map((q) => new BullMQAdapter(q)), serverAdapter: board as never }); // @bull-board/express pins its own copy of the api types
  router.use("/queues", auth.requireAdmin, board.getRouter() as Router);

  router.get(
    "/",
    route(async (req, res) => {
      const f = parseFilters(req.query as Record<string, unknown>);
      const [rows, counts, questions] = await Promise.all([listNominations(db, f, 300), countByStatus(db, f), questionMetrics(db)]);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const option = (value: string, label: string, selected: boolean) => html`<option value="${value}"${raw(selected ? " selected" : "")}>${label}</option>`;
      const body = html`${notice(req)}
        <p class="muted"><a href="/admin/questions">${t("inbox.dashboard", { open: questions.open, median: formatDuration(t, questions.medianSecondsToAnswer) })}</a></p>
        <div class="counts">
          <a href="/admin${filtersQuery({ ...f, status: undefined })}"><span class="badge">${t("queue.count", { label: t("common.all"), count: total })}</span></a>
          ${STATUSES.map((s) => html`<a href="/admin${filtersQuery({ ...f, status: s })}"><span class="badge s-${s}">${t("queue.count", { label: st(s), count: counts[s] ?? 0 })}</span></a>`)}
        </div>
        <form class="filters" method="get" action="/admin">
          <label>${t("queue.status")}<select name="status">${option("", t("common.all"), !f.status)}${STATUSES.map((s) => option(s, st(s), f.status === s))}</select></label>
          <label>${t("queue.category")}<select name="category">${option("", t("common.all"), !f.category)}${CATEGORIES.map((c) => option(c, cat(c), f.category === c))}</select></label>
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
            rows.length
              ? rows.map(
                  (n) => html`<tr><td><a href="/admin/n/${n.code}">${n.code}</a></td><td>${vnTime(n.createdAt)}</td><td>${cat(n.category)}</td>
                    <td>${n.nomineeName}<div class="muted">${n.nomineeUnit}</div></td><td>${n.locality}</td><td>${badge(n.status)}</td>
                    <td>${n.decidedBy?.name ?? n.claimedBy?.name ?? ""}</td></tr>`,
                )
              : html`<tr><td colspan="7" class="muted">${t("queue.empty")}</td></tr>`
          }</tbody></table></div>
        <h2>${t("self_reports.heading")}</h2>${await selfReportTable(res)}`;
      renderPage(res, { i18n, title: t("queue.title"), body, reviewer: who(res) });
    }),
  );

  async function selfReportTable(res: Response): Promise<SafeHtml> {
    const reports = await db.selfReport.findMany({ where: { status: { in: ["submitted", "in_review"] } }, orderBy: { createdAt: "asc" }, take: 50 });
    if (!reports.length) return html`<p class="muted">${t("self_reports.empty")}</p>`;
    return html`<div class="table-wrap"><table><thead><tr><th>${t("self_reports.col_code")}</th><th>${t("self_reports.col_date")}</th><th>${t("self_reports.col_level")}</th><th>${t("self_reports.col_unit")}</th><th>${t("self_reports.col_status")}</th><th></th></tr></thead><tbody>${reports.map(
      (r) => html`<tr><td>${r.code}</td><td>${vnTime(r.createdAt)}</td><td>${r.level}</td><td>${r.unit}</td><td>${badge(r.status)}</td>
        <td><form method="post" action="/admin/sr/${r.code}/verify" style="display:inline">${csrfField(res)}<button class="btn ok" type="submit">${t("self_reports.verify")}</button></form>
        <form method="post" action="/admin/sr/${r.code}/flag" style="display:inline">${csrfField(res)}<button class="btn danger" type="submit">${t("self_reports.flag")}</button></form></td></tr>`,
    )}</tbody></table></div>`;
  }

  router.post(
    "/sr/:code/:action",
    auth.verifyCsrf,
    route(async (req, res) => {
      const code = String(req.params.code);
      const action = String(req.params.action);
      if (!CODE_RE.test(code) || (action !== "verify" && action !== "flag")) {
        res.status(404).type("text/plain").send(t("common.not_found"));
        return;
      }
      const sr = await db.selfReport.findUnique({ where: { code }, select: { id: true } });
      if (!sr) {
        res.status(404).type("text/plain").send(t("common.not_found"));
        return;
      }
      const r = await decideSelfReport(db, { selfReportId: sr.id, action, reviewer: who(res) });
      res.redirect(303, `/admin?msg=${encodeURIComponent(r.ok ? t("self_reports.updated", { code }) : t("self_reports.failed", { code }))}${r.ok ? "" : "&err=1"}`);
    }),
  );

  router.get(
    "/n/:code",
    route(async (req, res) => {
      const code = String(req.params.code);
      const n = CODE_RE.test(code)
        ? await db.nomination.findUnique({
            where: { code },
            include: { attachments: { select: { id: true, kind: true, mime: true, fileName: true, size: true, url: true } }, claimedBy: { select: { name: true } }, decidedBy: { select: { name: true } }, person: { select: { channel: true, unreachableAt: true } } },
          })
        : null;
      if (!n) {
        renderPage(res, { i18n, title: t("detail.not_found_title"), status: 404, reviewer: who(res), body: html`<p><a href="/admin">${t("detail.back_to_queue")}</a></p>` });
        return;
      }
      const audits = await db.auditLog.findMany({ where: { subjectType: "nomination", subjectId: n.id }, orderBy: { id: "asc" } });
      const answers = Array.isArray(n.infoAnswers) ? (n.infoAnswers as Array<{ at?: string; text?: string }>) : [];
      const open = n.status === "submitted" || n.status === "in_review";
      const actionForm = (action: ReviewAction, label: string, cls: string, withNote: boolean) => html`<form method="post" action="/admin/n/${n.code}/${action}">${csrfField(res)}
          ${withNote && html`<label>${t(action === "reject" ? "detail.reject_reason" : "detail.info_needed")}<textarea name="note" required maxlength="1000"></textarea></label>`}
          <button class="btn ${cls}" type="submit">${label}</button></form>`;
      const evidence = n.attachments.map((a) =>
        a.url && !IMAGE_TYPES.has(a.mime ?? "")
          ? html`<li>${t("detail.evidence_link")} <span>${a.url}</span></li>`
          : IMAGE_TYPES.has(a.mime ?? "")
            ? html`<li><a href="/admin/n/${n.code}/files/${a.id}"><img src="/admin/n/${n.code}/files/${a.id}" alt="${a.fileName ?? t("detail.evidence_image")}"></a></li>`
            : html`<li><a href="/admin/n/${n.code}/files/${a.id}?download=1">${a.fileName ?? t("detail.evidence_file")}</a> <span class="muted">${a.mime ?? ""} ${a.size ? `${Math.ceil(a.size / 1024)} KB` : ""}</span></li>`,
      );
      const body = html`${notice(req)}
        <p><a href="/admin">${t("detail.back")}</a></p>
        <div class="card"><dl class="fields">
          <dt>${t("detail.code")}</dt><dd>${n.code}</dd>
          <dt>${t("detail.status")}</dt><dd>${badge(n.status)} ${n.decidedBy ? t("detail.decided_by", { name: n.decidedBy.name, time: vnTime(n.decidedAt) }) : n.claimedBy ? t("detail.claimed_by", { name: n.claimedBy.name }) : ""}</dd>
          <dt>${t("detail.date")}</dt><dd>${vnTime(n.createdAt)}</dd>
          <dt>${t("detail.category")}</dt><dd>${cat(n.category)}</dd>
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
        ${n.status === "approved" && html`<h2>${t("detail.showcase")}</h2><form method="post" action="/admin/n/${n.code}/publishable">${csrfField(res)}
          <input type="hidden" name="value" value="${n.publishable ? "0" : "1"}">
          <p>${t(n.publishable ? "detail.showcase_on" : "detail.showcase_off")}</p>
          <button class="btn ${n.publishable ? "secondary" : "ok"}" type="submit">${t(n.publishable ? "detail.unpublish" : "detail.publish")}</button></form>`}
        <h2>${t("detail.history")}</h2>${auditTable(audits)}`;
      renderPage(res, { i18n, title: t("detail.title", { code: n.code }), body, reviewer: who(res) });
    }),
  );

  function auditTable(rows: Array<{ id: bigint; at: Date; actor: string; code: string | null; action: string; fromStatus: string | null; toStatus: string | null; note: string | null }>): SafeHtml {
    const label = (s: string | null) => (s && (STATUSES as readonly string[]).includes(s) ? st(s) : (s ?? ""));
    return html`<div class="table-wrap"><table><thead><tr><th>${t("audit.col_time")}</th><th>${t("audit.col_code")}</th><th>${t("audit.col_actor")}</th><th>${t("audit.col_action")}</th><th>${t("audit.col_transition")}</th><th>${t("audit.col_note")}</th></tr></thead><tbody>${
      rows.length
        ? rows.map(
            (a) => html`<tr><td>${vnTime(a.at)}</td><td>${a.code && CODE_RE.test(a.code) && a.code.startsWith("DC") ? html`<a href="/admin/n/${a.code}">${a.code}</a>` : (a.code ?? "")}</td><td>${a.actor}</td><td>${a.action}</td><td>${label(a.fromStatus)} → ${label(a.toStatus)}</td><td>${a.note ?? ""}</td></tr>`,
          )
        : html`<tr><td colspan="6" class="muted">${t("audit.empty")}</td></tr>`
    }</tbody></table></div>`;
  }

  const describe = (code: string, r: TransitionResult): { msg: string; err: boolean } => {
    if (r.ok) return { msg: t("decision.updated", { code, status: st(r.to) }), err: false };
    if (r.reason === "not_found") return { msg: t("decision.not_found", { code }), err: true };
    const by = r.decidedBy ?? r.claimedBy ?? r.lastActor;
    return { msg: t("decision.conflict", { code, status: st(r.current), by: by ? t("decision.conflict_by", { name: by }) : "" }), err: true };
  };

  router.post(
    "/n/:code/:action",
    auth.verifyCsrf,
    route(async (req, res) => {
      const code = String(req.params.code);
      const action = String(req.params.action);
      const n = CODE_RE.test(code) ? await db.nomination.findUnique({ where: { code }, select: { id: true, status: true } }) : null;
      if (!n) {
        res.status(404).type("text/plain").send(t("decision.nomination_not_found"));
        return;
      }
      const back = (msg: string, err: boolean) => res.redirect(303, `/admin/n/${code}?msg=${encodeURIComponent(msg)}${err ? "&err=1" : ""}`);
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (action === "publishable") {
        const value = body.value === "1";
        const updated = await db.nomination.updateMany({ where: { id: n.id, status: "approved" }, data: { publishable: value } });
        if (updated.count) {
          await db.auditLog.create({ data: { reviewerId: who(res).id, actor: who(res).name, subjectType: "nomination", subjectId: n.id, code, action: value ? "publish" : "unpublish", fromStatus: "approved", toStatus: "approved" } });
        }
        back(t(updated.count ? (value ? "decision.published" : "decision.unpublished") : "decision.publish_approved_only"), !updated.count);
        return;
      }
      if (!(REVIEW_ACTIONS as readonly string[]).includes(action)) {
        res.status(404).type("text/plain").send(t("decision.unknown_action"));
        return;
      }
      try {
        const r = await decideNomination(db, { nominationId: n.id, action: action as ReviewAction, reviewer: who(res), note: typeof body.note === "string" ? body.note : undefined });
        if (r.ok) deps.pokeOutbox?.();
        log.info({ code, action, reviewerId: who(res).id, ok: r.ok }, "panel action");
        const d = describe(code, r);
        back(d.msg, d.err);
      } catch (err) {
        if (err instanceof NoteRequiredError) return back(t("decision.note_required"), true);
        throw err;
      }
    }),
  );

  router.get(
    "/n/:code/files/:id",
    route(async (req, res) => {
      const code = String(req.params.code);
      const id = String(req.params.id);
      const a = /^[0-9a-f-]{36}$/.test(id) ? await db.attachment.findFirst({ where: { id, nomination: { code } } }) : null;
      if (!a?.data) {
        res.status(404).type("text/plain").send(t("decision.file_not_found"));
        return;
      }
      const image = IMAGE_TYPES.has(a.mime ?? "") && req.query.download !== "1";
      const name = (a.fileName ?? `minh-chung-${a.id.slice(0, 8)}`).replace(/[^\w.\-]+/g, "_");
      res.set("Cache-Control", "private, no-store");
      res.set("Content-Type", image ? a.mime! : "application/octet-stream");
      res.set("Content-Disposition", `${image ? "inline" : "attachment"}; filename="${name}"`);
      res.set("Content-Security-Policy", "default-src 'none'; sandbox");
      res.send(Buffer.from(a.data));
    }),
  );

  router.get(
    "/audit",
    route(async (req, res) => {
      const code = typeof req.query.code === "string" && CODE_RE.test(req.query.code.trim()) ? req.query.code.trim() : undefined;
      const rows = await db.auditLog.findMany({ where: code ? { code } : {}, orderBy: { id: "desc" }, take: 300 });
      const body = html`<form class="filters" method="get" action="/admin/audit"><label>${t("audit.code")}<input name="code" value="${code ?? ""}" placeholder="DC-2026-000001"></label><button class="btn" type="submit">${t("common.filter")}</button></form>
        ${auditTable(rows)}`;
      renderPage(res, { i18n, title: t("audit.title"), body, reviewer: who(res) });
    }),
  );

  router.get(
    "/export.csv",
    route(async (req, res) => {
      const rows = await listNominations(db, parseFilters(req.query as Record<string, unknown>), 50_000);
      log.info({ reviewerId: who(res).id, rows: rows.length }, "csv export");
      res.set("Content-Disposition", `attachment; filename="ho-so-de-cu.csv"`).set("Cache-Control", "no-store").type("text/csv; charset=utf-8").send(toCsv(rows, i18n));
    }),
  );

  router.get(
    "/export.xlsx",
    route(async (req, res) => {
      const rows = await listNominations(db, parseFilters(req.query as Record<string, unknown>), 50_000);
      log.info({ reviewerId: who(res).id, rows: rows.length }, "xlsx export");
      res
        .set("Content-Disposition", `attachment; filename="ho-so-de-cu.xlsx"`)
        .set("Cache-Control", "no-store")
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .send(await toXlsx(rows, i18n));
    }),
  );

  // ---- admins only ----
  router.get(
    "/reviewers",
    auth.requireAdmin,
    route(async (req, res) => {
      const rows = await listReviewers(db);
      const body = html`${notice(req)}<div class="table-wrap"><table><thead><tr><th>${t("reviewers.col_name")}</th><th>${t("reviewers.col_role")}</th><th>${t("reviewers.col_channel")}</th><th>${t("reviewers.col_status")}</th><th></th></tr></thead><tbody>${rows.map(
        (r) => html`<tr><td>${r.name}</td><td>${t(r.role === "admin" ? "reviewers.role_admin" : "reviewers.role_reviewer")}</td><td>${r.channel ? `${r.channel}: ${r.externalId}` : ""}</td><td>${t(r.active ? "reviewers.active" : "reviewers.inactive")}</td>
          <td>${r.active && html`<form method="post" action="/admin/reviewers/link" style="display:inline">${csrfField(res)}<input type="hidden" name="name" value="${r.name}"><button class="btn secondary" type="submit">${t("reviewers.make_link")}</button></form>
          <form method="post" action="/admin/reviewers/remove" style="display:inline">${csrfField(res)}<input type="hidden" name="name" value="${r.name}"><button class="btn danger" type="submit">${t("reviewers.remove")}</button></form>`}</td></tr>`,
      )}</tbody></table></div>
        <h2>${t("reviewers.add_heading")}</h2>
        <form class="filters" method="post" action="/admin/reviewers">${csrfField(res)}
          <label>${t("reviewers.name")}<input name="name" required maxlength="120"></label>
          <label>${t("reviewers.role")}<select name="role"><option value="reviewer">${t("reviewers.role_reviewer")}</option><option value="admin">${t("reviewers.role_admin")}</option></select></label>
          <label>${t("reviewers.telegram_id")}<input name="telegramId" pattern="-?[0-9]{1,20}"></label>
          <button class="btn" type="submit">${t("reviewers.add")}</button></form>`;
      renderPage(res, { i18n, title: t("reviewers.title"), body, reviewer: who(res) });
    }),
  );

  router.post(
    "/reviewers",
    auth.requireAdmin,
    auth.verifyCsrf,
    route(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, string>;
      const telegramId = (b.telegramId ?? "").trim();
      try {
        const r = await addReviewer(db, { name: b.name ?? "", role: b.role === "admin" ? "admin" : "reviewer", ...(telegramId && /^-?\d{1,20}$/.test(telegramId) ? { channel: "telegram" as const, externalId: telegramId } : {}) });
        await db.auditLog.create({ data: { reviewerId: who(res).id, actor: who(res).name, subjectType: "reviewer", subjectId: r.id, action: "reviewer_add", note: r.role } });
        res.redirect(303, `/admin/reviewers?msg=${encodeURIComponent(t("reviewers.added", { name: r.name }))}`);
      } catch (err) {
        if (!(err instanceof ReviewerError)) throw err;
        res.redirect(303, `/admin/reviewers?err=1&msg=${encodeURIComponent(err.message)}`);
      }
    }),
  );

  router.post(
    "/reviewers/remove",
    auth.requireAdmin,
    auth.verifyCsrf,
    route(async (req, res) => {
      const name = String((req.body as Record<string, unknown>)?.name ?? "");
      try {
        const r = await removeReviewer(db, name);
        await db.auditLog.create({ data: { reviewerId: who(res).id, actor: who(res).name, subjectType: "reviewer", subjectId: r.id, action: "reviewer_remove" } });
        res.redirect(303, `/admin/reviewers?msg=${encodeURIComponent(t("reviewers.removed", { name: r.name }))}`);
      } catch (err) {
        if (!(err instanceof ReviewerError)) throw err;
        res.redirect(303, `/admin/reviewers?err=1&msg=${encodeURIComponent(err.message)}`);
      }
    }),
  );

  router.post(
    "/reviewers/link",
    auth.requireAdmin,
    auth.verifyCsrf,
    route(async (req, res) => {
      const name = String((req.body as Record<string, unknown>)?.name ?? "");
      const r = await db.reviewer.findFirst({ where: { name, active: true } });
      if (!r) {
        res.redirect(303, `/admin/reviewers?err=1&msg=${encodeURIComponent(t("reviewers.not_found"))}`);
        return;
      }
      const { url } = await createLoginLink(db, r.id, panelBaseUrl(deps.config));
      renderPage(res, { i18n, title: t("reviewers.link_title"), reviewer: who(res), body: html`<div class="card"><p>${h("reviewers.link_send", { name: html`<b>${r.name}</b>` })}</p><p><code>${url}</code></p></div>` });
    }),
  );

  router.get(
    "/deletions",
    auth.requireAdmin,
    route(async (req, res) => {
      const rows = await db.deletionRequest.findMany({ orderBy: { createdAt: "desc" }, take: 200, include: { person: { select: { _count: { select: { nominations: true } } } } } });
      const body = html`${notice(req)}<p class="muted">${t("deletions.explain")}</p>
        <div class="table-wrap"><table><thead><tr><th>${t("deletions.col_time")}</th><th>${t("deletions.col_channel")}</th><th>${t("deletions.col_nominations")}</th><th>${t("deletions.col_status")}</th><th></th></tr></thead><tbody>${
          rows.length
            ? rows.map(
                (d) => html`<tr><td>${vnTime(d.createdAt)}</td><td>${d.channel}</td><td>${d.person?._count.nominations ?? 0}</td><td>${d.status === "done" ? t("deletions.done", { time: vnTime(d.doneAt) }) : t("deletions.pending")}</td>
                  <td>${d.status === "requested" && html`<form method="post" action="/admin/deletions/${d.id}/erase">${csrfField(res)}<button class="btn danger" type="submit">${t("deletions.erase")}</button></form>`}</td></tr>`,
              )
            : html`<tr><td colspan="5" class="muted">${t("deletions.empty")}</td></tr>`
        }</tbody></table></div>`;
      renderPage(res, { i18n, title: t("deletions.title"), body, reviewer: who(res) });
    }),
  );

  router.post(
    "/deletions/:id/erase",
    auth.requireAdmin,
    auth.verifyCsrf,
    route(async (req, res) => {
      if (!/^[0-9a-f-]{36}$/.test(String(req.params.id))) {
        res.status(404).type("text/plain").send(t("common.not_found"));
        return;
      }
      try {
        const r = await performDeletion({ db, i18n, enqueue: deps.enqueue }, String(req.params.id), who(res));
        log.info({ requestId: req.params.id, adminId: who(res).id, nominations: r.nominations }, "personal data erased");
        res.redirect(303, `/admin/deletions?msg=${encodeURIComponent(t("deletions.erased"))}`);
      } catch (err) {
        if (!(err instanceof DeletionRequestError)) throw err;
        res.redirect(303, `/admin/deletions?err=1&msg=${encodeURIComponent(t("deletions.not_pending"))}`);
      }
    }),
  );

  return router;
}
