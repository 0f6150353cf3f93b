/**
 * FAQ entries in the admin panel (/admin/faq): the list by status, "propose" from an answered
 * question (prefilled: question, answer, unit, date — the reviewer cleans the question of personal
 * data), and an entry's page with a preview of what citizens will read, edit (a new version),
 * publish and retire (admins only), and its history.
 */
import express, { type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import type { AdminAuth } from "../admin/auth.js";
import { html, panelText, renderPage, type PageReviewer, type SafeHtml } from "../admin/layout.js";
import { route, vnTime } from "../admin/context.js";
import { shortId } from "../questions/transitions.js";
import { faqDate, formatFaqAnswer } from "./answer.js";
import {
  editEntry,
  FaqInputError,
  FAQ_LIMITS,
  proposeEntry,
  publishEntry,
  retireEntry,
  type FaqStoreDeps,
} from "./store.js";

export interface FaqRoutesDeps {
  db: Db;
  auth: AdminAuth;
  i18n: Translator;
  store: FaqStoreDeps;
  logger: Logger;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STATUSES = ["proposed", "published", "retired"] as const;

/** yyyy-mm-dd of a calendar-day column, or of an instant in Vietnam time. */
function isoDay(d: Date, calendar = true): string {
  return calendar
    ? d.toISOString().slice(0, 10)
    : new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** @example extraRouters.push({ path: "/admin/faq", router: createFaqRoutes({ db, auth, i18n, store, logger }) }) */
export function createFaqRoutes(deps: FaqRoutesDeps): Router {
  const { db, auth, i18n } = deps;
  const log = deps.logger.child({ concern: "faq" });
  const router = express.Router();
  const { t } = panelText(i18n);
  const who = (res: Response) => res.locals.reviewer as PageReviewer;
  const actor = (res: Response) => ({ id: who(res).id, name: who(res).name });
  const csrfField = (res: Response) =>
    html`<input type="hidden" name="_csrf" value="${auth.csrfToken(res)}">`;
  const notice = (req: Request): SafeHtml | false => {
    const m = typeof req.query.msg === "string" ? req.query.msg.slice(0, 300) : "";
    return !!m && html`<div class="notice${req.query.err === "1" ? " error" : ""}" role="status">${m}</div>`;
  };
  const fields = (v: { question: string; answer: string; unit: string; date: string }) => html`
    <label>${t("faq.question")}<textarea name="question" required maxlength="${FAQ_LIMITS.question}">${v.question}</textarea></label>
    <label>${t("faq.answer")}<textarea name="answer" required maxlength="${FAQ_LIMITS.answer}" style="min-height:8rem">${v.answer}</textarea></label>
    <label>${t("faq.unit")} <input name="unit" required maxlength="${FAQ_LIMITS.unit}" value="${v.unit}"></label>
    <label>${t("faq.date")} <input type="date" name="answeredOn" required value="${v.date}"></label>`;
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === "string" ? v : "");
  const content = (req: Request) => ({
    question: s(body(req).question),
    answer: s(body(req).answer),
    unit: s(body(req).unit),
    answeredOn: s(body(req).answeredOn),
  });

  router.use(auth.requireReviewer);

  router.get(
    "/",
    route(async (req, res) => {
      const rows = await db.faqEntry.findMany({
        orderBy: [{ status: "asc" }, { updatedAt: "desc" }],
        take: 500,
      });
      const page = html`${notice(req)}<p class="muted">${t("faq.explain")}</p>
        ${STATUSES.map((status) => {
          const list = rows.filter((r) => r.status === status);
          return html`<h2>${t(`faq.status.${status}`)} (${list.length})</h2><div class="table-wrap"><table>
            <thead><tr><th>${t("faq.col_question")}</th><th>${t("faq.col_unit")}</th><th>${t("faq.col_date")}</th><th>${t("faq.col_version")}</th></tr></thead>
            <tbody>${list.length ? list.map((e) => html`<tr><td><a href="/admin/faq/${e.id}">${e.question}</a></td><td>${e.unit}</td><td>${faqDate(e.answeredOn)}</td><td>${e.version}</td></tr>`) : html`<tr><td colspan="4" class="muted">${t("faq.empty")}</td></tr>`}</tbody></table></div>`;
        })}`;
      renderPage(res, { i18n, title: t("faq.title"), body: page, reviewer: who(res) });
    }),
  );

  router.get(
    "/new",
    route(async (req, res) => {
      const qid =
        typeof req.query.question === "string" && UUID_RE.test(req.query.question)
          ? req.query.question
          : undefined;
      const q = qid ? await db.forwardedQuestion.findUnique({ where: { id: qid } }) : null;
      if (!q || q.status !== "answered" || !q.answer) {
        renderPage(res, {
          i18n,
          title: t("faq.not_found"),
          status: 404,
          reviewer: who(res),
          body: html`<p>${t("faq.error.not_answered")}</p><p><a href="/admin/questions">${t("inbox.back")}</a></p>`,
        });
        return;
      }
      const page = html`${notice(req)}<p><a href="/admin/questions/${q.id}">${t("faq.from_question", { ref: shortId(q.id) })}</a></p>
        <form class="card" method="post" action="/admin/faq">${csrfField(res)}<input type="hidden" name="sourceQuestionId" value="${q.id}">
          ${fields({ question: q.question, answer: q.answer, unit: q.answerUnit ?? "", date: isoDay(q.answeredAt ?? q.updatedAt, false) })}
          <p><button class="btn" type="submit">${t("faq.propose")}</button></p></form>`;
      renderPage(res, { i18n, title: t("faq.new_title"), body: page, reviewer: who(res) });
    }),
  );

  router.post(
    "/",
    auth.verifyCsrf,
    route(async (req, res) => {
      const source = s(body(req).sourceQuestionId);
      const sourceQuestionId = UUID_RE.test(source) ? source : undefined;
      try {
        const id = await proposeEntry(deps.store, content(req), actor(res), sourceQuestionId);
        log.info({ faqEntryId: id, reviewerId: who(res).id }, "faq entry proposed");
        res.redirect(303, `/admin/faq/${id}?msg=${encodeURIComponent(t("faq.proposed"))}`);
      } catch (err) {
        if (!(err instanceof FaqInputError)) throw err;
        const back = sourceQuestionId ? `/admin/faq/new?question=${sourceQuestionId}&` : "/admin/faq?";
        res.redirect(303, `${back}err=1&msg=${encodeURIComponent(t(`faq.error.${err.reason}`))}`);
      }
    }),
  );

  router.get(
    "/:id",
    route(async (req, res) => {
      const id = String(req.params.id);
      const e = UUID_RE.test(id)
        ? await db.faqEntry.findUnique({ where: { id }, include: { revisions: { orderBy: { id: "asc" } } } })
        : null;
      if (!e) {
        renderPage(res, {
          i18n,
          title: t("faq.not_found"),
          status: 404,
          reviewer: who(res),
          body: html`<p><a href="/admin/faq">${t("faq.back")}</a></p>`,
        });
        return;
      }
      const admin = who(res).role === "admin";
      const page = html`${notice(req)}<p><a href="/admin/faq">${t("faq.back")}</a>${e.sourceQuestionId ? html` · <a href="/admin/questions/${e.sourceQuestionId}">${t("faq.from_question", { ref: shortId(e.sourceQuestionId) })}</a>` : ""}</p>
        <p><span class="badge">${t(`faq.status.${e.status}`)}</span> · ${t("faq.col_version")} ${e.version}</p>
        <h2>${t("faq.preview")}</h2><div class="card"><dd>${formatFaqAnswer(i18n, "vi", e)}</dd></div>
        <div class="actions">
          ${admin && e.status !== "published" && html`<form method="post" action="/admin/faq/${e.id}/publish">${csrfField(res)}<button class="btn ok" type="submit">${t("faq.publish")}</button></form>`}
          ${admin && e.status !== "retired" && html`<form method="post" action="/admin/faq/${e.id}/retire">${csrfField(res)}<label>${t("faq.retire_reason")}<input name="reason" maxlength="300"></label> <button class="btn danger" type="submit">${t("faq.retire")}</button></form>`}
          ${!admin && html`<p class="muted">${t("faq.admin_only")}</p>`}
        </div>
        <h2>${t("faq.edit_title")}</h2>
        <form class="card" method="post" action="/admin/faq/${e.id}/edit">${csrfField(res)}<input type="hidden" name="version" value="${e.version}">
          ${fields({ question: e.question, answer: e.answer, unit: e.unit, date: isoDay(e.answeredOn) })}
          <p><button class="btn secondary" type="submit">${t("faq.save")}</button></p></form>
        <h2>${t("faq.history")}</h2>
        <div class="table-wrap"><table><thead><tr><th>${t("faq.col_time")}</th><th>${t("faq.col_version")}</th><th>${t("faq.col_actor")}</th><th>${t("faq.col_action")}</th><th>${t("faq.col_status")}</th><th>${t("faq.col_question")}</th><th>${t("faq.answer")}</th></tr></thead><tbody>${e.revisions.map(
          (r) =>
            html`<tr><td>${vnTime(r.at)}</td><td>${r.version}</td><td>${r.actor}</td><td>${r.action}</td><td>${t(`faq.status.${r.status}`)}</td><td>${r.question}</td><td>${r.answer}</td></tr>`,
        )}</tbody></table></div>`;
      renderPage(res, { i18n, title: t("faq.edit_title"), body: page, reviewer: who(res) });
    }),
  );

  router.post(
    "/:id/:action",
    auth.verifyCsrf,
    route(async (req, res) => {
      const id = String(req.params.id);
      const action = String(req.params.action);
      if (!UUID_RE.test(id) || !["publish", "retire", "edit"].includes(action)) {
        res.status(404).type("text/plain").send(t("faq.not_found"));
        return;
      }
      const back = (msg: string, err = false) =>
        res.redirect(303, `/admin/faq/${id}?msg=${encodeURIComponent(msg)}${err ? "&err=1" : ""}`);
      if (action !== "edit" && who(res).role !== "admin") {
        res.status(403).type("text/plain").send(t("faq.admin_only"));
        return;
      }
      try {
        if (action === "publish") await publishEntry(deps.store, id, actor(res));
        else if (action === "retire") await retireEntry(deps.store, id, actor(res), s(body(req).reason));
        else
          await editEntry(
            deps.store,
            id,
            content(req),
            actor(res),
            Number(s(body(req).version)) || undefined,
          );
        log.info({ faqEntryId: id, action, reviewerId: who(res).id }, "faq entry changed");
        back(t(action === "publish" ? "faq.published" : action === "retire" ? "faq.retired" : "faq.saved"));
      } catch (err) {
        if (!(err instanceof FaqInputError)) throw err;
        back(t(`faq.error.${err.reason}`), true);
      }
    }),
  );

  return router;
}
