/**
 * The web chat as a public service: what stands between the open internet and the shared queues.
 *
 *  - A new client first solves a small proof of work, then gets a chat id the server chose, in a
 *    signed httpOnly cookie (the client cannot pick, forge or enumerate ids), at most
 *    WEBCHAT_NEW_CHATS_PER_IP_PER_HOUR per address.
 *  - At most WEBCHAT_MAX_CHATS chats live at once (idle ones lapse after a day); beyond it new
 *    visitors are asked to come back later, so Redis stays within a known bound.
 *  - Messages are limited per address per minute and for all clients together per second; a
 *    request over a limit costs one Redis round trip and never reaches the queues Telegram and
 *    Zalo share.
 * Every refusal is a JSON error with a polite message in the client's language.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import type { Redis } from "ioredis";
import type { Lang, Translator } from "../../../i18n/locales.js";
import { CHAT_COOKIE, type ClientIdentity } from "./client-identity.js";
import { webchatGuardKeys as keys } from "./keys.js";
import { CHALLENGE_TTL_MS, checkSolution, issueChallenge } from "./proof-of-work.js";

export interface WebchatGuardOptions {
  perIpPerMinute: number;
  globalPerSecond: number;
  newChatsPerIpPerHour: number;
  maxChats: number;
  powBits: number;
  /** A chat idle this long is over (its cookie no longer works). */
  idleSeconds: number;
}

export interface WebchatGuardDeps {
  redis: Redis;
  prefix: string;
  identity: ClientIdentity;
  i18n: Translator;
  options: WebchatGuardOptions;
  /** PUBLIC_URL is https: cookies are Secure even when TLS ends at a proxy we do not trust. */
  httpsPublic: boolean;
}

export interface WebchatGuard {
  /** GET: a proof-of-work challenge `{ challenge, bits }`. */
  challenge: RequestHandler;
  /** POST `{ challenge, nonce }` (JSON already parsed): opens a chat and sets its cookie. */
  openChat: RequestHandler;
  /** Limits posting messages (per address, and all clients together). */
  limitMessages: RequestHandler;
  /** Limits polling for replies (per address). */
  limitPolling: RequestHandler;
  /** Requires a live chat cookie; sets `res.locals.chatId` and `res.locals.clientKey`. */
  requireChat: RequestHandler;
}

// The address's token bucket (burst, then a steady rate); only a request it lets through counts
// against the global per-second counter. Returns 0 (go), 1 (address over its rate), 2 (all clients over theirs).
const TAKE_BUCKET = `
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local now = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local burst = tonumber(ARGV[3])
local tokens = math.min(burst, (tonumber(b[1]) or burst) + (now - (tonumber(b[2]) or now)) * rate / 1000)
if tokens < 1 then return 1 end
redis.call('HSET', KEYS[1], 't', tokens - 1, 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
local all = redis.call('INCR', KEYS[2])
if all == 1 then redis.call('PEXPIRE', KEYS[2], 2000) end
if all > tonumber(ARGV[4]) then return 2 end
return 0`;

// INCR the address's counter in a fixed window (hourly chat openings, polling).
const TAKE = `
local ip = redis.call('INCR', KEYS[1])
if ip == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if ip > tonumber(ARGV[2]) then return 1 end
if KEYS[2] then
  local all = redis.call('INCR', KEYS[2])
  if all == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
  if all > tonumber(ARGV[4]) then return 2 end
end
return 0`;

