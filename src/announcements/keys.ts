/**
 * The Redis keys the announcements use, named for this concern; the templates themselves live with
 * every other key in src/redis/keys.ts. Values are markers, never personal data.
 */
import { redisKeys } from "../redis/keys.js";

export const announcementKeys = {
  optOut: redisKeys.announcementOptOut,
  cancelled: redisKeys.announcementCancelled,
  attempt: redisKeys.announcementAttempt,
  accepted: redisKeys.announcementAccepted,
  /** The bot-wide token bucket of a channel, shared with conversation replies (see src/queue/rate-limiter.ts). */
  channelBucket: (prefix: string, channel: string) => redisKeys.rateBucket(prefix, `${channel}:all`),
} as const;

/** How long delivery markers live: longer than any broadcast can take to be resumed. */
export const MARKER_TTL_SECONDS = 7 * 24 * 3_600;
