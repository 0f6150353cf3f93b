/**
 * How every running process learns that the published FAQ changed, without a restart: a version
 * counter in Redis, bumped after each committed change and read before each FAQ lookup (one GET,
 * and only when the plan had no answer). A Redis that lost the counter reads as a change too.
 */
import type { Redis } from "ioredis";
import { redisKeys } from "../redis/keys.js";

export interface FaqSignal {
  /** Announces a committed change. */
  bump(): Promise<void>;
  /** The current version, or null when Redis has none. */
  current(): Promise<string | null>;
}

/** @example const signal = createFaqSignal(redis, prefix) */
export function createFaqSignal(redis: Redis, prefix: string): FaqSignal {
  const key = redisKeys.faqVersion(prefix);
  return {
    async bump() {
      await redis.incr(key);
    },
    current: () => redis.get(key),
  };
}
