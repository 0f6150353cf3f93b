/**
 * Who a web chat client is, as far as the server can tell without accounts: a chat id the server
 * issued, in an HMAC-signed cookie the client cannot forge or choose, and a keyed hash of its
 * address (an IPv6 client is its /64, which one household or phone usually owns whole). The
 * address itself is never stored.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { isIPv6 } from "node:net";
import type { Redis } from "ioredis";
import { webchatGuardKeys } from "./keys.js";

/** The cookie naming the client's chat. */
export const CHAT_COOKIE = "cds_chat";

export interface ClientIdentity {
  /** `value.signature`, for a cookie. */
  sign(value: string): string;
  /** The value of a signed string, or undefined when the signature does not match. */
  verify(signed: string): string | undefined;
  /** A keyed hash of the client's address (16 hex characters): counts per address without keeping it. */
  clientKey(ip: string): string;
  /** An HMAC of arbitrary text (for stateless challenges). */
  mac(text: string): string;
}

/**
 * The signing key: WEBCHAT_SECRET when configured, otherwise one generated once and kept in
 * Redis, so every web process (and a restart) signs alike.
 */
export async function loadWebchatSecret(redis: Redis, prefix: string, configured?: string): Promise<Buffer> {
  if (configured) return Buffer.from(configured, "utf8");
  const key = webchatGuardKeys.secret(prefix);
  await redis.set(key, randomBytes(32).toString("base64url"), "NX");
  return Buffer.from((await redis.get(key))!, "utf8");
}

/** The part of an address that identifies one client: the address, or an IPv6 /64. */
export function addressOf(ip: string): string {
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4mapped) return v4mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const expanded = expandIPv6(ip);
  return `${expanded.slice(0, 4).join(":")}::/64`;
}

function expandIPv6(ip: string): string[] {
  const [head, tail = ""] = ip.split("::") as [string, string?];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const middle = ip.includes("::") ? Array(8 - h.length - t.length).fill("0") : [];
  return [...h, ...middle, ...t].map((p) => p.toLowerCase().padStart(4, "0"));
}

/** @example const identity = createClientIdentity(await loadWebchatSecret(redis, prefix, config.webchat.secret)) */
export function createClientIdentity(secret: Buffer): ClientIdentity {
  const mac = (text: string) => createHmac("sha256", secret).update(text).digest("base64url");
  return {
    mac,
    sign: (value) => `${value}.${mac(`chat:${value}`)}`,
    verify(signed) {
      const dot = signed.lastIndexOf(".");
      if (dot <= 0) return undefined;
      const value = signed.slice(0, dot);
      const given = Buffer.from(signed.slice(dot + 1));
      const expected = Buffer.from(mac(`chat:${value}`));
      return given.length === expected.length && timingSafeEqual(given, expected) ? value : undefined;
    },
    clientKey: (ip) =>
      createHmac("sha256", secret)
        .update(`ip:${addressOf(ip)}`)
        .digest("hex")
        .slice(0, 16),
  };
}
