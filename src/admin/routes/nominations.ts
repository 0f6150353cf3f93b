/** One nomination: its page, the reviewers' actions on it, showcasing it, and its evidence files. */
import express, { type Router } from "express";
import { performAction } from "../../review/audit.js";
import { decideNomination, NoteRequiredError, REVIEW_ACTIONS, type ReviewAction } from "../../review/decisions.js";
import { route, type PanelContext } from "../context.js";
import { renderPage } from "../layout.js";
import { validateParams } from "../params.js";
import { notFound, noticeFrom, redirectWithNotice } from "../responses.js";
import { IMAGE_TYPES, nominationPage } from "../views/nomination.js";

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
        include: { attachments: { select: { id: true, kind: true, mime: true, fileName: true, size: true, url: true } }, claimedBy: { select: { name: true } }, decidedBy: { select: { name: true } }, person: { select: { channel: true, unreachableAt: true } } },
      });
      if (!n) return notFound(ctx, res, t("detail.not_found_title"));
      const audits = await db.auditLog.findMany({ where: { subjectType: "nomination", subjectId: n.id }, orderBy: { id: "asc" } });
      renderPage(res, { i18n: ctx.i18n, title: t("detail.title", { code: n.code }), body: nominationPage(ctx, res, n, audits, noticeFrom(ctx, req)), reviewer: ctx.who(res) });
    }),
  );

  router.post(
    "/n/:code/:action",
    auth.verifyCsrf,
    route(async (req, res) => {
      const code = String(req.params.code);
      const action = String(req.params.action);
      const n = await db.nomination.findUnique({ where: { code }, select: { id: true, status: true } });
      if (!n || (action !== "publishable" && !(REVIEW_ACTIONS as readonly string[]).includes(action))) return notFound(ctx, res);
      const back = `/admin/n/${code}`;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const me = ctx.who(res);
      if (action === "publishable") {
        const value = body.value === "1";
        const { value: changed } = await performAction(db, { reviewerId: me.id, label: me.name }, { type: "nomination", id: n.id, code }, value ? "publish" : "unpublish", async (tx) => {
          const updated = await tx.nomination.updateMany({ where: { id: n.id, status: "approved" }, data: { publishable: value } });
          return { value: updated.count > 0, audit: updated.count ? { fromStatus: "approved", toStatus: "approved" } : false };
        });
        return redirectWithNotice(res, back, changed ? (value ? "decision.published" : "decision.unpublished") : "decision.publish_approved_only");
      }
      try {
        const r = await decideNomination(db, { nominationId: n.id, action: action as ReviewAction, reviewer: me, note: typeof body.note === "string" ? body.note : undefined });
        if (r.ok) ctx.pokeOutbox?.();
        ctx.log.info({ code, action, reviewerId: me.id, ok: r.ok }, "panel action");
        if (r.ok) return redirectWithNotice(res, back, "decision.updated", { code, status: r.to });
        if (r.reason === "not_found") return redirectWithNotice(res, back, "decision.not_found", { code });
        return redirectWithNotice(res, back, "decision.conflict", { code, status: r.current });
      } catch (err) {
        if (err instanceof NoteRequiredError) return redirectWithNotice(res, back, "decision.note_required");
        throw err;
      }
    }),
  );

  router.get(
    "/n/:code/files/:id",
    route(async (req, res) => {
      const a = await db.attachment.findFirst({ where: { id: String(req.params.id), nomination: { code: String(req.params.code) } } });
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
