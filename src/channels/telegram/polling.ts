/**
 * Long polling for development (TELEGRAM_MODE=polling): no public URL needed. Updates go through
 * the same validation and `inbound.accept` as the webhook; the offset only moves past an update
 * once it is enqueued, so a Redis outage delays updates instead of losing them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { updateKeys } from "./webhook.js";
import type { Api } from "grammy";
import type { Logger } from "pino";
import type { InboundQueue } from "../../queue/inbound.js";
import { ALLOWED_UPDATES } from "./commands.js";
import type { BotIdentitySource } from "./identity.js";
import { isGroupUpdate, telegramUpdateSchema, toInboundMessage } from "./update.js";

/** Seconds Telegram holds a getUpdates request open when there is nothing to deliver. */
const LONG_POLL_SECONDS = 25;

/** grammY types its signal parameter with the abort-controller shim; the platform's AbortSignal is what it gets at run time. */
type GrammySignal = Parameters<Api["getUpdates"]>[1];

export interface TelegramPollingDeps {
  api: Api;
  inbound: Pick<InboundQueue, "accept">;
  logger: Logger;
  reviewChatId?: string;
  /** Who the bot is (to tell which group messages address it). */
  identity?: BotIdentitySource;
  /** Run once the webhook is deleted (publishes the command menu); a failure is logged, not fatal. */
  onConnected?: () => Promise<void>;
}

/**
 * @example const polling = createTelegramPolling({ api, inbound, logger }); await polling.start(); ... await polling.stop()
 */
export function createTelegramPolling(deps: TelegramPollingDeps): {
  start(): Promise<void>;
  stop(): Promise<void>;
} {
  const log = deps.logger.child({ channel: "telegram", mode: "polling" });
  const controller = new AbortController();
  let loop: Promise<void> | undefined;

  async function run(): Promise<void> {
    let offset: number | undefined;
    let failures = 0;
    let webhookDeleted = false;
    while (!controller.signal.aborted) {
      try {
        // Telegram refuses getUpdates while a webhook is set. Done here, not in start(), so an
        // unreachable Telegram delays polling instead of stopping the system from starting.
        if (!webhookDeleted) {
          await deps.api.deleteWebhook({ drop_pending_updates: false }, controller.signal as GrammySignal);
          webhookDeleted = true;
          await deps
            .onConnected?.()
            .catch((err: unknown) =>
              log.warn({ err: (err as Error).message }, "publishing the command menu failed"),
            );
        }
        const updates = await deps.api.getUpdates(
          { offset, timeout: LONG_POLL_SECONDS, allowed_updates: [...ALLOWED_UPDATES] },
          controller.signal as GrammySignal,
        );
        for (const raw of updates) {
          await acceptUntilQueued(raw);
          offset = raw.update_id + 1;
        }
        failures = 0;
      } catch (err) {
        if (controller.signal.aborted) return;
        failures++;
        log.warn({ err: (err as Error).message, failures }, "getUpdates failed; retrying");
        await sleep(Math.min(1_000 * 2 ** failures, 30_000), undefined, { signal: controller.signal }).catch(
          () => {},
        );
      }
    }
  }

  async function acceptUntilQueued(raw: unknown): Promise<void> {
    const parsed = telegramUpdateSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn(
        { issues: parsed.error.issues.length, keys: updateKeys(raw) },
        "unreadable Telegram update skipped",
      );
      return;
    }
    const bot = isGroupUpdate(parsed.data) ? await deps.identity?.get() : undefined;
    const decision = toInboundMessage(parsed.data, { reviewChatId: deps.reviewChatId, bot });
    if (decision.kind === "ignore") return;
    for (let attempt = 1; !controller.signal.aborted; attempt++) {
      try {
        await deps.inbound.accept(decision.message);
        return;
      } catch (err) {
        log.warn(
          { updateId: parsed.data.update_id, err: (err as Error).message },
          "could not enqueue a polled update; retrying",
        );
        await sleep(Math.min(500 * 2 ** attempt, 10_000), undefined, { signal: controller.signal }).catch(
          () => {},
        );
      }
    }
    throw new Error("polling stopped before the update was queued");
  }

  return {
    async start() {
      loop = run();
      log.info("long polling started");
    },
    async stop() {
      controller.abort();
      await loop;
    },
  };
}
