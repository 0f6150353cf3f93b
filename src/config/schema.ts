/**
 * The one schema over the environment. main.ts parses it once; nothing else reads process.env.
 * An invalid value stops the process with a readable list of every bad key (see formatConfigErrors).
 */
import { z } from "zod";
import { ZALO_MEDIA_HOST_DEFAULTS } from "../channels/media-fetch.js";

const bool = (fallback: boolean) =>
  z.preprocess(
    (v) =>
      v === undefined || v === ""
        ? fallback
        : typeof v === "string"
          ? !/^(0|false|no|off)$/i.test(v.trim())
          : v,
    z.boolean(),
  );
const hostList = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^(\*\.)?[a-z0-9.-]+$/, "must be host names separated by commas")).min(1));
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());
const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.url().optional());
const secret = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z
    .string()
    .min(8, "must be 8–256 characters")
    .max(256, "must be 8–256 characters")
    .regex(/^[A-Za-z0-9_-]+$/, "may contain only A–Z, a–z, 0–9, _ and -")
    .optional(),
);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: optionalUrl,
    DATABASE_URL: optionalUrl,
    REDIS_URL: optionalUrl,
    /** Where the embedded PostgreSQL/Redis keep their data when the URLs above are unset. */
    DATA_DIR: optionalString,
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
    EMBEDDED_REDIS_PORT: z.coerce.number().int().min(1).max(65535).default(63799),
    /** Prefix for every Redis key and BullMQ queue, so several deployments can share one Redis. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default("cds"),
    TELEGRAM_BOT_TOKEN: optionalString,
    TELEGRAM_WEBHOOK_SECRET: secret,
    TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
    TELEGRAM_MODE: z.enum(["webhook", "polling"]).default("webhook"),
    TELEGRAM_REVIEW_CHAT_ID: optionalString,
    /** Telegram's documented bot-wide cap is about 30 messages/s; raise only for a test server. */
    TELEGRAM_MAX_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(30),
    ZALO_BOT_TOKEN: optionalString,
    ZALO_WEBHOOK_SECRET: secret,
    ZALO_API_ROOT: z.url().default("https://bot-api.zaloplatforms.com"),
    ZALO_MODE: z.enum(["webhook", "polling"]).default("webhook"),
    /** Zalo Official Account (OA API v3): the channel is on when the app id is set. */
    ZALO_OA_APP_ID: optionalString,
    /** The key of the webhook MAC (X-ZEvent-Signature); see docs/zalo-oa.md for which key Zalo means. */
    ZALO_OA_SECRET_KEY: optionalString,
    /** The app secret, sent as the `secret_key` header of token calls. */
    ZALO_OA_APP_SECRET: optionalString,
    ZALO_OA_API_ROOT: z.url().default("https://openapi.zalo.me"),
    ZALO_OA_OAUTH_ROOT: z.url().default("https://oauth.zaloapp.com"),
    /** Encrypts the stored OA token pair (AES-256-GCM): 32 bytes as 64 hex characters or base64. */
    ZALO_OA_TOKEN_KEY: optionalString,
    /** The PKCE code verifier whose challenge is saved in the Zalo console (43–128 characters). */
    ZALO_OA_CODE_VERIFIER: optionalString,
    /** The callback URL saved in the console, where Zalo sends the admin after consent. */
    ZALO_OA_REDIRECT_URI: optionalUrl,
    /** Most submissions (nominations + self-reports) one person may send per day. */
    MAX_SUBMISSIONS_PER_DAY: z.coerce.number().int().min(1).max(1000).default(5),
    /** Largest evidence file accepted, in bytes (default 10 MB). */
    EVIDENCE_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(10 * 1024 * 1024),
    /** Hours a forwarded question may wait unanswered before officials are reminded. */
    QUESTION_REMIND_HOURS: z.coerce
      .number()
      .min(0.01)
      .max(24 * 30)
      .default(48),
    /** The unit named to citizens in answers given on Telegram, prefilled in the panel's answer form. */
    ANSWER_UNIT: z.string().trim().min(1).max(200).default("Sở Nội vụ tỉnh Tuyên Quang"),
    /** Worker child processes of role `all`: "auto" = cores − 1 (at least 1); 0 = one process does everything. */
    WORKERS: z.union([z.literal("auto"), z.coerce.number().int().min(0).max(64)]).default("auto"),
    /**
     * CPU priority (nice) of those worker children, 0–19 above the main process. Acknowledging a
     * webhook is the latency-critical path (a slow acknowledgement makes Telegram and Zalo retry);
     * the workers drain a queue and only need the CPU left over, which they still get in full.
     * Off by default: measured on 2 cores it did not lower the webhook's p99 beyond the machine's
     * noise, and under an HTTP flood it hands the CPU to the flood instead of the replies.
     */
    WORKER_NICE: z.coerce.number().int().min(0).max(19).default(0),
    /**
     * How many conversation jobs each worker child of role `all` runs at once while the HTTP
     * process is saturated (see src/system/http-pressure.ts); 0 = never step back. Unlike a lower
     * priority it applies only while the acknowledgements cannot keep up, so replies at an
     * ordinary rate keep the whole CPU.
     */
    WORKER_YIELD_CONCURRENCY: z.coerce.number().int().min(0).max(1000).default(4),
    /**
     * CPU priority (nice) of the broadcast child of role `all`, 0–19 above the main process. An
     * announcement to thousands keeps a core busy for its whole run (~1 ms of CPU per message);
     * at a lower priority it only gets the CPU that conversations leave, and the broadcast still
     * gets the rest. Measured (`npm run bench`, 1,000 messages/s on 2 cores): chat p95 during a
     * broadcast 2.1 s in the worker's own process, ~90 ms at nice 10, ~78 ms at 19 (55 ms under
     * the same platform load without the bot's broadcast).
     */
    BROADCAST_NICE: z.coerce.number().int().min(0).max(19).default(19),
    /**
     * Broadcast child processes of role `all`. Two, so that a broadcast goes on at the platform's
     * full rate while one of them is restarted (a crash, an out-of-memory kill): with one, every
     * recipient waited for its restart (~4 s on this machine, a 20 s broadcast took 1.2× as long).
     * An idle broadcaster costs ~120 MB of RSS; 0 sends announcements from the worker children.
     */
    BROADCAST_CHILDREN: z.coerce.number().int().min(0).max(8).default(2),
    /**
     * Whether `--role worker` processes also send announcements. Role `all` with worker children
     * turns it off in them and sends from its broadcast child; a split deployment may run
     * `--role broadcast` processes and set this to false on its workers.
     */
    WORKERS_SEND_ANNOUNCEMENTS: bool(true),
    /** Bearer token for GET /metrics on the main port; without it (and without METRICS_PORT) /metrics is off. */
    METRICS_TOKEN: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.string().min(16, "must be at least 16 characters").optional(),
    ),
    /** Serve /metrics on this separate port (keep it off the public network) instead of the main one. */
    METRICS_PORT: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.coerce.number().int().min(0).max(65535).optional(),
    ),
    /** Host names Zalo serves evidence photos from (subdomains included); https and public addresses only. */
    ZALO_MEDIA_HOSTS: z.preprocess(
      (v) => (v === undefined || v === "" ? ZALO_MEDIA_HOST_DEFAULTS.join(",") : v),
      hostList,
    ),
    /** Reverse proxies in front of the server whose X-Forwarded-For / -Proto are believed (0 = none: the peer address is the client). */
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    /** The public web chat (on for the embedded run; production may serve it only behind the portal). */
    WEBCHAT_ENABLED: bool(true),
    /** Key for the web chat's signed cookies; when unset one is generated and kept in Redis (shared by every web process). */
    WEBCHAT_SECRET: secret,
    /** Messages one address may post per minute (an office behind one NAT shares it). */
    WEBCHAT_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
    /** Messages all web chat clients together may post per second; beyond it the web chat says "busy" and Telegram/Zalo are untouched. */
    WEBCHAT_GLOBAL_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(40),
    /** New web chat conversations one address may open per hour. */
    WEBCHAT_NEW_CHATS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(30),
    /** Live web chat conversations kept in Redis at once (each bounded in size); beyond it new ones wait. */
    WEBCHAT_MAX_CHATS: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
    /** Submissions (nominations + self-reports) per day from one address through the web chat, whatever its chat ids. */
    WEBCHAT_SUBMISSIONS_PER_IP_PER_DAY: z.coerce.number().int().min(1).max(10_000).default(20),
    /** Proof of work a new web chat client solves before its first message: leading zero bits of SHA-256 (15 ≈ 0.1–0.4 s on a phone; 0 = off). */
    WEBCHAT_POW_BITS: z.coerce.number().int().min(0).max(28).default(15),
    /** The BullMQ dashboard at /admin/queues (read-only, admins only, payloads hidden). */
    QUEUE_DASHBOARD_ENABLED: bool(true),
    /**
     * Inbound partitions: how many chats are processed at once across the workers. A reply is
     * usually sent from the inbound job itself (DIRECT_REPLIES), so a partition also waits for the
     * platform's answer (~100 ms): a partition carries under 10 updates/s, and queueing stays low
     * only while partitions are mostly idle — 32 saturated at ~250–290 updates/s on this 2-core
     * machine, 96 keep 300/s well below that. Each partition is a BullMQ worker with its own
     * blocking Redis connection, ~0.1–0.2 MB of RSS per process since those connections carry no
     * Lua scripts (see withLightBlockingDuplicates; measured idle worker: 32 → 96 partitions within
     * the ±5 MB noise, 128 about +5 MB).
     */
    INBOUND_PARTITIONS: z.coerce.number().int().min(1).max(256).default(96),
    /**
     * Send a conversation reply from the inbound job that produced it when the chat has nothing
     * queued (one BullMQ job per update instead of two); off = every reply goes through the
     * outbound queue. See src/queue/outbound.ts.
     */
    DIRECT_REPLIES: bool(true),
    OUTBOUND_PARTITIONS: z.coerce.number().int().min(1).max(256).default(8),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_MODE === "webhook" && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_WEBHOOK_SECRET"],
        message: "is required when TELEGRAM_BOT_TOKEN is set (webhook mode)",
      });
    }
    if (env.ZALO_BOT_TOKEN && env.ZALO_MODE === "webhook" && !env.ZALO_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["ZALO_WEBHOOK_SECRET"],
        message: "is required when ZALO_BOT_TOKEN is set (webhook mode)",
      });
    }
    if (env.ZALO_OA_APP_ID) {
      for (const key of ["ZALO_OA_SECRET_KEY", "ZALO_OA_APP_SECRET", "ZALO_OA_TOKEN_KEY"] as const) {
        if (!env[key])
          ctx.addIssue({ code: "custom", path: [key], message: "is required when ZALO_OA_APP_ID is set" });
      }
      if (env.ZALO_OA_TOKEN_KEY && !parseTokenKey(env.ZALO_OA_TOKEN_KEY))
        ctx.addIssue({
          code: "custom",
          path: ["ZALO_OA_TOKEN_KEY"],
          message: "must be 32 bytes: 64 hex characters or 44 base64 characters",
        });
      if (env.ZALO_OA_CODE_VERIFIER && !/^[A-Za-z0-9._~-]{43,128}$/.test(env.ZALO_OA_CODE_VERIFIER))
        ctx.addIssue({
          code: "custom",
          path: ["ZALO_OA_CODE_VERIFIER"],
          message: "must be 43–128 characters of A–Z, a–z, 0–9, -, ., _, ~",
        });
    }
  });

