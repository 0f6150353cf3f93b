/**
 * Every Redis key the web chat's abuse protection writes, in one place (easy to move into a
 * shared key registry). All are bounded: counters expire with their window, the live-chats index
 * is trimmed to WEBCHAT_MAX_CHATS.
 */
export const webchatGuardKeys = {
  /** The generated signing key, when WEBCHAT_SECRET is not configured (shared by every web process). */
  secret: (prefix: string) => `${prefix}:webchat:secret`,
  /** Sorted set chatId → last activity (ms): the live web chats, capped in number. */
  liveChats: (prefix: string) => `${prefix}:webchat:live`,
  /** A solved proof-of-work challenge, so a solution opens one chat only. */
  spentChallenge: (prefix: string, digest: string) => `${prefix}:webchat:pow:${digest}`,
  /** Fixed-window request counters. */
  perIp: (prefix: string, kind: "post" | "poll" | "open", client: string, window: number) => `${prefix}:webchat:rl:${kind}:${client}:${window}`,
  global: (prefix: string, window: number) => `${prefix}:webchat:rl:all:${window}`,
  /** Submissions from one client address on one Vietnam day. */
  submissions: (prefix: string, client: string, day: string) => `${prefix}:webchat:quota:${client}:${day}`,
} as const;
