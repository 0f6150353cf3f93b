/**
 * Every Redis key the announcements concern uses, in one place (so they can move to a shared
 * key registry without hunting through the code). Values are markers, never personal data.
 */
export const announcementKeys = {
  /** Set while a person is opted out: the dispatcher checks it just before each send. */
  optOut: (prefix: string, personId: string) => `${prefix}:ann:optout:${personId}`,
  /** Set when an announcement is cancelled: the dispatcher checks it just before each send. */
  cancelled: (prefix: string, announcementId: string) => `${prefix}:ann:cancel:${announcementId}`,
  /** Set just before the platform call of one delivery ("attempted"). */
  attempt: (prefix: string, deliveryId: string) => `${prefix}:ann:att:${deliveryId}`,
  /** Set right after the platform accepted one delivery. */
  accepted: (prefix: string, deliveryId: string) => `${prefix}:ann:ok:${deliveryId}`,
  /** The bot-wide token bucket of a channel, shared with conversation replies (see src/queue/rate-limiter.ts). */
  channelBucket: (prefix: string, channel: string) => `${prefix}:rl:${channel}:all`,
} as const;

/** How long delivery markers live: longer than any broadcast can take to be resumed. */
export const MARKER_TTL_SECONDS = 7 * 24 * 3_600;
