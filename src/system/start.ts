/**
 * Builds and starts the whole system from a validated Config: embedded PostgreSQL/Redis when no
 * URLs are given, migrations, queues, channels, HTTP server and workers. main.ts and the tests
 * call the same function, so tests exercise exactly what production runs.
 */
import type { Server } from "node:http";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { Worker } from "bullmq";
import type { Logger } from "pino";
import { type Config, runsConversations, sendsAnnouncements, servesHttp } from "../config/schema.js";
import { createDb, type Db } from "../db/client.js";
import { startEmbeddedPostgres } from "../db/embedded.js";
import { applyMigrationsIsolated } from "../db/migrate.js";
import { ensureRedis } from "../redis/embedded.js";
import { bullConnections, createFailFastRedis, createWorkerRedis, type Redis } from "../redis/connection.js";
import { DeadWorkerTakeover } from "../queue/dead-worker-takeover.js";
import { INBOUND_MAX_STALLED, InboundQueue, type MessageHandler } from "../queue/inbound.js";
import {
  createInboundFailureHandler,
  createMemoryCounter,
  type LabelledCounter,
} from "../queue/inbound-failure.js";
import { OUTBOUND_MAX_STALLED, OutboundQueues } from "../queue/outbound.js";
import { EventBus } from "../queue/events.js";
import { OutboxRelay } from "../queue/outbox.js";
import { createHttpApp } from "../server/app.js";
import { createWebchatAdapter } from "../channels/webchat/adapter.js";
import { createWebchatRoutes } from "../channels/webchat/routes.js";
import { createWebchatGuard } from "../channels/webchat/guard/abuse-guard.js";
import { createClientIdentity, loadWebchatSecret } from "../channels/webchat/guard/client-identity.js";
import { createWebchatSubmissionQuota } from "../channels/webchat/guard/submission-quota.js";
import { sweepIdleWebchatPeople } from "../channels/webchat/idle-people.js";
import { createZaloModule } from "../channels/zalo/module.js";
import { createOaModule, type OaChannel } from "../channels/zalo-oa/module.js";
import { createProtectedSenderNotice } from "../channels/zalo/protected-senders.js";
import type { ChannelModule } from "../channels/registry.js";
import type { ChannelAdapter, ChannelName, InboundMessage, Reply } from "../channels/types.js";
import { compose, type Middleware } from "../conversation/pipeline.js";
import { createThrottle } from "../conversation/throttle.js";
import { createReviewerMiddleware } from "../review/reviewer-middleware.js";
import { registerReviewEvents } from "../review/review-events.js";
import { panelBaseUrl } from "../review/login-links.js";
import { createAdminAuth } from "../admin/auth.js";
import { managedLocalityLookup } from "../review/localities.js";
import { createChatForgetter } from "./chat-traces.js";
import { createTelegramCards } from "../channels/telegram/cards.js";
import { createChatMigrations } from "../channels/telegram/migrations.js";
import { RateLimiter } from "../queue/rate-limiter.js";
import { loadLocales, type Translator } from "../i18n/locales.js";
import { discardAbandonedEvidence } from "../nominations/submissions.js";
import { createEngine, loadFlows, Vocabulary, type Engine } from "../conversation/index.js";
import { MediaRejectedError } from "../channels/types.js";
import { checkIndicatorLocales, loadIndicators } from "../self-reports/indicators.js";
import { createProgressQuestionMiddleware, createSelfReportPlugin } from "../self-reports/conversation.js";
import { createOfficialMiddleware } from "../questions/official-middleware.js";
import { registerQuestionEvents } from "../questions/events.js";
import { createQuestionRoutes } from "../questions/admin-routes.js";
import { createMyQuestionsPlugin } from "../questions/my-questions.js";
import { createFaqSignal } from "../faq/signal.js";
import { imitatesPlanQuote, planMarkers } from "../faq/answer.js";
import { LiveFaq } from "../faq/live.js";
import { createFaqPlugin } from "../faq/plugin.js";
import { createFaqRoutes } from "../faq/admin-routes.js";
import express from "express";
import { createTelegramChannel } from "../channels/telegram/channel.js";
import { createMetrics, type Metrics } from "../metrics/metrics.js";
import { instrumentAdapter, instrumentKnowledge, instrumentWorkers } from "../metrics/instrument.js";
import { registerStateGauges } from "../metrics/state.js";
import { startMetricsServer } from "../metrics/http.js";
import { createLocalityPlugin, createLocalityRoutes, seedLocalities } from "../localities/index.js";
import {
  createLeaderboardPlugin,
  createLeaderboardRoutes,
  ensureLastMonthSnapshot,
} from "../leaderboard/index.js";
import {
  AnnouncementDispatcher,
  createAnnouncementRoutes,
  createSubscriptionPlugin,
  createSubscriptions,
  followToSubscription,
  type Subscriptions,
} from "../announcements/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The web chat's page and assets sit beside its code (the build copies them into dist/). */
const WEBCHAT = fileURLToPath(new URL("../channels/webchat/", import.meta.url));

