/**
 * Zalo OA's error codes (envelope `{"error": N, "message": "…"}`, usually over HTTP 200) and what
 * each one means for us. One table, so the client, the sender and the tests agree on every code.
 */

/** What to do when Zalo answers an error. */
export type OaErrorHandling =
  /** Wait and try again later (rate limit, transient). */
  | "retry"
  /** Back off longer: the app or the OA hit its call quota (-32). */
  | "backoff"
  /** The access token is invalid or expired: refresh once, retry once. */
  | "refresh"
  /** Only the OA admin can fix it (re-consent, activate the app, register the API). */
  | "reauth"
  /** This user cannot get a consultation message now (window passed, blocked, inactive). */
  | "unreachable"
  /** Promotion-type content at night: send it after 06:00. */
  | "night"
  /** The request itself is wrong, or the account lacks a feature: retrying cannot help. */
  | "permanent";

/**
 * The error table of the facts sheet (docs/zalo-oa.md §Errors). Codes not listed are "permanent"
 * unless they are network or 5xx failures (handled before the envelope is read).
 */
export const OA_ERROR_TABLE: Readonly<Record<number, { handling: OaErrorHandling; meaning: string }>> = {
  [-32]: { handling: "backoff", meaning: "reached limit call api (app or OA)" },
  [-201]: { handling: "permanent", meaning: "a parameter is invalid" },
  [-209]: { handling: "reauth", meaning: "app not activated / API not supported" },
  [-212]: { handling: "reauth", meaning: "app has not registered the Official Account API" },
  [-211]: { handling: "permanent", meaning: "out of quota" },
  [-218]: { handling: "permanent", meaning: "out of quota receive" },
  [-213]: { handling: "unreachable", meaning: "user has not followed the OA" },
  [-216]: { handling: "refresh", meaning: "access token is invalid" },
  [-220]: { handling: "refresh", meaning: "access token expired or removed" },
  [-221]: { handling: "permanent", meaning: "OA needs to be verified" },
  [-224]: { handling: "permanent", meaning: "OA needs to upgrade its tier package" },
  [-223]: { handling: "reauth", meaning: "OA has not authorized this API" },
  [-227]: { handling: "unreachable", meaning: "user banned or inactive for over 45 days" },
  [-230]: { handling: "unreachable", meaning: "no interaction with the OA in the past 7 days" },
  [-232]: { handling: "unreachable", meaning: "interaction expired" },
  [-234]: { handling: "night", meaning: "this message cannot be sent at night (22:00–06:00)" },
  [-240]: { handling: "permanent", meaning: "the v2 message API is shut down" },
  [-244]: { handling: "unreachable", meaning: "user restricted this message type from the OA" },
};

/** The window codes: the user has not interacted within 7 days (billed consultation window). */
export const OUTSIDE_WINDOW_CODES: readonly number[] = [-230, -232];

/** @example handlingOf(-220) // "refresh" */
export function handlingOf(code: number): OaErrorHandling {
  return OA_ERROR_TABLE[code]?.handling ?? "permanent";
}

/** Anything the OA client throws. */
export class OaError extends Error {
  override name = "OaError";
}

/** Zalo answered `error != 0`. */
export class OaApiError extends OaError {
  override name = "OaApiError";
  readonly handling: OaErrorHandling;
  constructor(
    readonly endpoint: string,
    readonly code: number,
    readonly description: string,
  ) {
    super(`Zalo OA ${endpoint} failed: ${code} ${description}`);
    this.handling = handlingOf(code);
  }
}

/** No answer (refused, reset, timeout) or a 5xx: worth retrying. */
export class OaNetworkError extends OaError {
  override name = "OaNetworkError";
  constructor(
    readonly endpoint: string,
    readonly detail: string,
  ) {
    super(`Zalo OA ${endpoint} unreachable: ${detail}`);
  }
}

/** There is no usable token: the OA admin must grant access again (`npm run zalo-oa -- auth-url`). */
export class OaReauthRequiredError extends OaError {
  override name = "OaReauthRequiredError";
}
