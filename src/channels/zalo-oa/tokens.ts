/**
 * Keeps one valid OA access token for every process. The refresh token is single use, so two
 * processes refreshing at once would leave one of them (and then everyone) with a dead pair:
 * refreshing happens under a Redis lock, the new pair is written to PostgreSQL before anyone uses
 * it, and a process that lost the race reads the winner's pair instead of refreshing again.
 * A refresh that fails for good flags the OA for re-consent and alerts the admins once.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { OaApiError, OaNetworkError, OaReauthRequiredError } from "./errors.js";
import type { OaOAuthClient } from "./oauth.js";
import { TokenDecryptError, type OaTokenStore, type StoredTokens } from "./token-store.js";
import { redisKeys } from "../../redis/keys.js";

/** Refresh this long before the access token expires: 25 h tokens are refreshed at about 20 h. */
export const DEFAULT_REFRESH_AHEAD_MS = 5 * 3_600_000;
/** Longer than one token call's timeout: a lock left by a crashed refresher lapses on its own. */
const LOCK_TTL_MS = 30_000;
/** How long cached credentials are trusted before PostgreSQL is asked again (another process may have refreshed). */
const CACHE_MS = 30_000;

/** The channel's authorisation state, for the metrics and the admin panel banner. */
export interface OaTokenStatus {
  /** ok: a usable token; needs_reauth: the OA admin must grant access again; missing: never set up. */
  state: "ok" | "needs_reauth" | "missing";
  accessExpiresAt?: Date;
  needsReauthAt?: Date;
  /** Refreshes this process made (successful). */
  refreshes: number;
  /** Refreshes that failed (any reason) in this process. */
  refreshFailures: number;
}

export interface OaTokensDeps {
  store: OaTokenStore;
  oauth: Pick<OaOAuthClient, "refresh">;
  redis: Redis;
  prefix: string;
  logger: Logger;
  refreshAheadMs?: number;
  /** Told once per incident (every process may call it; the key makes the alert idempotent). */
  onReauthNeeded?: (incident: { since: Date; reason: string }) => Promise<void>;
  now?: () => number;
}

/** @example const token = await tokens.accessToken() */
export class OaTokens {
  private cached?: { tokens: StoredTokens; at: number };
  private readonly stats = { refreshes: 0, refreshFailures: 0 };
  private lastState: OaTokenStatus["state"] = "missing";
  private readonly log: Logger;
  private readonly lockKey: string;