export interface System {
  /** Base URL of the HTTP server (role web/all), e.g. http://127.0.0.1:3000 */
  url?: string;
  /** The most webhook requests received and not yet answered at once since the last call (role web/all). */
  webhooksInFlight?: () => number;
  config: Config;
  db: Db;
  redis: Redis;
  inbound: InboundQueue;
  outbound: OutboundQueues;
  events: EventBus;
  outbox: OutboxRelay;
  i18n: Translator;
  /** The Zalo OA channel when enabled: its authorisation status is what the metrics read. */
  zaloOa?: OaChannel;
  /** Announcement subscriptions (for channels' follow/unfollow events and tests). */
  subscriptions: Subscriptions;
  databaseUrl: string;
  redisUrl: string;
  /** This process's metrics (instruments and registry); other processes' are added with addSource. */
  metrics: Metrics;
  /** Base URL of the separate metrics server when METRICS_PORT is set. */
  metricsUrl?: string;
  /** Embedded PostgreSQL/Redis servers this process started (worker children stop them if it is killed). */
  embeddedPids: number[];
  /** Inbound messages that failed after every retry (labels channel, kind, error). */
  inboundFinalFailures: LabelledCounter;
  /** Stops everything this system started, exactly once. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  /** Listen on this port instead of config.port (tests pass 0). */
  port?: number;
  host?: string;
  /** The metrics to count into; by default a registry of this process labelled with its role. */
  metrics?: Metrics;
  /** Attempts and first backoff of inbound messages (tests shorten them); default 5 and 1 s. */
  inboundRetry?: { attempts: number; delayMs: number };
  /** Where final inbound failures are counted besides /metrics (tests read it); in memory otherwise. */
  counters?: { inboundFinalFailures?: LabelledCounter };
}

