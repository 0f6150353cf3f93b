/**
 * `POST /webhooks/zalo-oa`: verifies `X-ZEvent-Signature` on the raw bytes, reads the event and
 * hands it to the inbound queue — no database work and no calls to Zalo in the request, because
 * Zalo wants its 200 within 2 s (it retries after 30 s, 5 min, … and deduplication on `msg_id`
 * absorbs those retries). Bad signature → 401 and nothing enqueued; Redis down → 503, Zalo retries.
 */
import express, { type Router } from "express";
import type { Logger } from "pino";
import type { InboundQueue } from "../../queue/inbound.js";
import { oaEventToInbound } from "./event.js";
import { SIGNATURE_HEADER, verifySignature, type MacCandidate } from "./signature.js";

/** Answer well inside Zalo's 2 s even if Redis is slow: past this, 503 and let Zalo retry. */
const ACCEPT_BUDGET_MS = 1_500;

/** A follow or unfollow, for subscriptions (issue 19) once they exist. */
export interface FollowEvent {
  userId: string;
  followed: boolean;
  at: number;
  source?: string;
}

export interface OaWebhookDeps {
  appId: string;
  candidates: MacCandidate[];
  inbound: Pick<InboundQueue, "accept">;
  /** Records the user's interaction (opens Zalo's reply windows). Failures are logged, not fatal. */
  recordInteraction(userId: string, at: number): Promise<void>;
  /**
   * The hook for subscriptions: called once per follow/unfollow delivery (deduplicated by the
   * event's key). Until subscriptions exist (issue 19) the default only logs.
   */
  onFollow?(event: FollowEvent): Promise<void>;
  /** Returns true the first time `key` is seen (follow/unfollow have no msg_id). */
  firstTime(key: string): Promise<boolean>;
  logger: Logger;
}

/** @example routers.push({ path: "/webhooks/zalo-oa", router: createOaWebhook({ appId, candidates, inbound, … }) }) */
export function createOaWebhook(deps: OaWebhookDeps): Router {
  const router = express.Router();
  const log = deps.logger.child({ channel: "zalo_oa" });
  const seenMatches = new Set<string>();

  router.post("/", express.raw({ type: () => true, limit: "256kb" }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString("utf8"));
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      body = parsed as Record<string, unknown>;
    } catch {
      // Unsigned garbage is a stranger: 401 like any other unsigned delivery.
      res.status(401).json({ error: "unauthorized" });
      return;
    }
    const matched = verifySignature(req.get(SIGNATURE_HEADER), raw, body, deps.candidates);
    if (!matched) {
      log.warn(
        { event: typeof body.event_name === "string" ? body.event_name.slice(0, 64) : undefined },
        "Zalo OA webhook with a bad or missing signature refused",
      );
      res.status(401).json({ error: "unauthorized" });
      return;
    }
    if (!seenMatches.has(matched.name)) {
      seenMatches.add(matched.name);
      // Settles the facts sheet's open question (which key, which first term) on the first real event.
      log.info({ signature: matched.name }, "Zalo OA webhook signature verified");
    }
    if (body.app_id !== undefined && String(body.app_id) !== deps.appId)
      log.warn({ appId: String(body.app_id).slice(0, 40) }, "Zalo OA event for another app id");

    const outcome = oaEventToInbound(body);
    try {
      await withinBudget(handle(outcome));
      res.status(200).json({ error: 0 });
    } catch (err) {
      log.error({ err: (err as Error).message }, "could not take a Zalo OA event; Zalo will retry");
      res.status(503).json({ error: "unavailable" });
    }
  });

  async function handle(outcome: ReturnType<typeof oaEventToInbound>): Promise<void> {
    switch (outcome.kind) {
      case "invalid":
        log.warn({ problem: outcome.problem }, "Zalo OA event rejected by validation; acknowledged");
        return;
      case "ignored":
        if (outcome.reason === "unknown_event")
          log.info({ event: outcome.event.slice(0, 64) }, "unknown Zalo OA event acknowledged");
        return;
      case "subscription": {
        await deps
          .recordInteraction(outcome.userId, outcome.at)
          .catch((err: unknown) => log.warn({ err: String(err) }, "could not record a Zalo OA interaction"));
        if (!(await deps.firstTime(outcome.key))) return;
        const event: FollowEvent = {
          userId: outcome.userId,
          followed: outcome.followed,
          at: outcome.at,
          ...(outcome.source ? { source: outcome.source } : {}),
        };
        if (deps.onFollow) await deps.onFollow(event);
        else log.info({ followed: event.followed }, "Zalo OA follow event (subscriptions not built yet)");
        // A new follower is greeted like someone who said hello: the greeting says they are talking
        // to an automated assistant and shows the menu (following opens Zalo's reply window).
        if (event.followed)
          await deps.inbound.accept({
            channel: "zalo_oa",
            chatId: event.userId.slice(0, 128),
            userId: event.userId.slice(0, 128),
            messageId: outcome.key.slice(0, 200),
            at: event.at,
            text: "/start",
          });
        return;
      }
      case "message": {
        const m = outcome.message;
        if (!m.platform?.anonymous)
          await deps
            .recordInteraction(m.userId, m.at)
            .catch((err: unknown) =>
              log.warn({ err: String(err) }, "could not record a Zalo OA interaction"),
            );
        await deps.inbound.accept(m);
        return;
      }
    }
  }

  return router;
}

function withinBudget<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(() => reject(new Error("took longer than the webhook budget")), ACCEPT_BUDGET_MS)),
  );
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
