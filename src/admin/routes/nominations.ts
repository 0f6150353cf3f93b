/**
 * One nomination: its page, the reviewers' actions on it (each irreversible one confirmed first),
 * taking over another reviewer's claim, showcasing it with an edited public summary, and its
 * evidence (files served here, links behind an off-site warning).
 */
import express, { type Router } from "express";
import type { ChannelName } from "../../channels/types.js";
import { takeOverNomination } from "../../review/claims.js";
import {
  decideNomination,
  NoteRequiredError,
  REVIEW_ACTIONS,
  type ReviewAction,
} from "../../review/decisions.js";
import { publishShowcase, SummaryError, withdrawShowcase } from "../../review/showcase.js";
import { route, vnTime, type PanelContext } from "../context.js";
import { html, renderPage } from "../layout.js";
import { validateParams } from "../params.js";
import { notFound, noticeFrom, redirectWithNotice } from "../responses.js";
import { confirmed, renderConfirm } from "../views/confirm.js";
import { IMAGE_TYPES, nominationPage, showcasePage } from "../views/nomination.js";

/** Actions that cannot be undone and tell the submitter at once: confirmed first. */
const CONFIRMED: readonly ReviewAction[] = ["approve", "reject", "request_info"];

/** What the showcase preview and its publication read of a nomination (one list for both). */
const SHOWCASE_FIELDS = {
  id: true,
  code: true,
  status: true,
  erasedAt: true,
  nomineeName: true,
  nomineeUnit: true,
  category: true,
  achievements: true,
  publicSummary: true,
  publishable: true,
} as const;