/** The 32-byte AES key from ZALO_OA_TOKEN_KEY (hex or base64), or undefined when it is not 32 bytes. */
export function parseTokenKey(value: string): Buffer | undefined {
  const v = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, "hex") : Buffer.from(v, "base64");
  return key.length === 32 ? key : undefined;
}

export type Env = z.infer<typeof envSchema>;

/**
 * What a process runs: `web` serves HTTP (webhooks, web chat, admin) and only enqueues; `worker`
 * runs the conversation and the queues; `broadcast` only sends announcements; `all` is web and
 * worker, with the workers and the broadcaster in child processes unless WORKERS=0.
 */
export type Role = "all" | "web" | "worker" | "broadcast";
export const ROLES = ["all", "web", "worker", "broadcast"] as const satisfies readonly Role[];

/** Serves HTTP beyond the health probes. */
export const servesHttp = (role: Role) => role === "web" || role === "all";
/** Runs the conversation engine and the queues' workers. */
export const runsConversations = (role: Role) => role === "worker" || role === "all";
/** Sends announcements (see src/announcements/dispatcher.ts). */
export const sendsAnnouncements = (c: Pick<Config, "role" | "workersSendAnnouncements">) =>
  c.role === "broadcast" || (runsConversations(c.role) && c.workersSendAnnouncements);

