/**
 * Everything Zalo contributes to the system, built from `config.zalo`: the outbound adapter, the
 * webhook router (webhook mode) or the long-polling loop (polling mode).
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../../config/schema.js";
import type { Lang, Translator } from "../../i18n/locales.js";
import type { InboundQueue } from "../../queue/inbound.js";
import type { ChannelModule } from "../registry.js";
import { createZaloAdapter } from "./adapter.js";
import { ZaloClient } from "./client.js";
import { ZaloPoller } from "./polling.js";
import { createZaloWebhook } from "./webhook.js";

export interface ZaloModuleDeps {
  config: NonNullable<Config["zalo"]>;
  inbound: Pick<InboundQueue, "accept">;
  i18n: Translator;
  langOf(chatId: string): Promise<Lang>;
  /** Worker-side Redis (waits through outages) for the adapter's bookkeeping. */
  redis: Redis;
  prefix: string;
  logger: Logger;
}

/** @example channels.set("zalo", createZaloModule({ config: config.zalo, inbound, i18n, langOf, redis, prefix, logger })) */
export function createZaloModule(deps: ZaloModuleDeps): ChannelModule {
  const { config, logger } = deps;
  // The outbound worker retries (and honours 429 waits) itself: the sender's client does not.
  const sender = new ZaloClient({ token: config.token, apiRoot: config.apiRoot, retries: 0 });
  // Evidence links may lead only to Zalo's media hosts, or to the configured Bot API server itself
  // (a self-hosted or test server is trusted as configured, like the token we send it).
  const mediaPolicy = { hosts: config.mediaHosts, trustedOrigins: [config.apiRoot] };
  const adapter = createZaloAdapter({
    client: sender,
    i18n: deps.i18n,
    langOf: deps.langOf,
    redis: deps.redis,
    prefix: deps.prefix,
    logger,
    mediaPolicy,
  });

  if (config.mode === "polling") {
    const poller = new ZaloPoller({
      client: new ZaloClient({ token: config.token, apiRoot: config.apiRoot }),
      inbound: deps.inbound,
      logger,
    });
    return { adapter, start: () => poller.start(), stop: () => poller.stop() };
  }
  if (!config.webhookSecret) throw new Error("ZALO_WEBHOOK_SECRET is required in webhook mode");
  return {
    adapter,
    webhook: createZaloWebhook({ secret: config.webhookSecret, inbound: deps.inbound, logger }),
  };
}
