/** Admins carry out deletion requests ("xóa dữ liệu của tôi"); see review/erasure.ts for what goes. */
import express, { type Router } from "express";
import { DeletionRequestError, performDeletion } from "../../review/erasure.js";
import { route, type PanelContext } from "../context.js";
import { renderPage } from "../layout.js";
import { validateParams } from "../params.js";
import { notFound, noticeFrom, redirectWithNotice } from "../responses.js";
import { confirmed, renderConfirm, type ConfirmSpec } from "../views/confirm.js";
import { deletionsPage } from "../views/people.js";
import { html } from "../layout.js";

export function deletionRoutes(ctx: PanelContext): Router {
  const { db, auth } = ctx;
  const router = express.Router();
  validateParams(ctx, router);
  router.use("/deletions", auth.requireAdmin);

  router.get(
    "/deletions",
    route(async (req, res) => {
      const rows = await db.deletionRequest.findMany({
        orderBy: { createdAt: "desc" },
        take: 200,
        include: { person: { select: { _count: { select: { nominations: true } } } } },
      });
      const view = rows.map((d) => ({
        id: d.id,
        createdAt: d.createdAt,
        channel: d.channel,
        status: d.status,
        doneAt: d.doneAt,
        nominations: d.person?._count.nominations ?? 0,
      }));
      renderPage(res, {
        i18n: ctx.i18n,
        title: ctx.text.t("deletions.title"),
        body: deletionsPage(ctx, res, view, noticeFrom(ctx, req)),
        reviewer: ctx.who(res),
      });
    }),
  );

  router.post(
    "/deletions/:id/erase",
    auth.verifyCsrf,
    route(async (req, res) => {
      const id = String(req.params.id);
      if (!confirmed(req.body)) {
        const request = await db.deletionRequest.findUnique({
          where: { id },
          select: { status: true, channel: true, personId: true },
        });
        if (!request) return notFound(ctx, res);
        if (request.status !== "requested")
          return redirectWithNotice(res, "/admin/deletions", "deletions.not_pending");
        return renderConfirm(ctx, res, await erasureConfirmation(ctx, id, request));
      }
      try {
        const r = await performDeletion(
          {
            db,
            i18n: ctx.i18n,
            enqueue: ctx.enqueue,
            forgetChat: ctx.forgetChat,
            pokeOutbox: ctx.pokeOutbox,
            onWarning: (msg, fields) => ctx.log.warn(fields, msg),
          },
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

/** The erasure's confirmation: exactly what will go, counted from the rows that hold it. */
async function erasureConfirmation(
  ctx: PanelContext,
  id: string,
  request: { channel: string; personId: string | null },
): Promise<ConfirmSpec> {
  const { t } = ctx.text;
  const { db } = ctx;
  const personId = request.personId;
  const [nominations, undecided, files, selfReports, questions, notes] = personId
    ? await Promise.all([
        db.nomination.count({ where: { personId } }),
        db.nomination.count({ where: { personId, status: { not: "approved" } } }),
        db.attachment.count({ where: { nomination: { personId } } }),
        db.selfReport.count({ where: { personId } }),
        db.forwardedQuestion.count({ where: { personId } }),
        db.nomination.findMany({ where: { personId }, select: { id: true } }).then((ns) =>
          ns.length
            ? db.auditLog.count({
                where: {
                  subjectType: "nomination",
                  subjectId: { in: ns.map((n) => n.id) },
                  note: { not: null },
                  redactedAt: null,
                },
              })
            : 0,
        ),
      ])
    : [0, 0, 0, 0, 0, 0];
  const n = ctx.num;
  const items = [
    t("confirm.erase_nominations", { count: n(nominations) }),
    t("confirm.erase_files", { count: n(files) }),
    t("confirm.erase_undecided", { count: n(undecided) }),
    t("confirm.erase_self_reports", { count: n(selfReports) }),
    t("confirm.erase_questions", { count: n(questions) }),
    t("confirm.erase_notes", { count: n(notes) }),
    t("confirm.erase_account", {
      channel:
        request.channel === "telegram"
          ? "Telegram"
          : request.channel === "zalo"
            ? "Zalo"
            : t("deletions.webchat"),
    }),
  ];
  return {
    question: t("confirm.erase_q"),
    consequence: t("confirm.erase_c"),
    details: html`<ul class="erase-list">${items.map((i) => html`<li>${i}</li>`)}</ul><p class="muted">${t("confirm.erase_kept")}</p>`,
    action: `/admin/deletions/${id}/erase`,
    confirmLabel: t("confirm.erase_ok"),
    tone: "danger",
    cancelHref: "/admin/deletions",
  };
}
