/**
 * Admins manage reviewers: add, remove, and send one a sign-in link — to that reviewer's own chat,
 * never shown on the admin's screen, so an admin cannot sign in as someone else.
 */
import express, { type Router } from "express";
import { NoReviewerChatError, panelBaseUrl, sendLoginLink } from "../../review/login-links.js";
import { addReviewer, removeReviewer, ReviewerError } from "../../review/reviewers.js";
import { route, type PanelContext } from "../context.js";
import { renderPage } from "../layout.js";
import { validateParams } from "../params.js";
import { notFound, noticeFrom, redirectWithNotice } from "../responses.js";
import { confirmed, renderConfirm } from "../views/confirm.js";
import { reviewersPage } from "../views/people.js";
import { listReviewers } from "../../review/reviewers.js";
import type { ChannelName } from "../../channels/types.js";

export function reviewerRoutes(ctx: PanelContext): Router {
  const { db, auth } = ctx;
  const router = express.Router();
  validateParams(ctx, router);
  router.use("/reviewers", auth.requireAdmin);
  const actor = (res: express.Response) => ({ reviewerId: ctx.who(res).id, label: ctx.who(res).name });
  const back = "/admin/reviewers";
  const failure = (err: ReviewerError) =>
    err.reason === "bad_name" || err.reason === "channel_pair"
      ? "reviewers.bad_name"
      : err.reason === "identity_taken"
        ? "reviewers.identity_taken"
        : err.reason === "self"
          ? "reviewers.self"
          : err.reason === "last_admin"
            ? "reviewers.last_admin"
            : "reviewers.not_found";

  router.get(
    "/reviewers",
    route(async (req, res) => {
      renderPage(res, {
        i18n: ctx.i18n,
        title: ctx.text.t("reviewers.title"),
        body: reviewersPage(ctx, res, await listReviewers(db), noticeFrom(ctx, req)),
        reviewer: ctx.who(res),
      });
    }),
  );

  router.post(
    "/reviewers",
    auth.verifyCsrf,
    route(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const telegramId = typeof b.telegramId === "string" ? b.telegramId.trim() : "";
      // Refused with a message rather than silently dropped: a mistyped ID would leave the reviewer without cards.
      if (telegramId && !/^-?\d{1,20}$/.test(telegramId))
        return redirectWithNotice(res, back, "reviewers.bad_telegram_id");
      try {
        await addReviewer(
          db,
          {
            name: typeof b.name === "string" ? b.name : "",
            role: b.role === "admin" ? "admin" : "reviewer",
            ...(telegramId && /^-?\d{1,20}$/.test(telegramId)
              ? { channel: "telegram" as const, externalId: telegramId }
              : {}),
          },
          actor(res),
        );
        redirectWithNotice(res, back, "reviewers.added");
      } catch (err) {
        if (!(err instanceof ReviewerError)) throw err;
        redirectWithNotice(res, back, failure(err));
      }
    }),
  );

  router.post(
    "/reviewers/:id/remove",
    auth.verifyCsrf,
    route(async (req, res) => {
      const id = String(req.params.id);
      const r = await db.reviewer.findUnique({ where: { id }, select: { name: true } });
      if (!r) return notFound(ctx, res);
      // Refused before asking: there is nothing to confirm.
      if (id === ctx.who(res).id) return redirectWithNotice(res, back, "reviewers.self");
      if (!confirmed(req.body)) {
        const { t } = ctx.text;
        return renderConfirm(ctx, res, {
          question: t("confirm.remove_q", { name: r.name }),
          consequence: t("confirm.remove_c", { name: r.name }),
          action: `/admin/reviewers/${id}/remove`,
          confirmLabel: t("confirm.remove_ok"),
          tone: "danger",
          cancelHref: back,
        });
      }
      try {
        await removeReviewer(db, r.name, actor(res));
      } catch (err) {
        if (!(err instanceof ReviewerError)) throw err;
        return redirectWithNotice(res, back, failure(err));
      }
      redirectWithNotice(res, back, "reviewers.removed");
    }),
  );

  router.post(
    "/reviewers/:id/send-link",
    auth.verifyCsrf,
    route(async (req, res) => {
      const r = await db.reviewer.findFirst({
        where: { id: String(req.params.id), active: true },
        select: { id: true, channel: true, externalId: true },
      });
      if (!r) return notFound(ctx, res);
      try {
        await sendLoginLink(
          { db, i18n: ctx.i18n, enqueue: ctx.enqueue, baseUrl: panelBaseUrl(ctx.config) },
          { id: r.id, channel: r.channel as ChannelName | null, externalId: r.externalId },
          actor(res),
        );
        ctx.log.info(
          { reviewerId: r.id, adminId: ctx.who(res).id },
          "sign-in link sent to the reviewer's chat",
        );
        redirectWithNotice(res, back, "reviewers.link_sent");
      } catch (err) {
        if (!(err instanceof NoReviewerChatError)) throw err;
        redirectWithNotice(res, back, "reviewers.link_no_chat");
      }
    }),
  );
  return router;
}