/** The validated configuration every factory receives. */
export interface Config {
  env: Env["NODE_ENV"];
  logLevel: Env["LOG_LEVEL"];
  port: number;
  publicUrl?: string;
  databaseUrl?: string;
  redisUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  embeddedRedisPort: number;
  redisPrefix: string;
  role: Role;
  telegram?: {
    token: string;
    webhookSecret?: string;
    apiRoot: string;
    mode: "webhook" | "polling";
    reviewChatId?: string;
    maxPerSecond: number;
  };
  zalo?: {
    token: string;
    webhookSecret?: string;
    apiRoot: string;
    mode: "webhook" | "polling";
    mediaHosts: string[];
  };
  /** Zalo Official Account; absent when ZALO_OA_APP_ID is unset. */
  zaloOa?: {
    appId: string;
    secretKey: string;
    appSecret: string;
    apiRoot: string;
    oauthRoot: string;
    tokenKey: Buffer;
    codeVerifier?: string;
    redirectUri?: string;
  };
  /** Proxy hops whose forwarding headers are believed (0 = none). */
  trustProxy: number;
  webchat: WebchatConfig;
  queueDashboard: boolean;
  maxSubmissionsPerDay: number;
  evidenceMaxBytes: number;
  inboundPartitions: number;
  outboundPartitions: number;
  /** Replies sent from the inbound job when the chat has nothing queued (DIRECT_REPLIES). */
  directReplies: boolean;
  questions: { remindAfterHours: number; answerUnit: string };
  /** Worker child processes for role `all` (see src/system/worker-pool.ts). */
  workers: "auto" | number;
  /** Niceness added to worker children (WORKER_NICE). */
  workerNice: number;
  /** Jobs at once per worker child while the HTTP process is saturated; 0 = off (WORKER_YIELD_CONCURRENCY). */
  workerYieldConcurrency: number;
  /** Niceness added to the broadcast children (BROADCAST_NICE). */
  broadcastNice: number;
  /** Broadcast child processes of role `all` (BROADCAST_CHILDREN). */
  broadcastChildren: number;
  /** `--role worker` processes send announcements too (WORKERS_SEND_ANNOUNCEMENTS). */
  workersSendAnnouncements: boolean;
  metrics: { token?: string; port?: number };
  /** DATA_DIR was set: the embedded PostgreSQL must use it even where it cannot reach it. */
  dataDirExplicit: boolean;
}

