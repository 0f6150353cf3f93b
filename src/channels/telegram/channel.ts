/**
 * The Telegram channel as the system wires it: one Bot API client (pointed at TELEGRAM_API_ROOT),
 * the outbound adapter, and either the webhook router or long polling. Nothing here reaches
 * Telegram at start-up, so the system starts even when Telegram is unreachable.
 */
import { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../../config/schema.js";
import type { Translator } from "../../i18n/locales.js";
import type { InboundQueue } from "../../queue/inbound.js";
import type { ChannelModule } from "../registry.js";
import { createTelegramAdapter } from "./adapter.js";
import { publishCommands } from "./commands.js";
import { createBotIdentity } from "./identity.js";
import { createChatMigrations } from "./migrations.js";
import { createTelegramPolling } from "./polling.js";
import { createTelegramWebhook } from "./webhook.js";

export interface TelegramChannelDeps {
  config: NonNullable<Config["telegram"]>;
  inbound: Pick<InboundQueue, "accept">;
  /** Worker-side connection (part markers of split messages). */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** For the command menu published in polling mode. */
  i18n?: Translator;
}

/** Bot API calls give up after this long; the outbound worker retries. */
const API_TIMEOUT_SECONDS = 30;

/** @example channels.set("telegram", createTelegramChannel({ config: config.telegram, inbound, redis, prefix, logger })) */
export function createTelegramChannel(deps: TelegramChannelDeps): ChannelModule {
  const { config, logger } = deps;
  const api = new Api(config.token, { apiRoot: config.apiRoot, timeoutSeconds: API_TIMEOUT_SECONDS });
  const identity = createBotIdentity(api, config.token, logger);
  const migrations = createChatMigrations(deps.redis, deps.prefix);
  const adapter = createTelegramAdapter({
    api,
    token: config.token,
    apiRoot: config.apiRoot,
    redis: deps.redis,
    prefix: deps.prefix,
    logger,
    maxPerSecond: config.maxPerSecond,
    migrations,
    identity,
  });
  if (config.mode === "polling") {
    // getUpdates long-polls for 25 s: its client needs a longer timeout than ordinary calls.
    const pollingApi = new Api(config.token, { apiRoot: config.apiRoot, timeoutSeconds: 60 });
    const i18n = deps.i18n;
    // In webhook mode `npm run telegram:webhook -- set` publishes the menu; polling has no such step.
    const onConnected = i18n ? () => publishCommands(api, i18n) : undefined;
    const polling = createTelegramPolling({
      api: pollingApi,
      inbound: deps.inbound,
      logger,
      reviewChatId: config.reviewChatId,
      identity,
      onConnected,
    });
    return { adapter, start: () => polling.start(), stop: () => polling.stop() };
  }
  if (!config.webhookSecret) throw new Error("TELEGRAM_WEBHOOK_SECRET is required in webhook mode");
  return {
    adapter,
    webhook: createTelegramWebhook({
      secret: config.webhookSecret,
      inbound: deps.inbound,
      logger,
      reviewChatId: config.reviewChatId,
      identity,
    }),
  };
}
