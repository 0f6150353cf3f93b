/**
 * The OA token pair in PostgreSQL, encrypted with AES-256-GCM under ZALO_OA_TOKEN_KEY: a database
 * dump alone does not hand anyone the OA. The row's `version` lets a process that refreshed see
 * whether someone else refreshed first.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Db } from "../../db/client.js";
import type { OaTokenPair } from "./oauth.js";

/** The stored pair, decrypted. */
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: Date;
  version: number;
  updatedAt: Date;
  needsReauthAt: Date | null;
  lastError: string | null;
}

/** The stored value cannot be decrypted with this key (wrong ZALO_OA_TOKEN_KEY, or tampered). */
export class TokenDecryptError extends Error {
  override name = "TokenDecryptError";
}

/** @example seal(key, "access", appId, token) // "base64(iv|tag|ciphertext)" */
export function seal(key: Buffer, field: string, appId: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  // The field and app are bound in: an access token cannot be swapped into the refresh column.
  cipher.setAAD(Buffer.from(`${appId}:${field}`));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

/** @throws TokenDecryptError */
export function open(key: Buffer, field: string, appId: string, sealed: string): string {
  try {
    const raw = Buffer.from(sealed, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(`${appId}:${field}`));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    throw new TokenDecryptError("the stored Zalo OA token cannot be decrypted with ZALO_OA_TOKEN_KEY");
  }
}

/** @example const store = new OaTokenStore(db, config.zaloOa.appId, config.zaloOa.tokenKey) */
export class OaTokenStore {
  constructor(
    private readonly db: Db,
    readonly appId: string,
    private readonly key: Buffer,
  ) {}

  async read(): Promise<StoredTokens | undefined> {
    const row = await this.db.oaCredential.findUnique({ where: { appId: this.appId } });
    if (!row) return undefined;
    return {
      accessToken: open(this.key, "access", this.appId, row.accessToken),
      refreshToken: open(this.key, "refresh", this.appId, row.refreshToken),
      accessExpiresAt: row.accessExpiresAt,
      version: row.version,
      updatedAt: row.updatedAt,
      needsReauthAt: row.needsReauthAt,
      lastError: row.lastError,
    };
  }

  /** Stores a new pair (clearing any re-authorisation flag) and returns its version. */
  async save(pair: OaTokenPair, now = new Date()): Promise<number> {
    const data = {
      accessToken: seal(this.key, "access", this.appId, pair.accessToken),
      refreshToken: seal(this.key, "refresh", this.appId, pair.refreshToken),
      accessExpiresAt: new Date(now.getTime() + pair.expiresInS * 1000),
      needsReauthAt: null,
      lastError: null,
    };
    const row = await this.db.oaCredential.upsert({
      where: { appId: this.appId },
      create: { appId: this.appId, ...data },
      update: { ...data, version: { increment: 1 } },
      select: { version: true },
    });
    return row.version;
  }

  /** Records that only the OA admin's re-consent can help; returns when that was first noticed. */
  async markNeedsReauth(reason: string, now = new Date()): Promise<Date> {
    await this.db.oaCredential.updateMany({
      where: { appId: this.appId, needsReauthAt: null },
      data: { needsReauthAt: now, lastError: reason.slice(0, 300) },
    });
    const row = await this.db.oaCredential.findUnique({
      where: { appId: this.appId },
      select: { needsReauthAt: true },
    });
    return row?.needsReauthAt ?? now;
  }
}
