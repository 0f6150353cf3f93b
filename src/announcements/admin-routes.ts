/**
 * The admin panel's announcement pages (/admin/announcements), for admins: compose (text, optional
 * image link, topics, channels), preview with the number of recipients, send now or schedule,
 * then a live progress page (sent, failed, remaining, ETA; refreshes itself while sending) with
 * cancel and the list of recipients not reached and why. Beside that list, when a worker died
 * during some sends, the admin may resend to those "uncertain" recipients once, after a
 * confirmation page that says some may get it twice (resend.ts). Every action writes an audit row.
 */
import { performAction } from "../review/audit.js";
import express, { type RequestHandler, type Response } from "express";
import type { Redis } from "ioredis";
import { z } from "zod";
import { CHANNELS, type ChannelName } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import { html, panelText, renderPage, type PageReviewer } from "../admin/layout.js";
import { confirmed, renderConfirm } from "../admin/views/confirm.js";
import {
  announcementProgress,
  AnnouncementStateError,
  cancelAnnouncement,
  composeSchema,
  createAnnouncement,
  MAX_TEXT,
  type Progress,
} from "./announcements.js";
import { AnnouncementNotFoundError, resendUncertain } from "./resend.js";
import { TOPICS } from "./topics.js";

export interface AnnouncementRoutesDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  i18n: Translator;
  requireAdmin: RequestHandler;
  verifyCsrf: RequestHandler;
  csrfToken(res: Response): string;
  /** Channels this deployment runs (only these are offered). */
  channels: readonly ChannelName[];
  /** Wakes a local dispatcher after "send now" (role all); workers elsewhere poll. */
  poke?: () => void;
}

const asList = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const formSchema = z.object({
  text: z.string(),
  imageUrl: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
  topics: z.unknown().transform(asList),
  channels: z.unknown().transform(asList),
  /** "YYYY-MM-DDTHH:mm", Vietnam time; empty = now. */
  sendAt: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
  step: z.enum(["preview", "send"]).default("preview"),
});

/** Vietnam time (UTC+7, no daylight saving) typed in a datetime-local field. */
const fromVietnamLocal = (v: string) => {
  const d = new Date(`${v}:00+07:00`);
  return Number.isNaN(d.getTime()) ? null : d;
};
const vnTime = (d: Date) =>
  new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");

/** What the detail page may report after a resend (`?notice=`): message keys, never text from the URL. */
const RESEND_NOTICES = ["resent", "resend_none", "resend_refused"] as const;