// Drop lapsed chats; refuse when full; otherwise add the new one.
const OPEN = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
return 1`;

// A chat is live when indexed and not idle too long; a message refreshes it.
const TOUCH = `
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s or tonumber(s) < tonumber(ARGV[2]) then return 0 end
if ARGV[4] == '1' then redis.call('ZADD', KEYS[1], 'XX', ARGV[3], ARGV[1]) end
return 1`;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function langOf(req: Request): Lang {
  const body = req.body as { lang?: unknown } | undefined;
  if (body?.lang === "en" || body?.lang === "vi") return body.lang;
  return /^en\b/i.test(req.get("accept-language") ?? "") ? "en" : "vi";
}

/** @example const guard = createWebchatGuard({ redis, prefix, identity, i18n, options, httpsPublic }) */
export function createWebchatGuard(deps: WebchatGuardDeps): WebchatGuard {
  const { redis, prefix, identity, i18n, options } = deps;
  const refuse = (
    req: Request,
    res: Response,
    status: number,
    error: string,
    key: string,
    retryAfterS?: number,
  ) => {
    if (retryAfterS) res.set("Retry-After", String(retryAfterS));
    res
      .status(status)
      .set("Cache-Control", "no-store")
      .json({ error, message: i18n.t(langOf(req), `webchat.${key}`) });
  };
  // One HMAC per request; the same address hashes alike, so a small cache saves the work under a flood.
  const keyCache = new Map<string, string>();
  const clientKey = (req: Request) => {
    const ip = req.ip ?? req.socket.remoteAddress ?? "unknown";
    let k = keyCache.get(ip);
    if (!k) {
      if (keyCache.size > 10_000) keyCache.clear();
      keyCache.set(ip, (k = identity.clientKey(ip)));
    }
    return k;
  };

  async function take(
    kind: "post" | "poll" | "open",
    client: string,
    windowMs: number,
    limit: number,
    global: boolean,
  ): Promise<0 | 1 | 2> {
    const now = Date.now();
    const ipKey = keys.perIp(prefix, kind, client, Math.floor(now / windowMs));
    const args = [String(windowMs * 2), String(limit)];
    if (!global) return (await redis.eval(TAKE, 1, ipKey, ...args)) as 0 | 1;
    const allKey = keys.global(prefix, Math.floor(now / 1000));
    return (await redis.eval(TAKE, 2, ipKey, allKey, ...args, "2000", String(options.globalPerSecond))) as
      | 0
      | 1
      | 2;
  }

  // An address over its limit is remembered in this process for a while, so a flood is refused
  // without even a Redis round trip (bounded: forgotten wholesale past 10 000 entries).
  const blockedUntil = new Map<string, number>();
  const block = (key: string, until: number) => {
    if (blockedUntil.size > 10_000) blockedUntil.clear();
    blockedUntil.set(key, until);
  };
  const blocked = (key: string, now: number) => {
    const until = blockedUntil.get(key);
    return until !== undefined && until > now ? until : undefined;
  };

  // Messages: a bucket of WEBCHAT_PER_IP_PER_MINUTE / 12 (at least 5) refilled at the per-minute
  // rate, so an address cannot pour a minute's worth into the queues at once.
  const msgRate = options.perIpPerMinute / 60;
  const msgBurst = Math.max(5, Math.ceil(options.perIpPerMinute / 12));
  const limitMessages: RequestHandler = (req, res, next) => {
    const client = clientKey(req);
    const now = Date.now();
    const until = blocked(`post:${client}`, now);
    if (until) return refuse(req, res, 429, "rate_limited", "rate_limited", Math.ceil((until - now) / 1000));
    const bucketKeys = [keys.perIp(prefix, "post", client, 0), keys.global(prefix, Math.floor(now / 1000))];
    redis
      .eval(
        TAKE_BUCKET,
        2,
        ...bucketKeys,
        String(now),
        String(msgRate),
        String(msgBurst),
        String(options.globalPerSecond),
      )
      .then(
        (r) => {
          if (r === 0) return next();
          if (r === 1) {
            // Refused until a token is back.
            block(`post:${client}`, now + Math.ceil(1000 / msgRate));
            return refuse(req, res, 429, "rate_limited", "rate_limited", Math.ceil(1 / msgRate));
          }
          refuse(req, res, 503, "busy", "busy", 5);
        },
        () => refuse(req, res, 503, "unavailable", "unavailable", 5),
      );
  };

  const limitPolling: RequestHandler = (req, res, next) => {
    const client = clientKey(req);
    const now = Date.now();
    const until = blocked(`poll:${client}`, now);
    if (until) return refuse(req, res, 429, "rate_limited", "rate_limited", Math.ceil((until - now) / 1000));
    // A page long-polls (a read held up to 25 s, one more per batch of replies); an office of a few
    // dozen open pages behind one address fits with a wide margin.
    take("poll", client, 60_000, options.perIpPerMinute * 20, false).then(
      (r) => {
        if (r === 0) return next();
        block(`poll:${client}`, (Math.floor(now / 60_000) + 1) * 60_000);
        refuse(req, res, 429, "rate_limited", "rate_limited", 60);
      },
      () => refuse(req, res, 503, "unavailable", "unavailable", 5),
    );
  };

  const setCookie = (req: Request, res: Response, chatId: string) => {
    res.cookie(CHAT_COOKIE, identity.sign(chatId), {
      httpOnly: true,
      sameSite: "strict",
      secure: deps.httpsPublic || req.secure,
      path: "/chat",
      maxAge: options.idleSeconds * 1000,
    });
  };

  return {
    challenge: (req, res) => {
      // An address that may open no more chats this hour gets no more puzzles either.
      const now = Date.now();
      const until = blocked(`open:${clientKey(req)}`, now);
      if (until)
        return refuse(req, res, 429, "too_many_chats", "too_many_chats", Math.ceil((until - now) / 1000));
      res
        .set("Cache-Control", "no-store")
        .json({ challenge: issueChallenge(identity), bits: options.powBits });
    },

    openChat: (req, res, next) => {
      const body = (req.body ?? {}) as { challenge?: unknown; nonce?: unknown };
      const challenge = typeof body.challenge === "string" ? body.challenge : "";
      const nonce = typeof body.nonce === "string" ? body.nonce : "";
      const client = clientKey(req);
      const now = Date.now();
      const until = blocked(`open:${client}`, now);
      if (until)
        return refuse(req, res, 429, "too_many_chats", "too_many_chats", Math.ceil((until - now) / 1000));
      if (!checkSolution(identity, challenge, nonce, options.powBits))
        return refuse(req, res, 400, "bad_proof", "bad_proof");
      (async () => {
        const digest = createHash("sha256").update(challenge).digest("hex").slice(0, 32);
        if (
          (await redis.set(
            keys.spentChallenge(prefix, digest),
            "1",
            "PX",
            CHALLENGE_TTL_MS + 60_000,
            "NX",
          )) !== "OK"
        )
          return refuse(req, res, 400, "bad_proof", "bad_proof");
        if ((await take("open", client, 3_600_000, options.newChatsPerIpPerHour, false)) !== 0) {
          block(`open:${client}`, (Math.floor(now / 3_600_000) + 1) * 3_600_000);
          return refuse(req, res, 429, "too_many_chats", "too_many_chats", 3_600);
        }
        const chatId = randomUUID();
        const opened = await redis.eval(
          OPEN,
          1,
          keys.liveChats(prefix),
          String(now - options.idleSeconds * 1000),
          String(options.maxChats),
          String(now),
          chatId,
        );
        if (opened !== 1) return refuse(req, res, 503, "full", "full", 60);
        setCookie(req, res, chatId);
        res.status(201).set("Cache-Control", "no-store").json({ status: "open" });
      })().catch(next);
    },

    limitMessages,
    limitPolling,

    requireChat: (req, res, next) => {
      const signed = readCookie(req, CHAT_COOKIE);
      const chatId = signed ? identity.verify(decodeURIComponent(signed)) : undefined;
      if (!chatId || !UUID_RE.test(chatId)) return refuse(req, res, 401, "no_chat", "no_chat");
      const now = Date.now();
      const refresh = req.method === "POST" ? "1" : "0";
      redis
        .eval(
          TOUCH,
          1,
          keys.liveChats(prefix),
          chatId,
          String(now - options.idleSeconds * 1000),
          String(now),
          refresh,
        )
        .then(
          (live) => {
            if (live !== 1) return refuse(req, res, 401, "no_chat", "no_chat");
            res.locals.chatId = chatId;
            res.locals.clientKey = clientKey(req);
            next();
          },
          () => refuse(req, res, 503, "unavailable", "unavailable", 5),
        );
    },
  };
}
