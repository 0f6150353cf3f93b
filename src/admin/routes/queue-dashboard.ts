/**
 * BullMQ's dashboard at /admin/queues, for admins watching the system: read-only (no adding,
 * retrying, promoting or cleaning jobs — an added inbound job could act as any reviewer, an added
 * outbound one could message any chat), only GET/HEAD reach it at all, and job payloads and return
 * values are replaced by a summary without personal data (they carry message text and phone
 * numbers). QUEUE_DASHBOARD_ENABLED=false leaves it out entirely.
 *
 * bull-board is imported on an admin's first visit, not at start-up: the dashboard is opened now and
 * then, while its modules cost the HTTP process ~10 MB of memory from the moment it starts.
 */
import express, { type RequestHandler, type Router } from "express";
import type { Queue } from "bullmq";
import type { PanelContext } from "../context.js";

/** What the dashboard shows of a job's data: its channel and kind, never its content. */
export function summarizeJobData(data: unknown): Record<string, unknown> {
  const d = (data && typeof data === "object" ? data : {}) as Record<string, unknown>;
  const summary: Record<string, unknown> = { content: "ẩn (có thể chứa dữ liệu cá nhân)" };
  if (typeof d.channel === "string") summary.channel = d.channel;
  if (Array.isArray(d.replies)) summary.replies = d.replies.length;
  if (typeof d.text === "string") summary.textLength = d.text.length;
  if (d.media) summary.media = true;
  if (d.choice) summary.choice = true;
  return summary;
}

/** Builds bull-board's router for `queues` (imported here, on first use). */
async function boardRouter(ctx: PanelContext, queues: Queue[]): Promise<Router> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import("@bull-board/api"),
    import("@bull-board/api/bullMQAdapter"),
    import("@bull-board/express"),
  ]);
  const board = new ExpressAdapter();
  board.setBasePath("/admin/queues");
  const adapters = queues.map((q) => {
    const a = new BullMQAdapter(q, { readOnlyMode: true, allowRetries: false });
    a.setFormatter("data", summarizeJobData);
    a.setFormatter("returnValue", () => null);
    return a;
  });
  // The dashboard itself is bull-board's (in English); its title and a link lead back to the panel.
  createBullBoard({
    queues: adapters,
    serverAdapter: board as never, // @bull-board/express pins its own copy of the api types
    options: {
      uiConfig: {
        boardTitle: ctx.text.t("system_queues.title"),
        miscLinks: [{ text: ctx.text.t("system_queues.back"), url: "/admin" }],
      },
    },
  });
  return board.getRouter() as Router;
}

export function queueDashboardRoutes(ctx: PanelContext, queues: Queue[]): Router {
  const router = express.Router();
  let board: Promise<Router> | undefined;
  const dashboard: RequestHandler = (req, res, next) => {
    board ??= boardRouter(ctx, queues);
    board.then(
      (r) => r(req, res, next),
      (err: unknown) => {
        board = undefined; // a failed import is tried again on the next visit
        next(err);
      },
    );
  };
  router.use(
    "/queues",
    ctx.auth.requireAdmin,
    (req, res, next) =>
      req.method === "GET" || req.method === "HEAD"
        ? next()
        : void res.status(405).set("Allow", "GET, HEAD").type("text/plain").send("read-only"),
    dashboard,
  );
  return router;
}
