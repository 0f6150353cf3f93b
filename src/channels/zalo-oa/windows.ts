/**
 * Zalo's consultation windows: a reply is free within 48 h of the user's last interaction, billed
 * from 48 h to 7 days, and impossible after 7 days (-230/-232). The webhook records every
 * interaction; a message outside the free window (a late review decision, an official's answer)
 * is first checked with the quota API, so a closed window is known before anything is sent.
 */
import type { Redis } from "ioredis";
import type { OaClient } from "./client.js";
import { OaApiError } from "./errors.js";
import { redisKeys } from "../../redis/keys.js";

export const FREE_WINDOW_MS = 48 * 3_600_000;
export const BILLED_WINDOW_MS = 7 * 24 * 3_600_000;

export type WindowState = "free" | "billed" | "closed";

export interface OaWindowsDeps {
  redis: Redis;
  prefix: string;
  client: Pick<OaClient, "quota">;
  now?: () => number;
}

/** @example if ((await windows.check(userId)) === "closed") throw new RecipientUnreachableError("outside Zalo's 7-day window") */
export class OaWindows {
  constructor(private readonly deps: OaWindowsDeps) {}

  private key(userId: string): string {
    return redisKeys.zaloOaInteraction(this.deps.prefix, userId);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Remembers the user's latest interaction (epoch ms); an older, re-delivered event never moves it back. */
  async recordInteraction(userId: string, at: number): Promise<void> {
    await this.deps.redis.eval(
      "local v = tonumber(redis.call('get', KEYS[1]) or '0'); if tonumber(ARGV[1]) > v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) end return 0",
      1,
      this.key(userId),
      String(Math.trunc(at)),
      String(BILLED_WINDOW_MS + 24 * 3_600_000),
    );
  }

  /**
   * Where the user stands now. Inside 48 h by our own record: "free" without asking Zalo.
   * Otherwise the quota API says when the user last interacted (its answer is remembered).
   */
  async check(userId: string): Promise<WindowState> {
    const known = Number(await this.deps.redis.get(this.key(userId)));
    if (known && this.now() - known < FREE_WINDOW_MS) return "free";
    let last: number | undefined;
    try {
      last = (await this.deps.client.quota(userId)).lastInteraction;
    } catch (err) {
      if (err instanceof OaApiError && err.handling === "unreachable") return "closed";
      // The pre-flight is advice: when it fails, the send itself will say whether the window is closed.
      return known ? stateOf(this.now() - known) : "billed";
    }
    if (last === undefined) return known ? stateOf(this.now() - known) : "billed";
    await this.recordInteraction(userId, last);
    return stateOf(this.now() - Math.max(last, known || 0));
  }
}

function stateOf(age: number): WindowState {
  return age < FREE_WINDOW_MS ? "free" : age < BILLED_WINDOW_MS ? "billed" : "closed";
}