/** The public web chat's switch and abuse limits (see src/channels/webchat/guard). */
export interface WebchatConfig {
  enabled: boolean;
  secret?: string;
  perIpPerMinute: number;
  globalPerSecond: number;
  newChatsPerIpPerHour: number;
  maxChats: number;
  submissionsPerIpPerDay: number;
  powBits: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * Parses the environment (and the `--role` argument) into a Config, or throws ConfigError listing
 * every problem at once.
 *
 * @example const config = parseConfig(process.env, process.argv.slice(2))
 */
export function parseConfig(env: Record<string, string | undefined>, argv: string[] = []): Config {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  const roleIdx = argv.indexOf("--role");
  const roleArg = roleIdx >= 0 ? argv[roleIdx + 1] : argv.find((a) => a.startsWith("--role="))?.slice(7);
  const role = z.enum(ROLES).safeParse(roleArg ?? "all");
  if (!role.success)
    problems.push(`--role: must be one of ${ROLES.join(", ")} (got ${JSON.stringify(roleArg)})`);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${issue.path.join(".") || "environment"}: ${issue.message}`);
  }
  if (problems.length || !parsed.success || !role.success) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ""),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: e.DATA_DIR ?? "./data",
    dataDirExplicit: e.DATA_DIR !== undefined,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    embeddedRedisPort: e.EMBEDDED_REDIS_PORT,
    redisPrefix: e.REDIS_PREFIX,
    role: role.data,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          apiRoot: e.TELEGRAM_API_ROOT.replace(/\/$/, ""),
          mode: e.TELEGRAM_MODE,
          reviewChatId: e.TELEGRAM_REVIEW_CHAT_ID,
          maxPerSecond: e.TELEGRAM_MAX_PER_SECOND,
        }
      : undefined,
    zalo: e.ZALO_BOT_TOKEN
      ? {
          token: e.ZALO_BOT_TOKEN,
          webhookSecret: e.ZALO_WEBHOOK_SECRET,
          apiRoot: e.ZALO_API_ROOT.replace(/\/$/, ""),
          mode: e.ZALO_MODE,
          mediaHosts: e.ZALO_MEDIA_HOSTS,
        }
      : undefined,
    zaloOa: e.ZALO_OA_APP_ID
      ? {
          appId: e.ZALO_OA_APP_ID,
          secretKey: e.ZALO_OA_SECRET_KEY!,
          appSecret: e.ZALO_OA_APP_SECRET!,
          apiRoot: e.ZALO_OA_API_ROOT.replace(/\/$/, ""),
          oauthRoot: e.ZALO_OA_OAUTH_ROOT.replace(/\/$/, ""),
          tokenKey: parseTokenKey(e.ZALO_OA_TOKEN_KEY!)!,
          codeVerifier: e.ZALO_OA_CODE_VERIFIER,
          redirectUri: e.ZALO_OA_REDIRECT_URI,
        }
      : undefined,
    trustProxy: e.TRUST_PROXY,
    webchat: {
      enabled: e.WEBCHAT_ENABLED,
      secret: e.WEBCHAT_SECRET,
      perIpPerMinute: e.WEBCHAT_PER_IP_PER_MINUTE,
      globalPerSecond: e.WEBCHAT_GLOBAL_PER_SECOND,
      newChatsPerIpPerHour: e.WEBCHAT_NEW_CHATS_PER_IP_PER_HOUR,
      maxChats: e.WEBCHAT_MAX_CHATS,
      submissionsPerIpPerDay: e.WEBCHAT_SUBMISSIONS_PER_IP_PER_DAY,
      powBits: e.WEBCHAT_POW_BITS,
    },
    queueDashboard: e.QUEUE_DASHBOARD_ENABLED,
    maxSubmissionsPerDay: e.MAX_SUBMISSIONS_PER_DAY,
    evidenceMaxBytes: e.EVIDENCE_MAX_BYTES,
    inboundPartitions: e.INBOUND_PARTITIONS,
    outboundPartitions: e.OUTBOUND_PARTITIONS,
    directReplies: e.DIRECT_REPLIES,
    questions: { remindAfterHours: e.QUESTION_REMIND_HOURS, answerUnit: e.ANSWER_UNIT },
    workers: e.WORKERS,
    workerNice: e.WORKER_NICE,
    workerYieldConcurrency: e.WORKER_YIELD_CONCURRENCY,
    broadcastNice: e.BROADCAST_NICE,
    broadcastChildren: e.BROADCAST_CHILDREN,
    workersSendAnnouncements: e.WORKERS_SEND_ANNOUNCEMENTS,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
  };
}
