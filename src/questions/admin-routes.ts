/**
 * The questions inbox in the admin panel (/admin/questions): filter tabs with counts (new,
 * answered, duplicate, not relevant), channel and date filters, the figures (forwarded, answered,
 * median time to answer), and a question's page with claim, answer, duplicate, dismiss and
 * "propose as FAQ". Every action goes through actOnQuestion (audited); every POST checks CSRF.
 */
import express, { type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import type { AdminAuth } from "../admin/auth.js";
import { html, panelText, raw, renderPage, type PageReviewer, type SafeHtml } from "../admin/layout.js";
import { route, vnTime } from "../admin/context.js";
import { CHANNELS } from "../channels/types.js";
import { countByFilter, INBOX_FILTERS, inboxQueryString, listQuestions, parseInboxQuery } from "./inbox.js";
import { questionMetrics, type QuestionMetrics } from "./metrics.js";
import {
  actOnQuestion,
  findByShortId,
  MAX_ANSWER_LENGTH,
  MAX_REASON_LENGTH,
  QuestionInputError,
  shortId,
  type QuestionAction,
} from "./transitions.js";

export interface QuestionRoutesDeps {
  db: Db;
  auth: AdminAuth;
  i18n: Translator;
  /** The unit prefilled in the answer form (ANSWER_UNIT). */
  answerUnit: string;
  pokeOutbox?: () => void;
  logger: Logger;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACTIONS: readonly QuestionAction[] = ["claim", "release", "answer", "duplicate", "dismiss"];

/** "3 giờ" / "25 phút": a duration as officials read it. */
export function formatDuration(
  t: (key: string, vars?: Record<string, string | number>) => string,
  seconds: number | null,
): string {
  if (seconds === null) return t("inbox.median_none");
  if (seconds < 3_600) return t("inbox.minutes", { minutes: Math.max(1, Math.round(seconds / 60)) });
  return t("inbox.hours", { hours: Math.round((seconds / 3_600) * 10) / 10 });
}

/** The one-line summary for the dashboard. */
export function metricsLine(
  t: (key: string, vars?: Record<string, string | number>) => string,
  m: QuestionMetrics,
): string {
  return t("inbox.metrics", {
    forwarded: m.forwarded,
    answered: m.answered,
    open: m.open,
    median: formatDuration(t, m.medianSecondsToAnswer),
  });
}

/** @example extraRouters.push({ path: "/admin/questions", router: createQuestionRoutes({ db, auth, i18n, answerUnit, logger }) }) */
export function createQuestionRoutes(deps: QuestionRoutesDeps): Router {
  const { db, auth, i18n } = deps;
  const log = deps.logger.child({ concern: "questions" });
  const router = express.Router();
  const { t } = panelText(i18n);
  const st = (s: string) => i18n.t("vi", `questions.status.${s}`);
  const who = (res: Response) => res.locals.reviewer as PageReviewer;
  const csrfField = (res: Response) =>
    html`<input type="hidden" name="_csrf" value="${auth.csrfToken(res)}">`;
  const notice = (req: Request): SafeHtml | false => {
    const m = typeof req.query.msg === "string" ? req.query.msg.slice(0, 300) : "";
    return !!m && html`<div class="notice${req.query.err === "1" ? " error" : ""}" role="status">${m}</div>`;
  };
  const badge = (s: string) => html`<span class="badge q-${s}">${st(s)}</span>`;

  router.use(auth.requireReviewer);

  router.get(
    "/",
    route(async (req, res) => {
      const f = parseInboxQuery(req.query as Record<string, unknown>);
      const [rows, counts, m] = await Promise.all([
        listQuestions(db, f),
        countByFilter(db, f),
        questionMetrics(db),
      ]);
      const handlers = new Map(
        (
          await db.reviewer.findMany({
            where: {
              id: {
                in: [
                  ...new Set(
                    rows.flatMap((r) => [r.claimedById, r.answeredById]).filter((x): x is string => !!x),
                  ),
                ],
              },
            },
            select: { id: true, name: true },
          })
        ).map((r) => [r.id, r.name]),
      );
      const option = (value: string, label: string, selected: boolean) =>
        html`<option value="${value}"${raw(selected ? " selected" : "")}>${label}</option>`;
      const body = html`${notice(req)}
        <p class="card">${metricsLine(t, m)} · <a href="/admin/faq">${t("faq.title")}</a></p>
        <div class="counts">
          ${INBOX_FILTERS.map((s) => html`<a href="/admin/questions${inboxQueryString({ ...f, status: s })}"><span class="badge${f.status === s ? " s-in_review" : ""}">${t(`inbox.tab.${s}`)}: ${counts[s]}</span></a>`)}
          <a href="/admin/questions${inboxQueryString({ ...f, status: undefined })}"><span class="badge">${t("inbox.all")}</span></a>
        </div>
        <form class="filters" method="get" action="/admin/questions">
          <label>${t("inbox.status")}<select name="status">${option("", t("inbox.all"), !f.status)}${INBOX_FILTERS.map((s) => option(s, t(`inbox.tab.${s}`), f.status === s))}</select></label>
          <label>${t("inbox.channel")}<select name="channel">${option("", t("inbox.all"), !f.channel)}${CHANNELS.map((c) => option(c, c, f.channel === c))}</select></label>
          <label>${t("inbox.from")}<input type="date" name="from" value="${f.from ?? ""}"></label>
          <label>${t("inbox.to")}<input type="date" name="to" value="${f.to ?? ""}"></label>
          <button class="btn" type="submit">${t("inbox.filter")}</button>
        </form>
        <div class="table-wrap"><table>
          <thead><tr><th>${t("inbox.col_ref")}</th><th>${t("inbox.col_time")}</th><th>${t("inbox.col_channel")}</th><th>${t("inbox.col_question")}</th><th>${t("inbox.col_status")}</th><th>${t("inbox.col_handler")}</th></tr></thead>
          <tbody>${
            rows.length
              ? rows.map(
                  (
                    q,
                  ) => html`<tr><td><a href="/admin/questions/${q.id}">#${shortId(q.id)}</a></td><td>${vnTime(q.createdAt)}</td><td>${q.channel ?? ""}</td>
                    <td>${q.question.length > 200 ? `${q.question.slice(0, 199)}…` : q.question}</td><td>${badge(q.status)}</td>
                    <td>${(q.answeredById && handlers.get(q.answeredById)) || (q.claimedById && handlers.get(q.claimedById)) || ""}</td></tr>`,
                )
              : html`<tr><td colspan="6" class="muted">${t("inbox.empty")}</td></tr>`
          }</tbody></table></div>`;
      renderPage(res, { i18n, title: t("inbox.title"), body, reviewer: who(res) });
    }),
  );

  router.get(
    "/:id",
    route(async (req, res) => {
      const id = String(req.params.id);
      const q = UUID_RE.test(id) ? await db.forwardedQuestion.findUnique({ where: { id } }) : null;
      if (!q) {
        renderPage(res, {
          i18n,
          title: t("inbox.not_found"),
          status: 404,
          reviewer: who(res),
          body: html`<p><a href="/admin/questions">${t("inbox.back")}</a></p>`,
        });
        return;
      }
      const names = new Map(
        (
          await db.reviewer.findMany({
            where: { id: { in: [q.claimedById, q.answeredById].filter((x): x is string => !!x) } },
            select: { id: true, name: true },
          })
        ).map((r) => [r.id, r.name]),
      );
      const audits = await db.auditLog.findMany({
        where: { subjectType: "question", subjectId: q.id },
        orderBy: { id: "asc" },
      });
      const me = who(res);
      const open = q.status === "new" || q.status === "claimed";
      const mine = q.status === "new" || q.claimedById === me.id;
      const form = (action: QuestionAction, inner: SafeHtml | false, label: string, cls = "") =>
        html`<form method="post" action="/admin/questions/${q.id}/${action}">${csrfField(res)}${inner}<button class="btn ${cls}" type="submit">${label}</button></form>`;
      const body = html`${notice(req)}
        <p><a href="/admin/questions">${t("inbox.back")}</a></p>
        <div class="card"><dl class="fields">
          <dt>${t("inbox.status")}</dt><dd>${badge(q.status)} ${q.claimedById && q.status === "claimed" ? (names.get(q.claimedById) ?? "") : ""}</dd>
          <dt>${t("inbox.asked_at")}</dt><dd>${vnTime(q.createdAt)}</dd>
          <dt>${t("inbox.channel")}</dt><dd>${q.channel ?? ""} · ${t("inbox.language")}: ${q.language}</dd>
          <dt>${t("inbox.question")}</dt><dd>${q.question}</dd>
          ${
            q.answer &&
            html`<dt>${t("inbox.answer")}</dt><dd>${q.answer}</dd><dt>${t("inbox.answer_unit")}</dt><dd>${q.answerUnit ?? ""} — ${t("inbox.answered_by", { name: (q.answeredById && names.get(q.answeredById)) || "", time: vnTime(q.answeredAt) })}</dd>
            <dt>${t("inbox.delivered")}</dt><dd>${q.deliveredAt ? t("inbox.delivered_at", { time: vnTime(q.deliveredAt) }) : t("inbox.not_delivered")}</dd>`
          }
          ${q.duplicateOfId && html`<dt>${t("inbox.duplicate_of")}</dt><dd><a href="/admin/questions/${q.duplicateOfId}">#${shortId(q.duplicateOfId)}</a></dd>`}
          ${
            q.dismissReason &&
            html`<dt>${t("inbox.dismiss_reason")}</dt><dd>${q.dismissReason}</dd>
            <dt>${t("inbox.delivered")}</dt><dd>${q.deliveredAt ? t("inbox.delivered_at", { time: vnTime(q.deliveredAt) }) : t("inbox.not_delivered")}</dd>`
          }
          ${q.erasedAt && html`<dt></dt><dd>${t("inbox.erased", { time: vnTime(q.erasedAt) })}</dd>`}
        </dl></div>
        ${
          open &&
          html`<h2>${t("inbox.actions")}</h2><div class="actions">
          ${q.status === "new" && form("claim", false, t("inbox.claim"))}
          ${q.status === "claimed" && (q.claimedById === me.id || me.role === "admin") && form("release", false, t("inbox.release"), "secondary")}
          ${
            mine &&
            html`
            ${form(
              "answer",
              html`<label>${t("inbox.answer_label")}<textarea name="text" required maxlength="${MAX_ANSWER_LENGTH}"></textarea></label>
              <label>${t("inbox.answer_unit")}<input name="unit" required maxlength="200" value="${deps.answerUnit}"></label>`,
              t("inbox.answer_submit"),
              "ok",
            )}
            ${form("duplicate", html`<label>${t("inbox.duplicate_label")}<input name="original" required maxlength="40" pattern="#?[0-9a-fA-F-]{8,36}"></label>`, t("inbox.duplicate_submit"), "secondary")}
            ${form("dismiss", html`<label>${t("inbox.dismiss_label")}<textarea name="text" required maxlength="${MAX_REASON_LENGTH}"></textarea></label>`, t("inbox.dismiss_submit"), "danger")}`
          }
        </div>`
        }
        ${q.status === "answered" && !q.erasedAt && html`<p><a class="btn" href="/admin/faq/new?question=${q.id}">${t("inbox.propose_faq")}</a></p>`}
        <h2>${t("inbox.history")}</h2>
        <div class="table-wrap"><table><thead><tr><th>${t("faq.col_time")}</th><th>${t("faq.col_actor")}</th><th>${t("faq.col_action")}</th><th>${t("inbox.status")}</th><th></th></tr></thead><tbody>${audits.map(
          (a) =>
            html`<tr><td>${vnTime(a.at)}</td><td>${a.actor}</td><td>${a.action}</td><td>${a.fromStatus ? st(a.fromStatus) : ""} → ${a.toStatus ? st(a.toStatus) : ""}</td><td>${a.note ?? ""}</td></tr>`,
        )}</tbody></table></div>`;
      renderPage(res, { i18n, title: t("inbox.detail_title", { ref: shortId(q.id) }), body, reviewer: me });
    }),
  );

  router.post(
    "/:id/:action",
    auth.verifyCsrf,
    route(async (req, res) => {
      const id = String(req.params.id);
      const action = String(req.params.action) as QuestionAction;
      if (!UUID_RE.test(id) || !ACTIONS.includes(action)) {
        res.status(404).type("text/plain").send(t("inbox.not_found"));
        return;
      }
      const b = (req.body ?? {}) as Record<string, unknown>;
      const str = (v: unknown) => (typeof v === "string" ? v : undefined);
      const me = who(res);
      const ref = shortId(id);
      const back = (msg: string, err: boolean) =>
        res.redirect(303, `/admin/questions/${id}?msg=${encodeURIComponent(msg)}${err ? "&err=1" : ""}`);
      try {
        const duplicateOfId =
          action === "duplicate" ? await findByShortId(db, str(b.original) ?? "") : undefined;
        if (action === "duplicate" && !duplicateOfId) return back(t("inbox.error_duplicate_target"), true);
        const r = await actOnQuestion(db, {
          questionId: id,
          action,
          actor: { id: me.id, name: me.name },
          text: str(b.text),
          unit: str(b.unit),
          duplicateOfId,
          anyClaim: me.role === "admin",
        });
        if (r.ok) deps.pokeOutbox?.();
        log.info({ questionId: id, action, reviewerId: me.id, ok: r.ok }, "inbox action");
        if (r.ok) return back(t("inbox.done", { ref, status: st(r.to) }), false);
        if (r.reason === "not_found") return back(t("inbox.not_found"), true);
        return back(
          t("inbox.conflict", {
            ref,
            status: st(r.current),
            by: r.by ? t("inbox.conflict_by", { name: r.by }) : "",
          }),
          true,
        );
      } catch (err) {
        if (err instanceof QuestionInputError) return back(t(`inbox.error_${err.reason}`), true);
        throw err;
      }
    }),
  );

  return router;
}