export function nominationRoutes(ctx: PanelContext): Router {
  const { db, auth } = ctx;
  const { t } = ctx.text;
  const router = express.Router();
  validateParams(ctx, router);

  router.get(
    "/n/:code",
    route(async (req, res) => {
      const n = await db.nomination.findUnique({
        where: { code: String(req.params.code) },
        include: {
          attachments: {
            select: { id: true, kind: true, mime: true, fileName: true, size: true, url: true },
          },
          claimedBy: { select: { id: true, name: true } },
          decidedBy: { select: { name: true } },
          person: { select: { channel: true, unreachableAt: true } },
        },
      });
      if (!n) return notFound(ctx, res, t("detail.not_found_title"));
      const audits = await db.auditLog.findMany({
        where: { subjectType: "nomination", subjectId: n.id },
        orderBy: { id: "asc" },
      });
      renderPage(res, {
        i18n: ctx.i18n,
        title: t("detail.title", { code: n.code }),
        body: nominationPage(ctx, res, n, audits, noticeFrom(ctx, req)),
        reviewer: ctx.who(res),
      });
    }),
  );

  router.post(
    "/n/:code/takeover",
    auth.verifyCsrf,
    route(async (req, res) => {
      const code = String(req.params.code);
      const n = await db.nomination.findUnique({
        where: { code },
        select: {
          id: true,
          status: true,
          claimedById: true,
          claimedAt: true,
          claimedBy: { select: { name: true } },
        },
      });
      if (!n) return notFound(ctx, res);
      const me = ctx.who(res);
      const back = `/admin/n/${code}`;
      if (n.status !== "in_review" || !n.claimedBy || n.claimedById === me.id)
        return redirectWithNotice(res, back, "decision.takeover_stale", { code });
      if (!confirmed(req.body)) {
        return renderConfirm(ctx, res, {
          question: t("confirm.takeover_q", { code, name: n.claimedBy.name }),
          consequence: t("confirm.takeover_c", { name: n.claimedBy.name, time: vnTime(n.claimedAt) }),
          action: `/admin/n/${code}/takeover`,
          confirmLabel: t("confirm.takeover_ok"),
          tone: "",
          cancelHref: back,
        });
      }
      const r = await takeOverNomination(db, { nominationId: n.id, reviewer: me });
      if (!r.ok) return redirectWithNotice(res, back, "decision.takeover_stale", { code });
      const prev = r.previous!;
      ctx.log.info({ code, reviewerId: me.id, previousId: prev.id }, "claim taken over");
      if (prev.channel === "telegram" && prev.externalId) {
        // The panel notice is already written; Telegram is a courtesy that may be switched off.
        await ctx
          .enqueue({
            channel: prev.channel as ChannelName,
            chatId: prev.externalId,
            key: `takeover-${n.id}-${Date.now()}`,
            replies: [{ text: t("notify.takeover", { name: me.name, code }) }],
          })
          .catch((err: unknown) =>
            ctx.log.warn({ code, err: (err as Error).message }, "takeover notice not queued"),
          );
      }
      redirectWithNotice(res, back, "decision.taken_over", { code });
    }),
  );

  router.get(
    "/n/:code/showcase",
    route(async (req, res) => {
      const n = await db.nomination.findUnique({
        where: { code: String(req.params.code) },
        select: SHOWCASE_FIELDS,
      });
      if (!n) return notFound(ctx, res);
      if (n.status !== "approved" || n.erasedAt)
        return redirectWithNotice(res, `/admin/n/${n.code}`, "decision.publish_approved_only");
      renderPage(res, {
        i18n: ctx.i18n,
        title: t("showcase.title", { code: n.code }),
        body: showcasePage(ctx, res, n, n.publicSummary ?? n.achievements, false),
        reviewer: ctx.who(res),
      });
    }),
  );

  router.post(
    "/n/:code/showcase",
    auth.verifyCsrf,
    route(async (req, res) => {
      const n = await db.nomination.findUnique({
        where: { code: String(req.params.code) },
        select: SHOWCASE_FIELDS,
      });
      if (!n) return notFound(ctx, res);
      const back = `/admin/n/${n.code}`;
      const summary =
        typeof (req.body as Record<string, unknown>)?.summary === "string"
          ? String((req.body as Record<string, unknown>).summary)
          : "";
      const me = ctx.who(res);
      if (!confirmed(req.body)) {
        // "Xem trước": the edited text shown as the public will read it, with the publish button.
        return renderPage(res, {
          i18n: ctx.i18n,
          title: t("showcase.title", { code: n.code }),
          body: showcasePage(ctx, res, n, summary, true),
          reviewer: me,
        });
      }
      try {
        const ok = await publishShowcase(db, { nominationId: n.id, code: n.code, summary, reviewer: me });
        redirectWithNotice(res, back, ok ? "decision.published" : "decision.publish_approved_only");
      } catch (err) {
        if (!(err instanceof SummaryError)) throw err;
        renderPage(res, {
          i18n: ctx.i18n,
          title: t("showcase.title", { code: n.code }),
          status: 400,
          body: showcasePage(ctx, res, n, summary, false, t("showcase.summary_invalid")),
          reviewer: me,
        });
      }
    }),
  );

  router.post(
    "/n/:code/unpublish",
    auth.verifyCsrf,
    route(async (req, res) => {
      const code = String(req.params.code);
      const n = await db.nomination.findUnique({ where: { code }, select: { id: true } });
      if (!n) return notFound(ctx, res);
      if (!confirmed(req.body)) {
        return renderConfirm(ctx, res, {
          question: t("confirm.unpublish_q", { code }),
          consequence: t("confirm.unpublish_c"),
          action: `/admin/n/${code}/unpublish`,
          confirmLabel: t("confirm.unpublish_ok"),
          tone: "danger",
          cancelHref: `/admin/n/${code}`,
        });
      }
      const ok = await withdrawShowcase(db, { nominationId: n.id, code, reviewer: ctx.who(res) });
      redirectWithNotice(
        res,
        `/admin/n/${code}`,
        ok ? "decision.unpublished" : "decision.publish_approved_only",
      );
    }),
  );

  router.post(
    "/n/:code/:action",
    auth.verifyCsrf,
    route(async (req, res) => {
      const code = String(req.params.code);
      const action = String(req.params.action);
      const n = await db.nomination.findUnique({ where: { code }, select: { id: true, status: true } });
      if (!n || !(REVIEW_ACTIONS as readonly string[]).includes(action)) return notFound(ctx, res);
      const back = `/admin/n/${code}`;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const note = typeof body.note === "string" ? body.note : undefined;
      const me = ctx.who(res);
      const act = action as ReviewAction;
      if (CONFIRMED.includes(act) && !confirmed(body)) {
        if (act !== "approve" && !note?.trim())
          return redirectWithNotice(res, back, "decision.note_required");
        return renderConfirm(ctx, res, {
          question: t(`confirm.${act}_q`, { code }),
          consequence: t(`confirm.${act}_c`),
          details: act !== "approve" && html`<blockquote class="quote">${note}</blockquote>`,
          action: `/admin/n/${code}/${act}`,
          fields: note ? { note } : {},
          confirmLabel: t(`confirm.${act}_ok`),
          tone: act === "approve" ? "ok" : act === "reject" ? "danger" : "",
          cancelHref: back,
        });
      }
      try {
        const r = await decideNomination(db, {
          nominationId: n.id,
          action: act,
          reviewer: me,
          note,
          respectClaim: true,
        });
        if (r.ok) ctx.pokeOutbox?.();
        ctx.log.info({ code, action, reviewerId: me.id, ok: r.ok }, "panel action");
        if (r.ok) return redirectWithNotice(res, back, "decision.updated", { code, status: r.to });
        if (r.reason === "held") return redirectWithNotice(res, back, "decision.held", { code });
        if (r.reason === "not_found") return redirectWithNotice(res, back, "decision.not_found", { code });
        return redirectWithNotice(res, back, "decision.conflict", { code, status: r.current });
      } catch (err) {
        if (err instanceof NoteRequiredError) return redirectWithNotice(res, back, "decision.note_required");
        throw err;
      }
    }),
  );

  router.get(
    "/n/:code/links/:id",
    route(async (req, res) => {
      const a = await db.attachment.findFirst({
        where: { id: String(req.params.id), nomination: { code: String(req.params.code) } },
        select: { url: true },
      });
      let url: URL | undefined;
      try {
        url = a?.url ? new URL(a.url) : undefined;
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== "https:" && url.protocol !== "http:"))
        return notFound(ctx, res, t("decision.file_not_found"));
      const code = String(req.params.code);
      const body = html`<div class="card confirm"><p class="question">${t("evidence.leaving_q")}</p>
        <p>${t("evidence.leaving_c", { host: url.host })}</p><p class="url">${url.href}</p>
        <div class="confirm-buttons"><a class="btn secondary" href="/admin/n/${code}">${t("confirm.cancel")}</a>
        <a class="btn" href="${url.href}" target="_blank" rel="noopener noreferrer">${t("evidence.open")}</a></div></div>`;
      renderPage(res, { i18n: ctx.i18n, title: t("evidence.leaving_title"), body, reviewer: ctx.who(res) });
    }),
  );

  router.get(
    "/n/:code/files/:id",
    route(async (req, res) => {
      const a = await db.attachment.findFirst({
        where: { id: String(req.params.id), nomination: { code: String(req.params.code) } },
      });
      if (!a?.data) return notFound(ctx, res, t("decision.file_not_found"));
      const image = IMAGE_TYPES.has(a.mime ?? "") && req.query.download !== "1";
      const name = (a.fileName ?? `minh-chung-${a.id.slice(0, 8)}`).replace(/[^\w.\-]+/g, "_");
      res.set("Cache-Control", "private, no-store");
      res.set("Content-Type", image ? a.mime! : "application/octet-stream");
      res.set("Content-Disposition", `${image ? "inline" : "attachment"}; filename="${name}"`);
      res.set("Content-Security-Policy", "default-src 'none'; sandbox");
      res.send(Buffer.from(a.data));
    }),
  );
  return router;
}