/** @example const system = await startSystem(parseConfig(process.env), { logger }) */
export async function startSystem(config: Config, opts: StartOptions): Promise<System> {
  const { logger } = opts;
  const metrics = opts.metrics ?? createMetrics({ process: config.role });
  const embeddedPids: number[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  // Each shutdown step gets a bounded time: a connection stuck on a dead server must not keep the
  // process (and the embedded PostgreSQL it would stop next) alive forever.
  const runCleanups = async () => {
    for (const [i, fn] of [...cleanups].reverse().entries()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), 10_000)));
      const outcome = await Promise.race([
        fn().catch((err: unknown) => logger.error({ err: String(err) }, "shutdown step failed")),
        timeout,
      ]);
      clearTimeout(timer);
      if (outcome === "timeout")
        logger.warn(
          { step: cleanups.length - 1 - i, fn: fn.toString().slice(0, 80) },
          "shutdown step timed out; continuing",
        );
    }
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({
        dataDir: `${config.dataDir}/pg`,
        port: config.embeddedPgPort,
        database: "cds",
        logger,
        relocateIfUnreachable: !config.dataDirExplicit,
      });
      cleanups.push(() => pg.stop());
      if (pg.pid) embeddedPids.push(pg.pid);
      databaseUrl = pg.url;
    }
    let redisUrl = config.redisUrl;
    if (!redisUrl) {
      const r = await ensureRedis({
        dataDir: `${config.dataDir}/redis`,
        port: config.embeddedRedisPort,
        logger,
      });
      cleanups.push(() => r.stop());
      if (r.pid) embeddedPids.push(r.pid);
      redisUrl = r.url;
    }
    const applied = await applyMigrationsIsolated(databaseUrl);
    if (applied.length) logger.info({ applied }, "database migrations applied");

    const db = createDb(databaseUrl);
    cleanups.push(() => db.$disconnect());
    const redis = await createFailFastRedis(redisUrl);
    cleanups.push(async () => void redis.disconnect());
    const workerRedis = createWorkerRedis(redisUrl);
    cleanups.push(async () => void workerRedis.disconnect());
    // Producers fail fast while Redis is down (webhooks answer 503); workers wait it out.
    const bull = bullConnections(redisUrl);
    // Registered first, so it runs last: after every queue and worker using them has closed.
    cleanups.push(() => bull.close());
    const { producer: producerConnection, worker: connection } = bull;
    const prefix = config.redisPrefix;
    const i18n = loadLocales(`${ROOT}locales`);

    // The web chat is public: its message ids are remembered minutes, not a day, and its finished jobs are not kept.
    const inbound = new InboundQueue({
      prefix,
      partitions: config.inboundPartitions,
      redis,
      connection: producerConnection,
      retry: opts.inboundRetry,
      dedupeTtlSeconds: { webchat: 600 },
      dropCompleted: ["webchat"],
    });
    const inboundFinalFailures = opts.counters?.inboundFinalFailures ?? createMemoryCounter();
    cleanups.push(() => inbound.close());

    // ---- modules (each block is owned by one concern; keep edits inside your block) ----
    // Channels: the web chat unless WEBCHAT_ENABLED=false; Telegram and Zalo when their tokens are set.
    const channels = new Map<ChannelName, ChannelModule>();
    if (config.webchat.enabled)
      channels.set("webchat", { adapter: createWebchatAdapter(workerRedis, prefix, { db }) });
    else logger.info("the web chat is off (WEBCHAT_ENABLED=false)");

    // [telegram] channel (issue 4)
    if (config.telegram)
      channels.set(
        "telegram",
        createTelegramChannel({ config: config.telegram, inbound, redis: workerRedis, prefix, logger, i18n }),
      );
    else logger.info("Telegram is off (TELEGRAM_BOT_TOKEN is not set)");
    // [/telegram]

    // [zalo] channel (issue 5)
    if (!config.zalo) logger.info("Zalo is off (ZALO_BOT_TOKEN is not set)");
    else {
      // The numbered list's lead-in follows the language the person chose (Person.language).
      const zaloLangOf = async (chatId: string) =>
        ((await db.person.findFirst({ where: { channel: "zalo", chatId }, select: { language: true } }))
          ?.language === "en"
          ? "en"
          : "vi") as "vi" | "en";
      channels.set(
        "zalo",
        createZaloModule({
          config: config.zalo,
          inbound,
          i18n,
          langOf: zaloLangOf,
          redis: workerRedis,
          prefix,
          logger,
        }),
      );
    }
    // [/zalo]

    // Announcement subscriptions (issue 19): created before the channels, whose follow events feed them.
    const subscriptions = createSubscriptions({ db, redis: workerRedis, prefix });

    // [zalo-oa] Zalo Official Account channel (issue 21), beside the Bot Platform
    let zaloOa: OaChannel | undefined;
    if (!config.zaloOa) logger.info("Zalo OA is off (ZALO_OA_APP_ID is not set)");
    else {
      const oaLangOf = async (chatId: string) =>
        ((await db.person.findFirst({ where: { channel: "zalo_oa", chatId }, select: { language: true } }))
          ?.language === "en"
          ? "en"
          : "vi") as "vi" | "en";
      zaloOa = createOaModule({
        config: config.zaloOa,
        db,
        redis,
        workerRedis,
        prefix,
        inbound,
        i18n,
        langOf: oaLangOf,
        logger,
        // The alert goes out through the outbound queue, built just below.
        alerts: { enqueue: (job) => outbound.enqueue(job), telegramEnabled: !!config.telegram },
        // Following the OA subscribes to its news; unfollowing unsubscribes at once (issue 19).
        onFollow: (event) => followToSubscription(db, subscriptions, "zalo_oa", event.userId, event.followed),
      });
      channels.set("zalo_oa", zaloOa);
      cleanups.push(() => zaloOa!.stop!());
    }
    // [/zalo-oa]

    const outbound = new OutboundQueues(
      {
        prefix,
        partitions: config.outboundPartitions,
        connection: producerConnection,
        workerConnection: connection,
        redis: workerRedis,
        producerRedis: redis,
        logger,
        dropCompleted: ["webchat"],
      },
      [...channels.keys()],
    );
    const events = new EventBus({
      prefix,
      connection: producerConnection,
      workerConnection: connection,
      logger,
    });
    const outbox = new OutboxRelay({ db, events, logger });
    cleanups.push(() => outbound.close());
    cleanups.push(() => events.close());

    const middlewares: Middleware[] = [createThrottle({ redis: workerRedis, prefix, i18n })];
    let engineForMiddlewares: Engine | undefined;
    // Flows are validated here: a broken file stops start-up with file, step and reason. Their
    // triggers and the locales' words tell middlewares waiting for free text what is a command.
    const flows = loadFlows({ dir: `${ROOT}flows`, i18n });
    const vocabulary = new Vocabulary(i18n, flows);
    // [zalo] protected senders are told once, then left in peace (issue 15)
    if (config.zalo) middlewares.push(createProtectedSenderNotice({ redis: workerRedis, prefix, i18n }));
    const extraRouters: Array<{ path: string; router: express.Router }> = [];

    // [review] reviewers, admin panel, notifications (issue 8)
    // Runs right after the throttle: card presses, reviewers' reasons, /dangnhap and answers to
    // information requests never reach the conversation engine.
    const pokeOutbox = () => outbox.poke();
    // One sign-in/session guard for every /admin router (the progress pages use it too).
    const adminAuth = createAdminAuth({ db, redis: workerRedis, prefix, config, i18n });
    middlewares.push(
      createReviewerMiddleware({
        db,
        redis: workerRedis,
        prefix,
        i18n,
        panelUrl: panelBaseUrl(config),
        logger,
        pokeOutbox,
        isCommand: (text) => vocabulary.isCommand(text),
      }),
    );
    registerReviewEvents({
      db,
      redis: workerRedis,
      prefix,
      i18n,
      events,
      enqueue: (job) => outbound.enqueue(job),
      // Cards take their tokens from the outbound worker's buckets (a group allows ~20 messages a minute) and follow upgraded groups.
      cards: config.telegram
        ? createTelegramCards({
            token: config.telegram.token,
            apiRoot: config.telegram.apiRoot,
            limiter: new RateLimiter(workerRedis, prefix),
            maxPerSecond: config.telegram.maxPerSecond,
            migrations: createChatMigrations(workerRedis, prefix),
          })
        : undefined,
      reviewChatId: config.telegram?.reviewChatId,
      telegramEnabled: channels.has("telegram"),
      logger,
      pokeOutbox,
    });
    // The queue's canonical localities: the managed table (read once seeded, below).
    const panelLocalities = managedLocalityLookup(db, {
      onError: (err) => logger.warn({ err: (err as Error).message }, "locality list refresh failed"),
    });
    // The panel (bull-board, exceljs) is imported only where HTTP is served.
    if (servesHttp(config.role)) {
      const { createAdminPanel } = await import("../admin/panel.js");
      extraRouters.push({
        path: "/admin",
        router: createAdminPanel({
          db,
          auth: adminAuth,
          i18n,
          config,
          enqueue: (job, opts) => outbound.enqueue(job, opts),
          pokeOutbox,
          queues: [...inbound.queue.queues, ...outbound.bullQueues, events.queue],
          forgetChat: createChatForgetter({
            redis,
            prefix,
            inboundQueues: inbound.queue.queues,
            outboundQueues: outbound.bullQueues,
          }),
          logger,
          localities: panelLocalities,
        }),
      });
    }
    // [/review]

    // [questions] inbox and official FAQ (issue 18)
    // Officials' card presses and their next message (answer, original, reason) never reach the engine.
    middlewares.push(
      createOfficialMiddleware({
        db,
        redis: workerRedis,
        prefix,
        i18n,
        answerUnit: config.questions.answerUnit,
        logger,
        pokeOutbox,
      }),
    );
    registerQuestionEvents({
      db,
      i18n,
      events,
      enqueue: (job) => outbound.enqueue(job),
      cards: config.telegram
        ? createTelegramCards({ token: config.telegram.token, apiRoot: config.telegram.apiRoot })
        : undefined,
      reviewChatId: config.telegram?.reviewChatId,
      telegramEnabled: channels.has("telegram"),
      remindAfterHours: config.questions.remindAfterHours,
      logger,
    });
    const faqSignal = createFaqSignal(workerRedis, prefix);
    const faqStore = { db, signal: faqSignal, planMarkers: planMarkers(i18n) };
    extraRouters.push({
      path: "/admin/questions",
      router: createQuestionRoutes({
        db,
        auth: adminAuth,
        i18n,
        answerUnit: config.questions.answerUnit,
        pokeOutbox,
        logger,
      }),
    });
    extraRouters.push({
      path: "/admin/faq",
      router: createFaqRoutes({ db, auth: adminAuth, i18n, store: faqStore, logger }),
    });
    // Registered with the engine in the [conversation] block: each worker process keeps its own
    // index and reloads it when the shared version counter moves (no restart).
    const faqPlugin = () => {
      const markers = faqStore.planMarkers;
      const faq = new LiveFaq({
        db,
        signal: faqSignal,
        isServable: (e) => ![e.question, e.answer, e.unit].some((s) => imitatesPlanQuote(markers, s)),
        logger,
      });
      return [createFaqPlugin({ faq, i18n }), createMyQuestionsPlugin()];
    };
    // [/questions]

    // [self-reports] (issue 7)
    // Indicators are validated here (zod + locale keys): a broken indicators.yaml stops start-up.
    const selfReportIndicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);
    checkIndicatorLocales(selfReportIndicators, i18n);
    middlewares.push(
      createProgressQuestionMiddleware({
        db,
        indicators: selfReportIndicators,
        i18n,
        // The engine is built below; the middleware only runs once it exists.
        answeringStep: (msg) => engineForMiddlewares?.isAnsweringStep(msg) ?? Promise.resolve(false),
      }),
    );
    if (servesHttp(config.role)) {
      const { createProgressRoutes } = await import("../self-reports/admin-routes.js");
      extraRouters.push({
        path: "/admin/progress",
        router: createProgressRoutes({
          db,
          indicators: selfReportIndicators,
          i18n,
          requireReviewer: adminAuth.requireReviewer,
        }),
      });
    }
    // Registered with the engine in the [conversation] block (engine.use).
    const selfReportPlugin = createSelfReportPlugin({ indicators: selfReportIndicators });
    // [/self-reports]

    // [announcements] subscriptions, announcements, dispatcher (issue 19)
    let announcementDispatcher: AnnouncementDispatcher | undefined;
    if (sendsAnnouncements(config)) {
      announcementDispatcher = new AnnouncementDispatcher({
        db,
        databaseUrl,
        redis: workerRedis,
        prefix,
        adapters: new Map([...channels].map(([name, ch]) => [name, ch.adapter])),
        i18n,
        logger: logger.child({ module: "announcements" }),
      });
    }
    extraRouters.push({
      path: "/admin/announcements",
      router: createAnnouncementRoutes({
        db,
        redis: workerRedis,
        prefix,
        i18n,
        requireAdmin: adminAuth.requireAdmin,
        verifyCsrf: adminAuth.verifyCsrf,
        csrfToken: adminAuth.csrfToken,
        channels: [...channels.keys()],
        poke: () => announcementDispatcher?.poke(),
      }),
    });
    // [/announcements]

    // [localities] managed locality list (issue 19): seeded from flows/data/localities.yaml on first start
    await seedLocalities(db, `${ROOT}flows/data/localities.yaml`);
    await panelLocalities.refresh();
    extraRouters.push({
      path: "/admin/localities",
      router: createLocalityRoutes({
        db,
        i18n,
        requireAdmin: adminAuth.requireAdmin,
        verifyCsrf: adminAuth.verifyCsrf,
        csrfToken: adminAuth.csrfToken,
      }),
    });
    // [/localities]

    // [leaderboard] emulation leaderboard (issue 19)
    extraRouters.push({
      path: "/admin/leaderboard",
      router: createLeaderboardRoutes({
        db,
        indicators: selfReportIndicators,
        i18n,
        requireReviewer: adminAuth.requireReviewer,
        verifyCsrf: adminAuth.verifyCsrf,
        csrfToken: adminAuth.csrfToken,
      }),
    });
    // [/leaderboard]

    // Only processes that run workers need the conversation engine (a web process only enqueues);
    // skipping it saves a web process the knowledge index and flows, ~50 MB. Likewise the admin
    // panel (bull-board, exceljs: ~45 MB) is imported only where HTTP is served: role-specific
    // modules are imported where they run, so each process carries only what it uses.
    let handle: MessageHandler | undefined;
    if (runsConversations(config.role)) {
      const { loadKnowledge, withAnswerCache } = await import("../knowledge/index.js");
      const { createNominationPlugin } = await import("../nominations/index.js");
      // [conversation] engine and flows (issue 6)
      // The knowledge is validated here: a broken file stops start-up with file, entry and reason.
      const knowledge = instrumentKnowledge(
        withAnswerCache(loadKnowledge({ dir: `${ROOT}flows/knowledge`, translator: i18n })),
        metrics,
      );
      const engine = createEngine({
        db,
        redis: workerRedis,
        prefix,
        i18n,
        knowledge,
        flows,
        vocabulary,
        config: {
          maxSubmissionsPerDay: config.maxSubmissionsPerDay,
          evidenceMaxBytes: config.evidenceMaxBytes,
        },
        fetchMedia: async (channel, ref, maxBytes) => {
          const adapter = channels.get(channel)?.adapter;
          if (!adapter?.fetchMedia) throw new MediaRejectedError("unavailable");
          return adapter.fetchMedia(ref, maxBytes);
        },
        pokeOutbox: () => outbox.poke(),
        logger: logger.child({ module: "conversation" }),
        submissionQuota: createWebchatSubmissionQuota({
          redis: workerRedis,
          prefix,
          perDay: config.webchat.submissionsPerIpPerDay,
        }),
      });
      engine.use(
        createNominationPlugin({ db, knowledge, maxSubmissionsPerDay: config.maxSubmissionsPerDay }),
      );
      engine.use(selfReportPlugin);
      for (const p of faqPlugin()) engine.use(p);
      engine.use(createSubscriptionPlugin({ subscriptions, i18n }));
      engine.use(createLeaderboardPlugin({ indicators: selfReportIndicators, i18n }));
      engine.use(createLocalityPlugin({ db, i18n }));
      // [zalo-oa] anonymous OA visitors get Q&A only; people back after an unreachable spell are told to look up their submission
      // Right after the throttle: an anonymous visitor's message never reaches code that stores people.
      if (zaloOa) middlewares.splice(1, 0, ...zaloOa.middlewares(knowledge));
      // [/zalo-oa]
      for (const f of engine.flowsWithoutHooks())
        logger.warn({ flow: f }, "flow has no registered submit hooks; it is not offered");
      engineForMiddlewares = engine;
      const final = (msg: InboundMessage): Promise<Reply[]> => engine.handle(msg);
      // [/conversation]

      handle = compose(middlewares, final);
    }

    const readiness = async () => {
      const [pgOk, redisOk] = await Promise.all([
        db.$queryRaw`select 1`.then(
          () => "ok" as const,
          () => "down" as const,
        ),
        redis.ping().then(
          () => "ok" as const,
          () => "down" as const,
        ),
      ]);
      return { postgres: pgOk, redis: redisOk };
    };
    // Queue depths and the review backlog are read at scrape time by the web side only, so each
    // series exists once however many worker processes run.
    if (servesHttp(config.role))
      registerStateGauges(metrics, {
        db,
        queues: [...inbound.queue.queues, ...outbound.bullQueues, events.queue],
        readiness,
      });
    let metricsUrl: string | undefined;
    if (config.metrics.port !== undefined) {
      const server = await startMetricsServer(metrics, {
        port: config.metrics.port,
        host: opts.host ?? "0.0.0.0",
        token: config.metrics.token,
      });
      cleanups.push(() => server.close());
      metricsUrl = `http://127.0.0.1:${server.port}`;
    }

    let url: string | undefined;
    let closeServer: (() => Promise<void>) | undefined;
    let webhooksInFlight: (() => number) | undefined;
    // Every role serves /healthz and /readyz (container probes); only web/all serve the rest.
    {
      const routers: Array<{ path: string; router: express.Router }> = [];
      if (servesHttp(config.role)) {
        // Webhooks first: the platforms' calls are the bulk of the traffic and the latency-critical
        // path, and would otherwise walk the web chat's routes (mounted at "/") on every update.
        for (const [name, ch] of channels)
          if (ch.webhook) routers.push({ path: `/webhooks/${name}`, router: ch.webhook });
        if (config.webchat.enabled) {
          const identity = createClientIdentity(
            await loadWebchatSecret(redis, prefix, config.webchat.secret),
          );
          const guard = createWebchatGuard({
            redis,
            prefix,
            identity,
            i18n,
            options: { ...config.webchat, idleSeconds: 24 * 3_600 },
            httpsPublic: (config.publicUrl ?? "").startsWith("https:"),
          });
          const webchat = await createWebchatRoutes({
            inbound,
            redis,
            prefix,
            pagePath: `${WEBCHAT}page.html`,
            guard,
            db,
            evidenceMaxBytes: config.evidenceMaxBytes,
          });
          cleanups.push(() => webchat.close());
          routers.push(
            { path: "/", router: webchat.router },
            {
              path: "/chat/assets",
              router: express
                .Router()
                .use(express.static(`${WEBCHAT}assets`, { index: false, extensions: [] })),
            },
          );
        }
        for (const ch of channels.values()) if (ch.routes) routers.push({ path: "/", router: ch.routes });
        routers.push(...extraRouters);
      }
      const app = createHttpApp({
        logger,
        routers,
        readiness,
        metrics,
        // On the main port only behind the token; with METRICS_PORT they are served there instead.
        metricsToken: config.metrics.port === undefined ? config.metrics.token : undefined,
        trustProxy: config.trustProxy,
        publicUrl: config.publicUrl,
      });
      const server: Server = app.listen(opts.port ?? config.port, opts.host ?? "0.0.0.0");
      await once(server, "listening");
      server.keepAliveTimeout = 65_000;
      // Platform webhook requests being answered now (the saturation signal of http-pressure.ts).
      // Only webhooks: a web chat's long-poll is open for its whole wait without asking for CPU.
      // The most at once since the last reading: a reading at one instant falls between the poll
      // phases that take requests in and the Redis replies that answer them, and varies from 0 to 40.
      let inFlight = 0;
      let peak = 0;
      const done = () => void inFlight--;
      server.on("request", (req: { url?: string }, res: { once(e: "close", f: () => void): void }) => {
        if (!req.url?.startsWith("/webhooks/")) return;
        if (++inFlight > peak) peak = inFlight;
        res.once("close", done);
      });
      webhooksInFlight = () => {
        const p = peak;
        peak = inFlight;
        return p;
      };
      const addr = server.address();
      url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : config.port}`;
      // Closed before anything else on shutdown: stop accepting, then drain the workers.
      closeServer = () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 5_000).unref();
        });
      for (const ch of servesHttp(config.role) ? channels.values() : []) {
        if (ch.start) {
          await ch.start();
          if (ch.stop) cleanups.push(() => ch.stop!());
        }
      }
    }

    if (runsConversations(config.role)) {
      const workers: Worker[] = [];
      const onFinalFailure = createInboundFailureHandler({
        i18n,
        langOf: async (msg) => {
          const p = await db.person.findUnique({
            where: { channel_externalId: { channel: msg.channel, externalId: msg.userId } },
            select: { language: true },
          });
          return p ? (p.language === "en" ? "en" : "vi") : undefined;
        },
        enqueue: (job) => outbound.enqueue(job),
        logger,
        // Counted where tests read it and in /metrics.
        counter: {
          inc: (labels) => {
            inboundFinalFailures.inc(labels);
            metrics.inboundFinalFailures.inc(labels);
          },
        },
      });
      const inboundWorkers = await inbound.startWorkers({
        redis: workerRedis,
        logger,
        handle: handle!,
        enqueueReplies: (job) => outbound.enqueue(job),
        deliverNow: config.directReplies ? (job) => outbound.deliverNow(job) : undefined,
        connection,
        onFinalFailure,
      });
      workers.push(...inboundWorkers);
      const adapters: ChannelAdapter[] = [...channels.values()].map((c) =>
        instrumentAdapter(c.adapter, metrics),
      );
      const outboundWorkers = await outbound.startWorkers(adapters, async (channel, chatId) => {
        await db.person.updateMany({ where: { channel, chatId }, data: { unreachableAt: new Date() } });
      });
      workers.push(...outboundWorkers);
      // A dead worker process's conversation jobs go back to their queue within a second, not when
      // their locks lapse: each blocks its whole partition meanwhile (see dead-worker-takeover.ts).
      const takeover = new DeadWorkerTakeover({ redis: workerRedis, prefix, logger });
      takeover.track(inbound.queue.queues, inboundWorkers, INBOUND_MAX_STALLED);
      takeover.track(outbound.bullQueues, outboundWorkers, OUTBOUND_MAX_STALLED);
      await takeover.start();
      workers.push(events.start());
      zaloOa?.startTokenCheck();
      instrumentWorkers(workers, metrics);
      outbox.start();
      // Evidence files of flows abandoned for over a day are deleted (personal data kept no longer
      // than needed); every worker may run it, the delete is idempotent.
      const sweep = setInterval(() => {
        discardAbandonedEvidence(db, new Date()).then(
          (n) => n && logger.info({ deleted: n }, "abandoned evidence deleted"),
          (err: unknown) => logger.warn({ err: String(err) }, "evidence sweep failed"),
        );
        // Anonymous web chat visitors who only asked questions leave no Person row behind.
        sweepIdleWebchatPeople({ db, redis: workerRedis, prefix }, new Date()).then(
          (n) => n && logger.info({ deleted: n }, "idle anonymous web chat people removed"),
          (err: unknown) => logger.warn({ err: String(err) }, "web chat people sweep failed"),
        );
      }, 3_600_000);
      sweep.unref();
      cleanups.push(async () => clearInterval(sweep));
      // Last month's leaderboard snapshot, at the first chance after the month ended (idempotent).
      const snapshot = () =>
        ensureLastMonthSnapshot(db, selfReportIndicators).then(
          (taken) => taken && logger.info("leaderboard snapshot of last month taken"),
          (err: unknown) =>
            logger.warn({ err: String(err) }, "leaderboard snapshot failed; retried within the hour"),
        );
      const snapshots = setInterval(snapshot, 3_600_000);
      snapshots.unref();
      void snapshot();
      cleanups.push(async () => clearInterval(snapshots));
      cleanups.push(() => outbox.stop());
      // Workers are closed first on shutdown (cleanups run in reverse): they finish their current job.
      // Right after Redis came back, closing waits until BullMQ's blocking clients have reconnected
      // (see BullConnections.settled): closed mid-reconnect, one never reports its end.
      cleanups.push(async () => {
        await bull.settled();
        await Promise.all(workers.map((w) => w.close()));
        await takeover.stop();
      });
    }

    // In worker processes, or alone in a broadcast process (role all's niced child, see main.ts).
    if (announcementDispatcher) {
      const dispatcher = announcementDispatcher;
      dispatcher.start();
      cleanups.push(async () => dispatcher.stop());
    }

    let stopping: Promise<void> | undefined;
    return {
      url,
      webhooksInFlight,
      config,
      db,
      redis,
      inbound,
      outbound,
      events,
      outbox,
      i18n,
      zaloOa,
      subscriptions,
      databaseUrl,
      redisUrl,
      metrics,
      metricsUrl,
      embeddedPids,
      inboundFinalFailures,
      stop: () =>
        (stopping ??= (async () => {
          await closeServer?.().catch(() => {});
          await runCleanups();
        })()),
    };
  } catch (err) {
    await runCleanups();
    throw err;
  }
}
