/** Admins carry out deletion requests ("xóa dữ liệu của tôi"); see review/erasure.ts for what goes. */
import express, { type Router } from "express";
import { DeletionRequestError, performDeletion } from "../../review/erasure.js";
import { route, type PanelContext } from "../context.js";
import { renderPage } from "../layout.js";
import { validateParams } from "../params.js";
import { noticeFrom, redirectWithNotice } from "../responses.js";
import { deletionsPage } from "../views/people.js";

export function deletionRoutes(ctx: PanelContext): Router {
  const { db, auth } = ctx;
  const router = express.Router();
  validateParams(ctx, router);
  router.use("/deletions", auth.requireAdmin);

  router.get(
    "/deletions",
    route(async (req, res) => {
      const rows = await db.deletionRequest.findMany({ orderBy: { createdAt: "desc" }, take: 200, include: { person: { select: { _count: { select: { nominations: true } } } } } });
      const view = rows.map((d) => ({ id: d.id, createdAt: d.createdAt, channel: d.channel, status: d.status, doneAt: d.doneAt, nominations: d.person?._count.nominations ?? 0 }));
      renderPage(res, { i18n: ctx.i18n, title: ctx.text.t("deletions.title"), body: deletionsPage(ctx, res, view, noticeFrom(ctx, req)), reviewer: ctx.who(res) });
    }),
  );

  router.post(
    "/deletions/:id/erase",
    auth.verifyCsrf,
    route(async (req, res) => {
      const id = String(req.params.id);
      try {
        const r = await performDeletion(
          { db, i18n: ctx.i18n, enqueue: ctx.enqueue, forgetChat: ctx.forgetChat, pokeOutbox: ctx.pokeOutbox, onWarning: (msg, fields) => ctx.log.warn(fields, msg) },
          id,
          ctx.who(res),
        );
        ctx.log.info({ requestId: id, adminId: ctx.who(res).id, ...r }, "personal data erased");
        redirectWithNotice(res, "/admin/deletions", "deletions.erased");
      } catch (err) {
        if (!(err instanceof DeletionRequestError)) throw err;
        redirectWithNotice(res, "/admin/deletions", "deletions.not_pending");
      }
    }),
  );
  return router;
}