  constructor(private readonly deps: OaTokensDeps) {
    this.log = deps.logger.child({ channel: "zalo_oa", module: "tokens" });
    this.lockKey = redisKeys.zaloOaRefreshLock(deps.prefix, deps.store.appId);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private async load(fresh = false): Promise<StoredTokens | undefined> {
    if (!fresh && this.cached && this.now() - this.cached.at < CACHE_MS) return this.cached.tokens;
    let tokens: StoredTokens | undefined;
    try {
      tokens = await this.deps.store.read();
    } catch (err) {
      if (!(err instanceof TokenDecryptError)) throw err;
      // ZALO_OA_TOKEN_KEY changed (or the row was tampered with): only a new consent helps.
      this.lastState = "needs_reauth";
      throw new OaReauthRequiredError(`${err.message}: run auth-url and exchange again, or restore the key`);
    }
    this.cached = tokens ? { tokens, at: this.now() } : undefined;
    this.lastState = !tokens ? "missing" : tokens.needsReauthAt ? "needs_reauth" : "ok";
    return tokens;
  }

  /**
   * A token that is valid now, refreshing first when it is due (about 20 h old).
   * @throws OaReauthRequiredError when there is no usable pair; OaNetworkError when a due refresh could not reach Zalo and the old token has expired
   */
  async accessToken(): Promise<string> {
    const t = await this.load();
    if (!t)
      throw new OaReauthRequiredError(
        "no Zalo OA token stored: run `npm run zalo-oa -- auth-url` (or set-tokens)",
      );
    if (t.needsReauthAt)
      throw new OaReauthRequiredError("the Zalo OA needs to grant access again (OA cần cấp quyền lại)");
    const left = t.accessExpiresAt.getTime() - this.now();
    if (left > (this.deps.refreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS)) return t.accessToken;
    try {
      return await this.refresh(t.version);
    } catch (err) {
      // A refresh that could not reach Zalo is retried on the next call; the old token still works until it expires.
      if (err instanceof OaNetworkError && left > 0) return t.accessToken;
      throw err;
    }
  }

  /** After Zalo refused `rejected` (-216/-220): a newer token, refreshing unless someone already did. */
  async afterRejection(rejected: string): Promise<string> {
    const t = await this.load(true);
    if (!t) throw new OaReauthRequiredError("no Zalo OA token stored");
    if (t.needsReauthAt) throw new OaReauthRequiredError("the Zalo OA needs to grant access again");
    if (t.accessToken !== rejected) return t.accessToken;
    return this.refresh(t.version);
  }

  /** The state right now (read from PostgreSQL), for metrics and the admin panel. */
  async status(): Promise<OaTokenStatus> {
    const t = await this.load(true).catch(() => this.cached?.tokens);
    return {
      state: this.lastState,
      ...(t ? { accessExpiresAt: t.accessExpiresAt } : {}),
      ...(t?.needsReauthAt ? { needsReauthAt: t.needsReauthAt } : {}),
      ...this.stats,
    };
  }

  /** Like status(), but answered from the 30-second cache (for every admin page). */
  async cachedStatus(): Promise<OaTokenStatus> {
    const t = await this.load().catch(() => this.cached?.tokens);
    return {
      state: this.lastState,
      ...(t ? { accessExpiresAt: t.accessExpiresAt } : {}),
      ...(t?.needsReauthAt ? { needsReauthAt: t.needsReauthAt } : {}),
      ...this.stats,
    };
  }

  /** The last known state without a database read (a gauge callback must not block). */
  get state(): OaTokenStatus["state"] {
    return this.lastState;
  }

  /** Refreshes the pair of version `seen`, or returns the pair someone else stored meanwhile. */
  private async refresh(seen: number): Promise<string> {
    const me = randomBytes(8).toString("hex");
    const deadline = this.now() + LOCK_TTL_MS + 5_000;
    for (;;) {
      const got = await this.deps.redis.set(this.lockKey, me, "PX", LOCK_TTL_MS, "NX");
      if (got === "OK") break;
      // Another process is refreshing: wait for its pair rather than spend the refresh token twice.
      await sleep(100);
      const t = await this.load(true);
      if (t && t.version > seen) {
        if (t.needsReauthAt) throw new OaReauthRequiredError("the Zalo OA needs to grant access again");
        return t.accessToken;
      }
      if (this.now() > deadline)
        throw new OaNetworkError("/v4/oa/access_token", "timed out waiting for another process's refresh");
    }
    try {
      const t = await this.load(true);
      if (!t) throw new OaReauthRequiredError("no Zalo OA token stored");
      if (t.needsReauthAt) throw new OaReauthRequiredError("the Zalo OA needs to grant access again");
      if (t.version > seen) return t.accessToken; // refreshed between our read and the lock
      let pair;
      try {
        pair = await this.deps.oauth.refresh(t.refreshToken);
      } catch (err) {
        this.stats.refreshFailures++;
        if (err instanceof OaNetworkError) {
          this.log.warn({ err: err.message }, "Zalo OA token refresh could not reach Zalo; will retry");
          throw err;
        }
        // Zalo refused the refresh token: only the OA admin's consent can help now.
        const reason = err instanceof OaApiError ? `${err.code} ${err.description}` : String(err);
        const since = await this.deps.store.markNeedsReauth(reason);
        this.lastState = "needs_reauth";
        this.cached = undefined;
        this.log.error({ reason }, "Zalo OA token refresh refused: the OA admin must grant access again");
        await this.deps
          .onReauthNeeded?.({ since, reason })
          .catch((e: unknown) =>
            this.log.error({ err: String(e) }, "could not alert admins about the Zalo OA"),
          );
        throw new OaReauthRequiredError(`Zalo OA token refresh refused: ${reason}`);
      }
      // Persisted before it is used: if we die right after Zalo rotated the pair, the new one is safe.
      const version = await this.deps.store.save(pair);
      this.stats.refreshes++;
      this.cached = {
        tokens: {
          ...t,
          accessToken: pair.accessToken,
          refreshToken: pair.refreshToken,
          accessExpiresAt: new Date(this.now() + pair.expiresInS * 1000),
          version,
          needsReauthAt: null,
          lastError: null,
        },
        at: this.now(),
      };
      this.lastState = "ok";
      this.log.info({ version }, "Zalo OA token refreshed");
      return pair.accessToken;
    } finally {
      // Released only if still ours (a lock that lapsed may belong to someone else now).
      await this.deps.redis
        .eval(
          "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
          1,
          this.lockKey,
          me,
        )
        .catch(() => {});
    }
  }
}
