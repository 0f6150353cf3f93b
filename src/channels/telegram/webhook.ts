/**
 * `POST /webhooks/telegram`: verify, validate, deduplicate, enqueue, answer — in milliseconds, with
 * no database query and no call to Telegram. The slow work happens in the inbound workers, so
 * Telegram never times out and redelivers, and a burst never holds its 40 connections.
 *
 * Answers: 200 accepted (or a duplicate, or an update we ignore, or one we cannot read — logged
 * with its field names); 401 wrong or missing secret; 415 not JSON; 413 far too large; 503 Redis unreachable
 * (Telegram retries later).
 */
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from "express";
import { secretMatcher } from "../webhook-secret.js";
import type { Logger } from "pino";
import type { InboundQueue } from "../../queue/inbound.js";
import type { BotIdentitySource } from "./identity.js";
import { isGroupUpdate, telegramUpdateSchema, toInboundMessage } from "./update.js";

export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/** Telegram's updates are small; a photo arrives as a file id, not as bytes. */
const BODY_LIMIT = "256kb";

export interface TelegramWebhookDeps {
  secret: string;
  inbound: Pick<InboundQueue, "accept">;
  logger: Logger;
  reviewChatId?: string;
  identity?: BotIdentitySource;
}

/**
 * @example router.use("/webhooks/telegram", createTelegramWebhook({ secret, inbound, logger }))
 */
export function createTelegramWebhook(deps: TelegramWebhookDeps): Router {
  const log = deps.logger.child({ channel: "telegram", route: "webhook" });
  const router = express.Router();
  const matchesSecret = secretMatcher(deps.secret);

  const checkSecret: RequestHandler = (req, res, next) => {
    if (!matchesSecret(req.get(SECRET_HEADER))) {
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

  router.post(
    "/",
    checkSecret,
    express.json({ limit: BODY_LIMIT, type: "application/json" }),
    async (req, res) => {
      const parsed = telegramUpdateSchema.safeParse(req.body);
      if (!parsed.success) {
        // It came with our secret, so it is Telegram: a 4xx would only make it deliver the same update again.
        log.warn(
          {
            requestId: res.locals.requestId,
            issues: parsed.error.issues.map((i) => i.path.join(".")).slice(0, 5),
            keys: updateKeys(req.body),
          },
          "unreadable Telegram update acknowledged",
        );
        res.status(200).end();
        return;
      }
      // Only a group message needs to know the bot's username (is it addressed to us?).
      const bot = isGroupUpdate(parsed.data) ? await deps.identity?.get() : undefined;
      const decision = toInboundMessage(parsed.data, { reviewChatId: deps.reviewChatId, bot });
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
        log.warn(
          { updateId: parsed.data.update_id, err: (err as Error).message },
          "could not enqueue the update; Telegram will retry",
        );
        res.status(503).json({ error: "unavailable" });
      }
    },
  );

  // Body-parser failures (malformed JSON, too large) after the secret matched: logged and
  // acknowledged, since Telegram would redeliver the same bytes forever.
  const onError: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, next) => {
    if (res.headersSent) return next(err);
    // Far above any real update (text is at most 4096 characters): a size limit, not an update to acknowledge.
    if (err.status === 413) {
      res.status(413).json({ error: "too_large" });
      return;
    }
    if (typeof err.status === "number" && err.status >= 400 && err.status < 500) {
      log.warn(
        { requestId: res.locals.requestId, problem: err.type ?? "unreadable body", status: err.status },
        "unreadable Telegram delivery acknowledged",
      );
      res.status(200).end();
      return;
    }
    res.status(500).json({ error: "internal" });
  };
  router.use(onError);
  return router;
}

/** The field names of an update, two levels deep ("update_id,message{chat,from,story}"): no values, so no personal data. */
export function updateKeys(raw: unknown): string {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return typeof raw;
  return Object.keys(raw)
    .slice(0, 20)
    .map((k) => {
      const inner = (raw as Record<string, unknown>)[k];
      const sub =
        inner && typeof inner === "object" && !Array.isArray(inner)
          ? `{${Object.keys(inner).slice(0, 20).join(",")}}`
          : "";
      return `${k}${sub}`.replace(/[^A-Za-z0-9_{},]/g, "?");
    })
    .join(",")
    .slice(0, 500);
}