/** @example extraRouters.push({ path: "/admin/announcements", router: createAnnouncementRoutes({ db, redis, prefix, i18n, ...auth, channels }) }) */
export function createAnnouncementRoutes(deps: AnnouncementRoutesDeps): express.Router {
  const { db, i18n } = deps;
  const { t, h } = panelText(i18n);
  const router = express.Router();
  router.use(deps.requireAdmin);
  const csrf = (res: Response) => html`<input type="hidden" name="_csrf" value="${deps.csrfToken(res)}">`;
  const topicName = (id: string) => i18n.t("vi", `announcements.topic.${id}`);
  const audit = (reviewer: PageReviewer, id: string, action: string, note?: string) =>
    performAction(
      db,
      { reviewerId: reviewer.id, label: reviewer.name },
      { type: "announcement", id },
      action,
      async () => ({ value: undefined, audit: { note } }),
    );

  function composeForm(
    res: Response,
    values: { text?: string; imageUrl?: string; topics?: string[]; channels?: string[]; sendAt?: string },
    error?: string,
  ) {
    return html`${error && html`<div class="notice error">${error}</div>`}
      <form class="card" method="post" action="/admin/announcements">${csrf(res)}<input type="hidden" name="step" value="preview">
        <p><label>${t("announcements.text")}<br><textarea name="text" maxlength="${MAX_TEXT}" rows="6" required>${values.text ?? ""}</textarea></label></p>
        <p><label>${t("announcements.image_url")}<br><input type="url" name="imageUrl" placeholder="https://…" value="${values.imageUrl ?? ""}" style="width:100%"></label></p>
        <p>${t("announcements.topics")}: ${TOPICS.map((id) => html`<label><input type="checkbox" name="topics" value="${id}" ${values.topics?.includes(id) ? "checked" : ""}> ${topicName(id)}</label> `)}</p>
        <p>${t("announcements.channels")}: ${deps.channels.map((c) => html`<label><input type="checkbox" name="channels" value="${c}" ${values.channels?.includes(c) ? "checked" : ""}> ${t(`announcements.channel.${c}`)}</label> `)}</p>
        <p><label>${t("announcements.send_at")} <input type="datetime-local" name="sendAt" value="${values.sendAt ?? ""}"></label> <span class="muted">${t("announcements.send_at_hint")}</span></p>
        <p><button class="btn" type="submit">${t("announcements.preview")}</button></p>
      </form>`;
  }

  router.get("/", async (_req, res, next) => {
    try {
      const list = await db.announcement.findMany({
        orderBy: { createdAt: "desc" },
        take: 50,
        select: {
          id: true,
          text: true,
          status: true,
          topics: true,
          channels: true,
          createdAt: true,
          sendAt: true,
        },
      });
      const rows = list.map(
        (a) =>
          html`<tr><td><a href="/admin/announcements/${a.id}">${vnTime(a.createdAt)}</a></td><td>${a.text.slice(0, 80)}</td><td><span class="badge">${t(`announcements.status.${a.status}`)}</span>${a.status === "scheduled" && a.sendAt ? html` ${vnTime(a.sendAt)}` : ""}</td><td>${a.topics.map(topicName).join(", ")}</td><td>${a.channels.join(", ")}</td></tr>`,
      );
      const body = html`<h2>${t("announcements.compose")}</h2>${composeForm(res, { topics: [...TOPICS], channels: [...deps.channels] })}
        <h2>${t("announcements.history")}</h2>${rows.length ? html`<div class="table-wrap"><table><thead><tr><th>${t("announcements.col_created")}</th><th>${t("announcements.text")}</th><th>${t("announcements.col_status")}</th><th>${t("announcements.topics")}</th><th>${t("announcements.channels")}</th></tr></thead><tbody>${rows}</tbody></table></div>` : html`<p class="muted">${t("announcements.none")}</p>`}`;
      renderPage(res, {
        i18n,
        title: t("announcements.title"),
        body,
        reviewer: res.locals.reviewer as PageReviewer,
      });
    } catch (err) {
      next(err);
    }
  });

  router.post("/", deps.verifyCsrf, async (req, res, next) => {
    try {
      const reviewer = res.locals.reviewer as PageReviewer;
      const form = formSchema.parse(req.body ?? {});
      const sendAt = form.sendAt ? fromVietnamLocal(form.sendAt) : undefined;
      const input = {
        text: form.text,
        imageUrl: form.imageUrl,
        topics: form.topics,
        channels: form.channels,
        sendAt: sendAt ?? undefined,
      };
      const parsed = composeSchema.safeParse(input);
      const values = { ...form, topics: form.topics.map(String), channels: form.channels.map(String) };
      if (
        !parsed.success ||
        sendAt === null ||
        !parsed.data.channels.every((c) => deps.channels.includes(c))
      ) {
        const body = composeForm(res, values, t("announcements.invalid", { max: MAX_TEXT }));
        return renderPage(res, { i18n, title: t("announcements.title"), body, reviewer, status: 400 });
      }
      if (form.step === "preview") {
        const counts = await db.$queryRaw<Array<{ channel: string; n: number }>>`
          select p.channel::text as channel, count(*)::int as n from "Subscription" s join "Person" p on p.id = s."personId"
           where s.topics && ${parsed.data.topics}::text[] and p.channel::text = any(${parsed.data.channels}::text[]) and p."unreachableAt" is null group by 1`;
        const footer = i18n.t("vi", "announcements.footer");
        const hidden = html`${csrf(res)}<input type="hidden" name="step" value="send"><input type="hidden" name="text" value="${parsed.data.text}"><input type="hidden" name="imageUrl" value="${parsed.data.imageUrl ?? ""}"><input type="hidden" name="sendAt" value="${form.sendAt ?? ""}">
          ${parsed.data.topics.map((x) => html`<input type="hidden" name="topics" value="${x}">`)}${parsed.data.channels.map((x) => html`<input type="hidden" name="channels" value="${x}">`)}`;
        const body = html`<h2>${t("announcements.preview_title")}</h2>
          <div class="card">${parsed.data.imageUrl && html`<p class="muted">${t("announcements.image_url")}: ${parsed.data.imageUrl}</p>`}<p style="white-space:pre-wrap">${parsed.data.text}\n\n${footer}</p></div>
          <p>${h("announcements.recipients", { count: html`<b>${counts.reduce((s, c) => s + c.n, 0)}</b>` })} ${counts.map((c) => html`<span class="badge">${t(`announcements.channel.${c.channel}`)}: ${c.n}</span> `)}</p>
          <p class="muted">${t("announcements.zalo_note")}</p>
          <form method="post" action="/admin/announcements">${hidden}<button class="btn ok" type="submit">${sendAt ? t("announcements.schedule_button", { at: vnTime(sendAt) }) : t("announcements.send_now")}</button> <a class="btn secondary" href="/admin/announcements">${t("announcements.back")}</a></form>`;
        return renderPage(res, { i18n, title: t("announcements.title"), body, reviewer });
      }
      const created = await createAnnouncement(db, parsed.data, reviewer.name);
      await audit(
        reviewer,
        created.id,
        created.status === "scheduled" ? "schedule" : "send",
        parsed.data.topics.join(","),
      );
      deps.poke?.();
      res.redirect(303, `/admin/announcements/${created.id}`);
    } catch (err) {
      next(err);
    }
  });

  const idSchema = z.uuid();
  router.get("/:id/progress.json", async (req, res, next) => {
    try {
      const id = idSchema.safeParse(req.params.id);
      const p = id.success ? await announcementProgress(db, id.data) : null;
      if (!p) return void res.status(404).json({ error: "not found" });
      res.set("Cache-Control", "no-store").json(p);
    } catch (err) {
      next(err);
    }
  });

  // The panel's confirmation page, for this router's one irreversible action (the resend).
  const confirmContext = {
    text: panelText(i18n),
    csrfField: csrf,
    i18n,
    who: (res: Response) => res.locals.reviewer as PageReviewer,
  };

  router.get("/:id", async (req, res, next) => {
    try {
      const id = idSchema.safeParse(req.params.id);
      const a = id.success ? await db.announcement.findUnique({ where: { id: id.data } }) : null;
      const p = a ? await announcementProgress(db, a.id) : null;
      if (!a || !p)
        return renderPage(res, {
          i18n,
          title: t("announcements.title"),
          body: html`<p>${t("announcements.not_found")}</p>`,
          reviewer: res.locals.reviewer as PageReviewer,
          status: 404,
        });
      const live = a.status === "sending" || a.status === "scheduled";
      // A refresh tag instead of a script: the panel's CSP allows no inline scripts.
      if (live) res.set("Refresh", "2");
      const notice = typeof req.query.notice === "string" ? req.query.notice : "";
      const count =
        typeof req.query.count === "string" && /^\d{1,6}$/.test(req.query.count)
          ? Number(req.query.count)
          : 0;
      const body = html`${
        (RESEND_NOTICES as readonly string[]).includes(notice) &&
        html`<div class="notice${notice === "resent" ? "" : " error"}">${t(`announcements.${notice}`, { n: count })}</div>`
      }<div class="card"><p style="white-space:pre-wrap">${a.text}</p>${a.imageUrl && html`<p class="muted">${a.imageUrl}</p>`}
          <p class="muted">${a.topics.map(topicName).join(", ")} · ${a.channels.join(", ")} · ${t(`announcements.status.${a.status}`)}${a.sendAt ? html` · ${vnTime(a.sendAt)}` : ""}</p></div>
        ${progressBlock(p)}
        ${(a.status === "sending" || a.status === "done") && p.resendable > 0 && resendBlock(res, a.id, p)}
        ${live && html`<form method="post" action="/admin/announcements/${a.id}/cancel">${csrf(res)}<button class="btn danger" type="submit">${t("announcements.cancel")}</button></form>`}`;
      renderPage(res, {
        i18n,
        title: t("announcements.detail_title"),
        body,
        reviewer: res.locals.reviewer as PageReviewer,
      });
    } catch (err) {
      next(err);
    }
  });

  router.post("/:id/cancel", deps.verifyCsrf, async (req, res, next) => {
    try {
      const id = idSchema.safeParse(req.params.id);
      if (!id.success) return void res.status(404).end();
      try {
        await cancelAnnouncement(db, deps.redis, deps.prefix, id.data);
        await audit(res.locals.reviewer as PageReviewer, id.data, "cancel");
      } catch (err) {
        if (!(err instanceof AnnouncementStateError)) throw err;
      }
      res.redirect(303, `/admin/announcements/${id.data}`);
    } catch (err) {
      next(err);
    }
  });

  // The uncertain recipients an admin may still resend, per channel (each row at most once).
  const resendableByChannel = (id: string) =>
    db.$queryRaw<Array<{ channel: ChannelName; n: number }>>`
      select channel::text as channel, count(*)::int as n from "AnnouncementDelivery"
       where "announcementId" = ${id}::uuid and state = 'uncertain' and "resentAt" is null group by 1 order by 1`;

  /** The resend action, beside the report of who was not reached: what it does and its risk, said first. */
  function resendBlock(res: Response, id: string, p: Progress) {
    return html`<div class="card"><h2>${t("announcements.resend_title")}</h2>
      <p class="warn">${t("announcements.resend_warning")}</p>
      <form method="post" action="/admin/announcements/${id}/resend">${csrf(res)}<button class="btn danger" type="submit">${t("announcements.resend_button", { n: p.resendable })}</button></form></div>`;
  }

  router.post("/:id/resend", deps.verifyCsrf, async (req, res, next) => {
    try {
      const id = idSchema.safeParse(req.params.id);
      if (!id.success) return void res.status(404).end();
      const page = `/admin/announcements/${id.data}`;
      const reviewer = res.locals.reviewer as PageReviewer;
      if (!confirmed(req.body)) {
        // First step: the confirmation page names how many, on which channels, and the risk.
        const a = await db.announcement.findUnique({ where: { id: id.data }, select: { status: true } });
        if (!a) return void res.status(404).end();
        const open = a.status === "sending" || a.status === "done";
        const counts = open ? await resendableByChannel(id.data) : [];
        const n = counts.reduce((s, c) => s + c.n, 0);
        if (!n) return void res.redirect(303, `${page}?notice=${open ? "resend_none" : "resend_refused"}`);
        return renderConfirm(confirmContext, res, {
          question: t("announcements.resend_question", { n }),
          consequence: t("announcements.resend_warning"),
          details: html`<ul>${counts.map((c) => html`<li>${t(`announcements.channel.${c.channel}`)}: ${c.n}</li>`)}</ul>`,
          action: `${page}/resend`,
          confirmLabel: t("announcements.resend_button", { n }),
          tone: "danger",
          cancelHref: page,
        });
      }
      try {
        const r = await resendUncertain(db, deps.redis, deps.prefix, id.data, {
          reviewerId: reviewer.id,
          label: reviewer.name,
        });
        if (!r.requeued && !r.accepted && !r.skipped)
          return void res.redirect(303, `${page}?notice=resend_none`);
        if (r.requeued) deps.poke?.();
        res.redirect(303, `${page}?notice=resent&count=${r.requeued}`);
      } catch (err) {
        if (err instanceof AnnouncementNotFoundError) return void res.status(404).end();
        if (!(err instanceof AnnouncementStateError)) throw err;
        res.redirect(303, `${page}?notice=resend_refused`);
      }
    } catch (err) {
      next(err);
    }
  });

  function progressBlock(p: Progress) {
    const eta =
      p.etaSeconds === null
        ? "—"
        : p.etaSeconds < 90
          ? t("announcements.eta_seconds", { n: p.etaSeconds })
          : t("announcements.eta_minutes", { n: Math.ceil(p.etaSeconds / 60) });
    return html`<div class="counts">
        <span class="badge">${t("announcements.total")}: ${p.total}</span><span class="badge s-approved">${t("announcements.sent")}: ${p.sent}</span>
        <span class="badge s-rejected">${t("announcements.failed")}: ${p.failed}</span><span class="badge">${t("announcements.skipped")}: ${p.skipped}</span>
        <span class="badge s-in_review">${t("announcements.remaining")}: ${p.remaining}</span><span class="badge">${t("announcements.rate")}: ${p.rate}/s</span><span class="badge">${t("announcements.eta")}: ${eta}</span>
        ${p.cancelled ? html`<span class="badge">${t("announcements.cancelled")}: ${p.cancelled}</span>` : ""}${p.uncertain ? html`<span class="badge s-needs_info">${t("announcements.uncertain")}: ${p.uncertain}</span>` : ""}${p.resent ? html`<span class="badge">${t("announcements.resent_count")}: ${p.resent}</span>` : ""}
      </div>
      ${
        p.unreached.length
          ? html`<h2>${t("announcements.unreached")}</h2><div class="table-wrap"><table><thead><tr><th>${t("announcements.channels")}</th><th>${t("announcements.col_reason")}</th><th>${t("announcements.count")}</th></tr></thead><tbody>
        ${p.unreached.map((u) => html`<tr><td>${t(`announcements.channel.${u.channel}`)}</td><td>${reasonText(u.reason)}</td><td>${u.count}</td></tr>`)}</tbody></table></div>`
          : ""
      }`;
  }
  const reasonText = (reason: string) =>
    i18n.has(`admin.announcements.reason.${reason}`) ? t(`announcements.reason.${reason}`) : reason;

  return router;
}
