/**
 * Every Redis key the application writes, in one place: a newcomer sees at a glance what lives in
 * Redis, and two concerns can never pick the same name by accident. Every key starts with the
 * deployment's prefix (REDIS_PREFIX), so several deployments can share one Redis.
 */

/**
 * The key templates, each a function of the prefix and the parts that name the key.
 *
 * @example redisKeys.session("cds", "zalo", "12345") // "cds:sess:zalo:12345"
 */
export const redisKeys = {
  /** A chat's conversation session (JSON, 24 h). */
  session: (prefix: string, channel: string, chatId: string) => `${prefix}:sess:${channel}:${chatId}`,
  /** The lock held while one message of the chat is processed. */
  sessionLock: (prefix: string, channel: string, chatId: string) =>
    `${prefix}:sess:${channel}:${chatId}:lock`,
  /** Messages of a chat in one flood window. */
  flood: (prefix: string, channel: string, chatId: string, window: number) =>
    `${prefix}:flood:${channel}:${chatId}:${window}`,
  /** An inbound update already accepted (webhook deduplication, 24 h). */
  seen: (prefix: string, channel: string, messageId: string) => `${prefix}:seen:${channel}:${messageId}`,
  /**
   * Accepted inbound updates not yet jobs (a list; see queue/inbox.ts), the ones a mover is storing,
   * and the mover's lock. One colon only: the chat forgetter's patterns (":<id>") never match them.
   */
  inboundInbox: (prefix: string) => `${prefix}:inbound-inbox`,
  inboundInboxTaken: (prefix: string) => `${prefix}:inbound-inbox-taken`,
  inboundInboxLock: (prefix: string) => `${prefix}:inbound-inbox-lock`,
  /** An inbound update whose job ran to the end. */
  processed: (prefix: string, channel: string, messageId: string) =>
    `${prefix}:processed:${channel}:${messageId}`,
  /** One delivered reply (or part) of an outbound job. */
  sent: (prefix: string, channel: string, jobKey: string, part: string) =>
    `${prefix}:sent:${channel}:${jobKey}:${part}`,
  /** Outbound jobs of a chat queued and not yet ended (a direct reply must not overtake them). */
  outboundPending: (prefix: string, channel: string, chatId: string) =>
    `${prefix}:outpending:${channel}:${chatId}`,
  /** Names the Redis connection of a live worker process (CLIENT SETNAME; gone when the process dies). */
  workerAlive: (prefix: string, processToken: string) => `${prefix}:alive:${processToken}`,
  /** BullMQ worker id → the process token of the process running it (see dead-worker-takeover.ts). */
  workerOwners: (prefix: string) => `${prefix}:worker-owners`,
  /** A token bucket of the outbound rate limiter. */
  rateBucket: (prefix: string, bucket: string) => `${prefix}:rl:${bucket}`,
  /** A person opted out of announcements: the broadcast dispatcher checks it just before each send. */
  announcementOptOut: (prefix: string, personId: string) => `${prefix}:ann:optout:${personId}`,
  /** An announcement cancelled: the dispatcher checks it just before each send. */
  announcementCancelled: (prefix: string, announcementId: string) => `${prefix}:ann:cancel:${announcementId}`,
  /** Set just before the platform call of one announcement delivery ("attempted"). */
  announcementAttempt: (prefix: string, deliveryId: string) => `${prefix}:ann:att:${deliveryId}`,
  /** Set right after the platform accepted one announcement delivery. */
  announcementAccepted: (prefix: string, deliveryId: string) => `${prefix}:ann:ok:${deliveryId}`,
  /** The review action whose reason a reviewer is typing. */
  reviewReason: (prefix: string, channel: string, userId: string) =>
    `${prefix}:review:reason:${channel}:${userId}`,
  /** The nomination whose information request a chat is answering. */
  reviewAwaiting: (prefix: string, channel: string, chatId: string) =>
    `${prefix}:review:awaiting:${channel}:${chatId}`,
  /** The question card action whose text (answer, original, reason) an official is typing. */
  questionPending: (prefix: string, channel: string, userId: string) =>
    `${prefix}:questions:pending:${channel}:${userId}`,
  /** The version of the published FAQ; every process reloads its FAQ index when it moves. */
  faqVersion: (prefix: string) => `${prefix}:faq:version`,
  /** Failed panel sign-ins from one (hashed) address. */
  adminSignInFailures: (prefix: string, ipHash: string) => `${prefix}:admin:signin-failures:${ipHash}`,
  /** The web chat's transcript (both sides) and its sequence counter. */
  webchatOut: (prefix: string, chatId: string) => `${prefix}:webchat:${chatId}:out`,
  webchatSeq: (prefix: string, chatId: string) => `${prefix}:webchat:${chatId}:seq`,
  /** The pub/sub channel announcing "this web chat has new transcript lines" to every web process. */
  webchatNotify: (prefix: string) => `${prefix}:webchat:notify`,
  /** The supergroup a Telegram group was upgraded to (no expiry: the old id never comes back). */
  telegramMigrated: (prefix: string, chatId: string) => `${prefix}:telegram:migrated:${chatId}`,
  /** A Zalo protected sender already told the assistant cannot read them (90 days). */
  zaloProtectedTold: (prefix: string, chatId: string, userId: string) =>
    `${prefix}:zalo:protected-told:${chatId}:${userId}`,
  /** A Zalo OA follow already greeted (its event may arrive twice). */
  zaloOaSubscriptionSeen: (prefix: string, key: string) => `${prefix}:zalo_oa:subscription-seen:${key}`,
  /** The lock one process holds while it refreshes the OA token pair. */
  zaloOaRefreshLock: (prefix: string, appId: string) => `${prefix}:zalo_oa:refresh-lock:${appId}`,
  /** When a Zalo OA user last wrote (the free reply window). */
  zaloOaInteraction: (prefix: string, userId: string) => `${prefix}:zalo_oa:interaction:${userId}`,
  /** The re-consent alert already sent for a token that stopped working at `since`. */
  zaloOaReauthAlerted: (prefix: string, since: number) => `${prefix}:zalo_oa:reauth-alerted:${since}`,
  /** The web chat's generated signing key, when WEBCHAT_SECRET is not configured (shared by every web process). */
  webchatSecret: (prefix: string) => `${prefix}:webchat:secret`,
  /** Sorted set chatId → last activity (ms): the live web chats, capped at WEBCHAT_MAX_CHATS. */
  webchatLive: (prefix: string) => `${prefix}:webchat:live`,
  /** A solved web chat proof-of-work challenge (a solution opens one chat only). */
  webchatSpentChallenge: (prefix: string, digest: string) => `${prefix}:webchat:pow:${digest}`,
  /** A web chat address's request counter or token bucket (hashed address). */
  webchatPerIp: (prefix: string, kind: "post" | "poll" | "open", client: string, window: number) =>
    `${prefix}:webchat:rl:${kind}:${client}:${window}`,
  /** All web chat clients' messages in one second. */
  webchatGlobal: (prefix: string, second: number) => `${prefix}:webchat:rl:all:${second}`,
  /** Web chat submissions from one (hashed) address on one Vietnam day. */
  webchatSubmissions: (prefix: string, client: string, day: string) =>
    `${prefix}:webchat:quota:${client}:${day}`,
} as const;
