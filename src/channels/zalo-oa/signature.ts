/**
 * `X-ZEvent-Signature: mac=<hex>`, where hex = SHA-256 (plain, not HMAC) of
 * `app_id + rawBody + timestamp + key` over the exact bytes received. Public sources disagree on
 * which key (the OA secret key or the app secret) and on the first term (app id or OA id), so
 * every configured combination is tried and the one that matched is reported (and logged once).
 */
import { createHash, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-zevent-signature";

/** One way of computing the MAC; `name` is what gets logged (never the key itself). */
export interface MacCandidate {
  name: string;
  first: "app_id" | "oa_id";
  key: string;
}

/**
 * The combinations to accept: the OA secret key first (Chatwoot and the 2026 guide), then the app
 * secret (other code), each with app_id and then oa_id as the first term.
 *
 * @example macCandidates({ secretKey, appSecret })
 */
export function macCandidates(keys: { secretKey: string; appSecret?: string }): MacCandidate[] {
  const out: MacCandidate[] = [];
  const named: Array<[string, string | undefined]> = [
    ["ZALO_OA_SECRET_KEY", keys.secretKey],
    ["ZALO_OA_APP_SECRET", keys.appSecret],
  ];
  for (const [keyName, key] of named) {
    if (!key || out.some((c) => c.key === key)) continue;
    for (const first of ["app_id", "oa_id"] as const) out.push({ name: `${first}+${keyName}`, first, key });
  }
  return out;
}

/** The hex MAC Zalo would send for this body. */
export function computeMac(first: string, rawBody: Buffer, timestamp: string, key: string): string {
  return createHash("sha256").update(first).update(rawBody).update(timestamp).update(key).digest("hex");
}

/**
 * Which candidate signed this delivery, or undefined. Every candidate is computed and compared in
 * constant time, so timing reveals neither the MAC nor which candidate is in use.
 *
 * @example const matched = verifySignature(req.get("x-zevent-signature"), raw, body, candidates)
 */
export function verifySignature(
  header: string | undefined,
  rawBody: Buffer,
  fields: { app_id?: unknown; oa_id?: unknown; recipient?: unknown; timestamp?: unknown },
  candidates: MacCandidate[],
): MacCandidate | undefined {
  if (!header) return undefined;
  const given = header.trim().replace(/^mac=/i, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) return undefined;
  const givenBytes = Buffer.from(given, "hex");
  const timestamp =
    typeof fields.timestamp === "string" || typeof fields.timestamp === "number"
      ? String(fields.timestamp)
      : "";
  const oaId =
    typeof fields.oa_id === "string"
      ? fields.oa_id
      : typeof (fields.recipient as { id?: unknown } | undefined)?.id === "string"
        ? String((fields.recipient as { id: string }).id)
        : "";
  const appId = typeof fields.app_id === "string" ? fields.app_id : "";
  let matched: MacCandidate | undefined;
  for (const c of candidates) {
    const expected = Buffer.from(
      computeMac(c.first === "app_id" ? appId : oaId, rawBody, timestamp, c.key),
      "hex",
    );
    if (timingSafeEqual(expected, givenBytes) && !matched) matched = c;
  }
  return matched;
}
