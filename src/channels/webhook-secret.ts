/**
 * The shared secret a platform sends with every webhook (Telegram's and Zalo's secret-token header).
 */
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * A constant-time check against `expected`. Both sides are hashed, so the buffers have equal length
 * and the time taken reveals neither the secret's length nor how much of it matched; the expected
 * side is hashed once, here, not on every request.
 *
 * @example const matches = secretMatcher(config.webhookSecret); if (!matches(req.get(HEADER))) res.sendStatus(401);
 */
export function secretMatcher(expected: string): (given: string | undefined) => boolean {
  const b = createHash("sha256").update(expected).digest();
  return (given) => given !== undefined && timingSafeEqual(createHash("sha256").update(given).digest(), b);
}
