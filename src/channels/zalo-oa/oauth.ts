/**
 * Zalo's OAuth v4 for Official Accounts: the consent link (PKCE), and the one token endpoint used
 * both to exchange an authorization code and to refresh. The app secret goes in a `secret_key`
 * header (not the body, not Basic auth); the refresh token is single use.
 */
import { createHash, randomBytes } from "node:crypto";
import axios from "axios";
import { OaApiError, OaNetworkError } from "./errors.js";

/** What the token endpoint gives: `expires_in` arrives as a string ("90000" seconds = 25 h). */
export interface OaTokenPair {
  accessToken: string;
  refreshToken: string;
  expiresInS: number;
}

/** The access token's documented lifetime, used when `expires_in` is missing. */
export const DEFAULT_ACCESS_TTL_S = 90_000;

/**
 * The PKCE challenge Zalo expects: base64url (no padding) of the raw SHA-256 of the verifier.
 *
 * @example codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") // "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
 */
export function codeChallenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** A fresh 43-character verifier (32 random bytes, base64url): what `auth-url` offers when none is configured. */
export function newCodeVerifier(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The link the OA admin opens to grant the app access. Zalo sends them back to
 * `redirectUri?code=…&oa_id=…`; the code lives 10 minutes and is used once.
 *
 * @example consentUrl({ oauthRoot, appId, redirectUri, codeVerifier, state: "setup" })
 */
export function consentUrl(opts: {
  oauthRoot: string;
  appId: string;
  redirectUri: string;
  codeVerifier: string;
  state?: string;
}): string {
  const u = new URL(`${opts.oauthRoot}/v4/oa/permission`);
  u.searchParams.set("app_id", opts.appId);
  u.searchParams.set("redirect_uri", opts.redirectUri);
  u.searchParams.set("code_challenge", codeChallenge(opts.codeVerifier));
  if (opts.state) u.searchParams.set("state", opts.state);
  return u.toString();
}

export interface OaOAuthOptions {
  oauthRoot: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
}

/** The token endpoint. Both calls throw OaApiError (code -14xxx or 0 when Zalo gave none) or OaNetworkError. */
export class OaOAuthClient {
  constructor(private readonly opts: OaOAuthOptions) {}

  /** @example const pair = await oauth.exchangeCode(code, verifier) */
  exchangeCode(code: string, codeVerifier: string): Promise<OaTokenPair> {
    return this.tokenCall({
      code,
      app_id: this.opts.appId,
      grant_type: "authorization_code",
      code_verifier: codeVerifier,
    });
  }

  /** Spends `refreshToken` (single use) for a new pair: persist the result before anything else. */
  refresh(refreshToken: string): Promise<OaTokenPair> {
    return this.tokenCall({
      refresh_token: refreshToken,
      app_id: this.opts.appId,
      grant_type: "refresh_token",
    });
  }

  private async tokenCall(form: Record<string, string>): Promise<OaTokenPair> {
    const endpoint = "/v4/oa/access_token";
    let res;
    try {
      res = await axios.post(`${this.opts.oauthRoot}${endpoint}`, new URLSearchParams(form).toString(), {
        headers: { "content-type": "application/x-www-form-urlencoded", secret_key: this.opts.appSecret },
        timeout: this.opts.timeoutMs ?? 10_000,
        validateStatus: () => true,
        maxRedirects: 0,
      });
    } catch (err) {
      throw new OaNetworkError(endpoint, (err as { code?: string }).code ?? (err as Error).message);
    }
    if (res.status >= 500) throw new OaNetworkError(endpoint, `HTTP ${res.status}`);
    const body = (res.data ?? {}) as Record<string, unknown>;
    if (
      typeof body.access_token === "string" &&
      typeof body.refresh_token === "string" &&
      body.access_token &&
      body.refresh_token
    ) {
      const expires = Number(body.expires_in);
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresInS: Number.isFinite(expires) && expires > 0 ? expires : DEFAULT_ACCESS_TTL_S,
      };
    }
    // A failed exchange or refresh answers error_description instead of tokens (Chatwoot, facts sheet §2).
    const code = Number(body.error ?? 0);
    throw new OaApiError(
      endpoint,
      Number.isFinite(code) ? code : 0,
      String(body.error_description ?? body.message ?? body.error_name ?? `HTTP ${res.status}`).slice(0, 300),
    );
  }
}
