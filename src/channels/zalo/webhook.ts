/**
 * `POST /webhooks/zalo`: checks the shared secret, reads the event, and hands it to the inbound
 * queue — no database work and no calls to Zalo in the request, so Zalo (which is reported to
 * give up after about 2 s) gets its answer in milliseconds. Redis down → 503, so Zalo retries.
 */
import express, { type ErrorRequestHandler, type Router } from "express";
import { secretMatcher } from "../webhook-secret.js";
import type { Logger } from "pino";
import type { InboundQueue } from "../../queue/inbound.js";
import { zaloEventToInbound, type ZaloEventOutcome } from "./event.js";

export const ZALO_SECRET_HEADER = "x-bot-api-secret-token";

export interface ZaloWebhookDeps {
  /** The `secret_token` given to setWebhook. */
  secret: string;
  inbound: Pick<InboundQueue, "accept">;
  logger: Logger;
}

/** @example routers.push({ path: "/webhooks/zalo", router: createZaloWebhook({ secret, inbound, logger }) }) */
export function createZaloWebhook(deps: ZaloWebhookDeps): Router {
  const router = express.Router();
  const log = deps.logger.child({ channel: "zalo" });
  const matchesSecret = secretMatcher(deps.secret);
  router.post(
    "/",
    (req, res, next) => {
      // Checked before the body is even parsed: a stranger costs us a hash, nothing more.
      if (!matchesSecret(req.get(ZALO_SECRET_HEADER))) {
        res.status(401).json({ ok: false, error: "unauthorized" });
        return;
      }
      next();
    },
    // Any content type: Zalo sends JSON, and an empty probe may come without a Content-Type.
    express.json({ limit: "256kb", type: () => true }),
    async (req, res) => {
      const outcome = zaloEventToInbound(req.body);
      if (outcome.kind !== "message" || outcome.keys) logOutcome(log, outcome);
      if (outcome.kind !== "message") {
        // Authenticated, so it is Zalo: a 4xx would only invite a redelivery of the same shape.
        res.status(200).json({ ok: true });
        return;
      }
      try {
        const result = await deps.inbound.accept(outcome.message);
        res.status(200).json({ ok: true, status: result });
      } catch (err) {
        log.error(
          { messageId: outcome.message.messageId, err: (err as Error).message },
          "could not enqueue a Zalo event; Zalo will retry",
        );
        res.status(503).json({ ok: false, error: "unavailable" });
      }
    },
  );
  // A body that is not JSON from a caller that knew the secret: logged and acknowledged (a body far
  // above any real event, ~400 bytes, is refused as too large).
  const onError: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err.status === 413) {
      res.status(413).json({ ok: false, error: "too_large" });
      return;
    }
    log.warn(
      { problem: err.type ?? "unreadable body", status: err.status },
      "unreadable Zalo delivery acknowledged",
    );
    res.status(200).json({ ok: true });
  };
  router.use(onError);
  return router;
}

/**
 * Shapes we could not (fully) read are logged with their field names only, so a new payload shape
 * shows up in the logs without anyone's message in them.
 */
export function logOutcome(log: Logger, outcome: ZaloEventOutcome): void {
  if (outcome.kind === "invalid")
    log.warn({ problem: outcome.problem, keys: outcome.keys }, "unreadable Zalo event acknowledged");
  else if (outcome.kind === "message" && outcome.keys)
    log.warn(
      { chatId: outcome.message.chatId, keys: outcome.keys },
      "Zalo message in an unknown shape; the person is asked to type",
    );
  else if (outcome.kind === "ignored" && outcome.keys)
    log.info({ reason: outcome.reason, keys: outcome.keys }, "Zalo event ignored");
}
