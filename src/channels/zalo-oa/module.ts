/**
 * Everything the Zalo Official Account contributes to the system, built from `config.zaloOa`: the
 * token keeper, the outbound adapter, the webhook (`/webhooks/zalo-oa`), the admin banner, the
 * middlewares (anonymous visitors, people coming back after an unreachable spell), a periodic
 * token check in worker processes, and a status for the metrics.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import express from "express";
import type { Config } from "../../config/schema.js";
import type { Db } from "../../db/client.js";
import type { Middleware } from "../../conversation/pipeline.js";
import type { Lang, Translator } from "../../i18n/locales.js";
import type { Knowledge } from "../../knowledge/index.js";
import type { InboundQueue } from "../../queue/inbound.js";
import type { ChannelModule } from "../registry.js";
import type { OutboundJob } from "../types.js";
import { createOaAdapter } from "./adapter.js";
import { createOaAdminBanner } from "./admin-banner.js";
import { createReauthAlert } from "./alerts.js";
import { createAnonymousQa } from "./anonymous.js";
import { createConsentPage } from "./consent-page.js";
import { OaClient } from "./client.js";
import { OaReauthRequiredError } from "./errors.js";
import { plainDownload, type MediaDownloader } from "./evidence.js";
import { OaOAuthClient } from "./oauth.js";
import { createOaReturnNotice } from "./reachability.js";
import { macCandidates } from "./signature.js";
import { OaTokenStore } from "./token-store.js";
import { OaTokens, type OaTokenStatus } from "./tokens.js";
import { createOaWebhook, type FollowEvent } from "./webhook.js";
import { OaWindows } from "./windows.js";
import { redisKeys } from "../../redis/keys.js";

/** The URL path of the OA webhook (the channel's name has an underscore; URLs use a hyphen). */
export const OA_WEBHOOK_PATH = "/webhooks/zalo-oa";
/** How often a worker checks whether the token is due for its early refresh (even without traffic). */
const TOKEN_CHECK_MS = 10 * 60_000;

export interface OaModuleDeps {
  config: NonNullable<Config["zaloOa"]>;
  db: Db;
  /** Fail-fast Redis for the webhook (Redis down → 503, Zalo retries). */
  redis: Redis;
  /** Worker-side Redis (waits through outages) for locks and bookkeeping. */
  workerRedis: Redis;
  prefix: string;
  inbound: Pick<InboundQueue, "accept">;
  i18n: Translator;
  langOf(chatId: string): Promise<Lang>;
  logger: Logger;
  /** For the re-authorisation alert to admins on Telegram (set once the outbound queue exists). */
  alerts: { enqueue?: (job: OutboundJob) => Promise<void>; telegramEnabled: boolean };
  /** The evidence download; the SSRF-safe fetch (issue 16) plugs in here. Default: plainDownload. */
  download?: MediaDownloader;
  /** Subscriptions (issue 19) plug in here; until then follow/unfollow are only logged. */
  onFollow?: (event: FollowEvent) => Promise<void>;
}

/** The OA channel plus what it adds beyond a ChannelModule. */
export interface OaChannel extends ChannelModule {
  tokens: OaTokens;
  /** The authorisation state for the metrics (issue 17): e.g. a gauge `zalo_oa_needs_reauth` = state === "needs_reauth". */
  status(): Promise<OaTokenStatus>;
  /** Middlewares for the inbound pipeline (worker processes): anonymous Q&A, return notice. */
  middlewares(knowledge: Pick<Knowledge, "ask">): Middleware[];
  /** Starts the periodic token check (worker processes); stopped by stop(). */
  startTokenCheck(): void;
}

/** @example const oa = createOaModule({ config: config.zaloOa, db, redis, workerRedis, prefix, inbound, i18n, langOf, logger, alerts }); channels.set("zalo_oa", oa) */
export function createOaModule(deps: OaModuleDeps): OaChannel {
  const { config, logger } = deps;
  const log = logger.child({ channel: "zalo_oa" });
  const store = new OaTokenStore(deps.db, config.appId, config.tokenKey);
  const oauth = new OaOAuthClient({
    oauthRoot: config.oauthRoot,
    appId: config.appId,
    appSecret: config.appSecret,
  });
  const tokens = new OaTokens({
    store,
    oauth,
    redis: deps.workerRedis,
    prefix: deps.prefix,
    logger,
    onReauthNeeded: (incident) =>
      createReauthAlert({
        db: deps.db,
        redis: deps.workerRedis,
        prefix: deps.prefix,
        i18n: deps.i18n,
        enqueue: deps.alerts.enqueue,
        telegramEnabled: deps.alerts.telegramEnabled,
        logger,
      })(incident),
  });
  const client = new OaClient({ apiRoot: config.apiRoot, tokens });
  const windows = new OaWindows({ redis: deps.workerRedis, prefix: deps.prefix, client });
  const webhookWindows = new OaWindows({ redis: deps.redis, prefix: deps.prefix, client });
  const download = deps.download ?? plainDownload;
  const adapter = createOaAdapter({
    client,
    windows,
    download,
    i18n: deps.i18n,
    langOf: deps.langOf,
    redis: deps.workerRedis,
    prefix: deps.prefix,
    logger,
  });

  const webhook = createOaWebhook({
    appId: config.appId,
    candidates: macCandidates({ secretKey: config.secretKey, appSecret: config.appSecret }),
    inbound: deps.inbound,
    recordInteraction: (userId, at) => webhookWindows.recordInteraction(userId, at),
    firstTime: async (key) =>
      (await deps.redis.set(redisKeys.zaloOaSubscriptionSeen(deps.prefix, key), "1", "EX", 86_400, "NX")) ===
      "OK",
    ...(deps.onFollow ? { onFollow: deps.onFollow } : {}),
    logger,
  });
  // The channel name is zalo_oa (a database enum value); the public URL uses a hyphen.
  const routes = express.Router();
  routes.use(OA_WEBHOOK_PATH, webhook);
  routes.use(createOaAdminBanner({ tokens, i18n: deps.i18n }));
  routes.use(createConsentPage());

  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    tokens.accessToken().catch((err: unknown) => {
      if (err instanceof OaReauthRequiredError) log.warn({ err: err.message }, "Zalo OA is not authorised");
      else log.warn({ err: (err as Error).message }, "Zalo OA token check failed");
    });
  };

  return {
    adapter,
    routes,
    tokens,
    status: () => tokens.status(),
    middlewares: (knowledge) => [
      createAnonymousQa({ knowledge, i18n: deps.i18n }),
      createOaReturnNotice({ db: deps.db, i18n: deps.i18n }),
    ],
    startTokenCheck() {
      if (timer) return;
      check();
      timer = setInterval(check, TOKEN_CHECK_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
