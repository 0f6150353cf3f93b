/**
 * Downloads a file a platform points us at (a Zalo CDN photo link) without letting the link reach
 * anything inside our network (SSRF): https only, only the hosts the platform serves media from,
 * every address the name resolves to checked — loopback, private, link-local and other
 * non-public ranges refused — on the first request and on every redirect, with the connection
 * pinned to the address that was checked (no DNS rebinding between check and connect), and hard
 * limits on size, time and redirects.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";
import { MediaRejectedError } from "./types.js";

/** Zalo serves user media from these domains (and their subdomains), e.g. f20-zpc.zdn.vn, s120-ava-talk.zadn.vn. */
export const ZALO_MEDIA_HOST_DEFAULTS = [
  "zdn.vn",
  "zadn.vn",
  "zalo.me",
  "zaloapp.com",
  "zaloplatforms.com",
] as const;

/** Resolves a host name to all its addresses (injectable so tests can point a name anywhere). */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

export interface MediaFetchPolicy {
  /** Host names allowed, each also allowing its subdomains ("zdn.vn" allows "f1.photo.talk.zdn.vn"). https and public addresses only. */
  hosts: readonly string[];
  /**
   * Exact origins trusted as configured, whatever their scheme and address (the platform's own
   * API root, e.g. a self-hosted or test Bot API server). Never derived from the link itself.
   */
  trustedOrigins?: readonly string[];
  maxRedirects?: number;
  /** The whole download, from the first byte sent to the last received. */
  timeoutMs?: number;
  resolve?: Resolver;
}

export interface FetchedBody {
  bytes: Buffer;
  /** The Content-Type the server declared (lower case, no parameters), or "". */
  contentType: string;
}

const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["2001:db8::", 32],
  ["64:ff9b::", 96],
  ["100::", 64],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, "ipv6");

/** Whether `address` is a public unicast address (IPv4-mapped IPv6 is judged as the IPv4 it carries). */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  const family = isIP(ip);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(ip, family === 4 ? "ipv4" : "ipv6");
}

const defaultResolver: Resolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    ),
  );

function hostAllowed(host: string, hosts: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return hosts.some((allowed) => {
    const a = allowed.toLowerCase().replace(/^\*?\./, "");
    return h === a || h.endsWith(`.${a}`);
  });
}

/**
 * What a URL may be fetched as: "trusted" (an exact configured origin), "public" (an allowed host
 * over https, to be resolved and checked) or refused.
 */
function classify(url: URL, policy: MediaFetchPolicy): "trusted" | "public" | undefined {
  if (
    policy.trustedOrigins?.some((o) => {
      try {
        return new URL(o).origin === url.origin;
      } catch {
        return false;
      }
    })
  )
    return "trusted";
  if (url.protocol !== "https:" || url.username || url.password) return undefined;
  // A literal IP is never one of the platform's CDN host names.
  if (isIP(url.hostname.replace(/^\[|\]$/g, ""))) return undefined;
  return hostAllowed(url.hostname, policy.hosts) ? "public" : undefined;
}

/**
 * Fetches `rawUrl` under `policy`, following at most `maxRedirects` redirects, each re-checked.
 *
 * @example const { bytes } = await fetchMedia(link, 10 * 1024 * 1024, { hosts: ZALO_MEDIA_HOST_DEFAULTS })
 * @throws MediaRejectedError "unavailable" for a refused or failing link, "too_large" above maxBytes
 */
export async function fetchMedia(
  rawUrl: string,
  maxBytes: number,
  policy: MediaFetchPolicy,
): Promise<FetchedBody> {
  const deadline = Date.now() + (policy.timeoutMs ?? 20_000);
  const maxRedirects = policy.maxRedirects ?? 3;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new MediaRejectedError("unavailable");
  }
  for (let hop = 0; ; hop++) {
    const kind = classify(url, policy);
    if (!kind) throw new MediaRejectedError("unavailable");
    const res = await requestOnce(url, kind, maxBytes, deadline, policy.resolve ?? defaultResolver);
    if (res.redirect) {
      if (hop >= maxRedirects) throw new MediaRejectedError("unavailable");
      try {
        url = new URL(res.redirect, url);
      } catch {
        throw new MediaRejectedError("unavailable");
      }
      continue;
    }
    return { bytes: res.bytes!, contentType: res.contentType };
  }
}

async function requestOnce(
  url: URL,
  kind: "trusted" | "public",
  maxBytes: number,
  deadline: number,
  resolve: Resolver,
): Promise<{ redirect?: string; bytes?: Buffer; contentType: string }> {
  let pinned: LookupAddress | undefined;
  if (kind === "public") {
    let addresses: LookupAddress[];
    try {
      addresses = await resolve(url.hostname);
    } catch {
      throw new MediaRejectedError("unavailable");
    }
    // Every address must be public: a name with one private address among public ones is refused.
    if (!addresses.length || !addresses.every((a) => isPublicAddress(a.address)))
      throw new MediaRejectedError("unavailable");
    pinned = addresses[0]!;
  }
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new MediaRejectedError("unavailable");
  const mod = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
  if (!mod) throw new MediaRejectedError("unavailable");
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const fail = (err: MediaRejectedError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = mod.request(
      url,
      {
        method: "GET",
        headers: { accept: "image/*,*/*;q=0.5", "user-agent": "cds-bot/1 media-fetch" },
        agent: false,
        // Connect to the address that was checked, not to whatever a second lookup returns.
        ...(pinned
          ? {
              lookup: ((_h: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) =>
                opts?.all ? cb(null, [pinned]) : cb(null, pinned!.address, pinned!.family)) as never,
            }
          : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          settled = true;
          clearTimeout(timer);
          resolvePromise({ redirect: res.headers.location, contentType: "" });
          return;
        }
        if (status < 200 || status >= 300) return fail(new MediaRejectedError("unavailable"));
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > maxBytes)
          return fail(new MediaRejectedError("too_large"));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return fail(new MediaRejectedError("too_large"));
          chunks.push(chunk);
        });
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolvePromise({
            bytes: Buffer.concat(chunks),
            contentType: String(res.headers["content-type"] ?? "")
              .split(";")[0]!
              .trim()
              .toLowerCase(),
          });
        });
        res.on("error", () => fail(new MediaRejectedError("unavailable")));
      },
    );
    const timer = setTimeout(() => fail(new MediaRejectedError("unavailable")), remaining);
    req.on("error", () => fail(new MediaRejectedError("unavailable")));
    req.end();
  });
}
