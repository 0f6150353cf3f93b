/**
 * `POST /webhooks/telegram`: verify, validate, deduplicate, enqueue, answer — in milliseconds, with
 * no database query and no call to Telegram. The slow work happens in the inbound workers, so
 * Telegram never times out and redelivers, and a burst never holds its 40 connections.
 *
 * Answers: 200 accepted (or a duplicate, or an update we ignore); 401 wrong or missing secret;
 * 415 not JSON; 400 malformed; 413 too large; 503 Redis unreachable (Telegram retries later).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from "express";
import type { Logger } from "pino";
import type { InboundQueue } from "../../queue/inbound.js";
import { telegramUpdateSchema, toInboundMessage } from "./update.js";

export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/** Telegram's updates are small; a photo arrives as a file id, not as bytes. */
const BODY_LIMIT = "256kb";

export interface TelegramWebhookDeps {
  secret: string;
  inbound: Pick<InboundQueue, "accept">;
  logger: Logger;
  reviewChatId?: string;
}

/**
 * @example router.use("/webhooks/telegram", createTelegramWebhook({ secret, inbound, logger }))
 */
export function createTelegramWebhook(deps: TelegramWebhookDeps): Router {
  const log = deps.logger.child({ channel: "telegram", route: "webhook" });
  const router = express.Router();

  const checkSecret: RequestHandler = (req, res, next) => {
    if (!secretMatches(req.get(SECRET_HEADER), deps.secret)) {
      log.warn({ requestId: res.locals.requestId }, "webhook call with a wrong or missing secret rejected");
      res.status(401).json({ error: "unauthorized" });
      return;
    }
    if (!req.is("application/json")) {
      res.status(415).json({ error: "unsupported_media_type" });
      return;
    }
    next();
  };

  router.post("/", checkSecret, express.json({ limit: BODY_LIMIT, type: "application/json" }), async (req, res) => {
    const parsed = telegramUpdateSchema.safeParse(req.body);
    if (!parsed.success) {
      log.warn({ requestId: res.locals.requestId, issues: parsed.error.issues.length }, "malformed Telegram update rejected");
      res.status(400).json({ error: "bad_request" });
      return;
    }
    const decision = toInboundMessage(parsed.data, { reviewChatId: deps.reviewChatId });
    if (decision.kind === "ignore") {
      log.debug({ updateId: parsed.data.update_id, reason: decision.reason }, "update ignored");
      res.status(200).end();
      return;
    }
    try {
      const result = await deps.inbound.accept(decision.message);
      log.debug({ updateId: parsed.data.update_id, result }, "update accepted");
      res.status(200).end();
    } catch (err) {
      log.warn({ updateId: parsed.data.update_id, err: (err as Error).message }, "could not enqueue the update; Telegram will retry");
      res.status(503).json({ error: "unavailable" });
    }
  });

  // Body-parser failures (malformed JSON, too large) answered here, so they never reach the app's logs as errors.
  const onError: ErrorRequestHandler = (err: { status?: number }, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = err.status === 413 ? 413 : typeof err.status === "number" && err.status >= 400 && err.status < 500 ? 400 : 500;
    res.status(status).json({ error: status === 413 ? "too_large" : status === 400 ? "bad_request" : "internal" });
  };
  router.use(onError);
  return router;
}

/**
 * Constant-time comparison. Both sides are hashed first, so the buffers have equal length and the
 * time taken reveals neither the secret's length nor how much of it matched.
 */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
