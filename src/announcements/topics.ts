/**
 * The topics a person can subscribe to. Ids are stored in Subscription.topics and
 * Announcement.topics; the words shown and typed come from `locales/<lang>/announcements.yaml`
 * (`announcements.topic.<id>` and `announcements.topic_aliases.<id>`).
 */
export const TOPICS = ["movement", "deadlines", "role_models"] as const;
export type Topic = (typeof TOPICS)[number];

export const isTopic = (v: unknown): v is Topic =>
  typeof v === "string" && (TOPICS as readonly string[]).includes(v);
