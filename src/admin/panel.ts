/**
 * The web admin panel at /admin, assembled from its routes (admin/routes/*, pages in
 * admin/views/*): the review queue with filters and counts, a nomination's detail with evidence
 * and actions, the audit log, exports, and (for admins) reviewers, deletion requests and BullMQ's
 * read-only dashboard. Server-rendered, no scripts; every route below `/login` requires a
 * signed-in reviewer, every POST a valid CSRF token, and every state change goes through
 * performAction (review/audit.ts).
 */
import express, { type Router } from "express";
import { panelContext, type AdminPanelDeps } from "./context.js";
import { auditRoutes } from "./routes/audit.js";
import { deletionRoutes } from "./routes/deletions.js";
import { exportRoutes } from "./routes/exports.js";
import { nominationRoutes } from "./routes/nominations.js";
import { queueDashboardRoutes } from "./routes/queue-dashboard.js";
import { queueRoutes } from "./routes/queue.js";
import { reviewerRoutes } from "./routes/reviewers.js";
import { signInRoutes, signOutRoutes } from "./routes/sign-in.js";

export type { AdminPanelDeps } from "./context.js";

/** @example extraRouters.push({ path: "/admin", router: createAdminPanel({ db, auth, i18n, config, enqueue, queues, logger }) }) */
export function createAdminPanel(deps: AdminPanelDeps): Router {
  const ctx = panelContext(deps);
  const router = express.Router();
  if (!deps.config.publicUrl) {
    // Sign-in links sent by the bot would point at localhost and open nowhere on a phone.
    deps.logger.warn(
      { concern: "admin" },
      "PUBLIC_URL is not set: sign-in links point at localhost; set PUBLIC_URL to the panel's public address",
    );
    const warning = deps.i18n.t("vi", "admin.warning.public_url");
    router.use((_req, res, next) => {
      res.locals.banners = [
        ...(Array.isArray(res.locals.banners) ? (res.locals.banners as unknown[]) : []),
        warning,
      ];
      next();
    });
  }
  // The layout links the system-queue dashboard only where it is mounted: a link to a page that is
  // switched off would answer 404 to the admin who follows it.
  router.use((_req, res, next) => {
    res.locals.queueDashboard = deps.config.queueDashboard !== false;
    next();
  });
  // The only routes open without a session.
  router.use(signInRoutes(ctx));
  router.use(deps.auth.requireReviewer);
  router.use(signOutRoutes(ctx));
  if (deps.config.queueDashboard !== false) router.use(queueDashboardRoutes(ctx, deps.queues));
  router.use(queueRoutes(ctx));
  router.use(nominationRoutes(ctx));
  router.use(auditRoutes(ctx));
  router.use(exportRoutes(ctx));
  router.use(reviewerRoutes(ctx));
  router.use(deletionRoutes(ctx));
  return router;
}
