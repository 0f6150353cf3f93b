/**
 * Who may use the admin panel: one-time sign-in links become a server-side session (only the
 * hash of the session id is stored), carried in an httpOnly SameSite cookie, with a per-session
 * CSRF token that every form posts back. Authorisation is checked on every route by these
 * handlers, never by hiding links.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import express, { type Request, type RequestHandler, type Response } from "express";
import type { Redis } from "ioredis";
import type { Config } from "../config/schema.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import { performAction } from "../review/audit.js";
import { html, panelText, renderPage, type PageReviewer } from "./layout.js";
import { redisKeys } from "../redis/keys.js";

export const SESSION_COOKIE = "cds_admin";
/** A working day plus margin; a stolen laptop's session dies by the next morning. */
const SESSION_TTL_MS = 12 * 3_600_000;
/** A session left alone this long ends even within the working day (a laptop left open in a meeting room). */
export const DEFAULT_IDLE_TIMEOUT_MS = 60 * 60_000;
/** lastSeenAt is written at most this often: one write a minute per reviewer, not one per request. */
const SEEN_RESOLUTION_MS = 60_000;
/** Sign-in attempts per IP per window before the panel says "try later". */
const SIGNIN_LIMIT = 10;
const SIGNIN_WINDOW_S = 15 * 60;

export interface AdminAuthDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  config: Config;
  /** The wording of the sign-in and refusal pages (`admin.auth.*`). */
  i18n: Translator;
  /** Idle timeout (default 60 minutes). */
  idleTimeoutMs?: number;
}

export interface AdminAuth {
  /** Lets a signed-in, active reviewer through and sets `res.locals.reviewer = { id, name, role }`. */
  requireReviewer: RequestHandler;
  /** Like requireReviewer, and the reviewer must be an admin (403 otherwise). */
  requireAdmin: RequestHandler;
  /** The CSRF token of the current session, for a hidden `_csrf` field. */
  csrfToken(res: Response): string;
  /** Rejects a state-changing request whose `_csrf` field (or X-CSRF-Token header) does not match the session (403). */
  verifyCsrf: RequestHandler;
  /** Exchanges a one-time sign-in token for a session cookie; false when the token is unknown, used, expired or its reviewer inactive. */
  signIn(token: string, res: Response): Promise<boolean>;
  /** Ends the current session (server side and cookie). */
  signOut(req: Request, res: Response): Promise<void>;
  /**
   * False once `ip` failed to sign in too often within the window (guessing links is pointless, and
   * noisy). Asked only after a link failed: a valid link is never refused.
   */
  allowSignInAttempt(ip: string): Promise<boolean>;
  /** Counts a failed sign-in of `ip`. */
  recordFailedSignIn(ip: string): Promise<void>;
}

/** SHA-256 hex: what the database keeps instead of a token or session id. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * @example const auth = createAdminAuth({ db, redis, prefix, config, i18n }); router.get("/", auth.requireReviewer, showQueue)
 */
export function createAdminAuth(deps: AdminAuthDeps): AdminAuth {
  const { db, redis, prefix, config, i18n } = deps;
  const idleTimeoutMs = deps.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const text = panelText(i18n);
  // Secure whenever the page is served over https: PUBLIC_URL says so, or the request itself came
  // over TLS (req.secure honours X-Forwarded-Proto only from a trusted proxy, see TRUST_PROXY).
  const httpsPublic = (config.publicUrl ?? "").startsWith("https:");
  const secure = (req: Request | undefined) => httpsPublic || req?.secure === true;
  const urlencoded = express.urlencoded({ extended: false, limit: "64kb" });
  const signInKey = (ip: string) => redisKeys.adminSignInFailures(prefix, hashSecret(ip).slice(0, 16));

  const refuse = (req: Request, res: Response) => {
    if (req.method === "GET" || req.method === "HEAD") {
      renderPage(res, {
        i18n,
        title: text.t("auth.sign_in_title"),
        status: 401,
        body: html`<div class="card"><p>${text.t("auth.sign_in_only")}</p>
          <p>${text.h("auth.sign_in_how", { command: html`<b>/dangnhap</b>` })}</p>
          <p>${text.t("auth.sign_in_not_reviewer")}</p><p class="muted">${text.t("auth.sign_in_idle")}</p></div>`,
      });
    } else {
      res.status(401).type("text/plain").send(text.t("auth.not_signed_in"));
    }
  };

  async function currentSession(req: Request): Promise<{ reviewer: PageReviewer; csrf: string } | undefined> {
    const sid = readCookie(req, SESSION_COOKIE);
    if (!sid || sid.length > 128) return undefined;
    const session = await db.adminSession.findUnique({
      where: { idHash: hashSecret(sid) },
      include: { reviewer: true },
    });
    const now = Date.now();
    if (!session || session.expiresAt.getTime() <= now || !session.reviewer.active) return undefined;
    if (now - session.lastSeenAt.getTime() > idleTimeoutMs) {
      await db.adminSession.deleteMany({ where: { idHash: session.idHash } });
      return undefined;
    }
    if (now - session.lastSeenAt.getTime() > SEEN_RESOLUTION_MS)
      await db.adminSession.updateMany({
        where: { idHash: session.idHash },
        data: { lastSeenAt: new Date(now) },
      });
    return {
      reviewer: { id: session.reviewer.id, name: session.reviewer.name, role: session.reviewer.role },
      csrf: session.csrfToken,
    };
  }

  const requireReviewer: RequestHandler = (req, res, next) => {
    currentSession(req).then((s) => {
      if (!s) return refuse(req, res);
      res.locals.reviewer = s.reviewer;
      res.locals.csrf = s.csrf;
      next();
    }, next);
  };

  const requireAdmin: RequestHandler = (req, res, next) => {
    requireReviewer(req, res, (err?: unknown) => {
      if (err) return next(err);
      if ((res.locals.reviewer as PageReviewer).role !== "admin") {
        return renderPage(res, {
          i18n,
          title: text.t("auth.forbidden_title"),
          status: 403,
          reviewer: res.locals.reviewer,
          body: html`<p>${text.t("auth.admins_only")}</p>`,
        });
      }
      next();
    });
  };

  const verifyCsrf: RequestHandler = (req, res, next) => {
    const check = () => {
      const expected = typeof res.locals.csrf === "string" ? res.locals.csrf : "";
      const body = req.body as Record<string, unknown> | undefined;
      const sent =
        (typeof body?._csrf === "string" ? body._csrf : undefined) ?? req.get("x-csrf-token") ?? "";
      if (!expected || !sent || !sameSecret(sent, expected)) {
        res.status(403).type("text/plain").send(text.t("auth.bad_csrf"));
        return;
      }
      next();
    };
    if (req.body === undefined) urlencoded(req, res, (err?: unknown) => (err ? next(err) : check()));
    else check();
  };

  return {
    requireReviewer,
    requireAdmin,
    verifyCsrf,
    csrfToken: (res) => (typeof res.locals.csrf === "string" ? res.locals.csrf : ""),

    async signIn(token, res) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return false;
      const now = new Date();
      const tokenHash = hashSecret(token);
      const link = await db.loginToken.findUnique({
        where: { tokenHash },
        include: { reviewer: { select: { id: true, name: true, active: true } } },
      });
      if (!link || link.usedAt || link.expiresAt <= now || !link.reviewer.active) return false;
      const sid = randomBytes(32).toString("base64url");
      // Audited as the reviewer signing in, naming who had the link made (an admin, the CLI, themself).
      const { value: signedIn } = await performAction(
        db,
        { reviewerId: link.reviewer.id, label: link.reviewer.name },
        { type: "reviewer", id: link.reviewer.id },
        "sign_in",
        async (tx) => {
          // Conditional update: of two requests racing with the same link, exactly one consumes it.
          const used = await tx.loginToken.updateMany({
            where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
            data: { usedAt: now },
          });
          if (used.count !== 1) return { value: false, audit: false };
          await tx.adminSession.create({
            data: {
              idHash: hashSecret(sid),
              reviewerId: link.reviewerId,
              csrfToken: randomBytes(24).toString("base64url"),
              expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
            },
          });
          return {
            value: true,
            audit: {
              note: `đường dẫn do ${link.issuedBy === "cli" ? "quản trị máy chủ" : link.issuedBy || "không rõ"} cấp`,
            },
          };
        },
      );
      if (!signedIn) return false;
      // Old sessions are swept here rather than by a job: sign-ins are rare and the table stays tiny.
      await db.adminSession.deleteMany({ where: { expiresAt: { lt: now } } });
      res.cookie(SESSION_COOKIE, sid, {
        httpOnly: true,
        sameSite: "lax",
        secure: secure(res.req),
        path: "/admin",
        maxAge: SESSION_TTL_MS,
      });
      return true;
    },

    async signOut(req, res) {
      const sid = readCookie(req, SESSION_COOKIE);
      if (sid) await db.adminSession.deleteMany({ where: { idHash: hashSecret(sid) } });
      res.clearCookie(SESSION_COOKIE, {
        httpOnly: true,
        sameSite: "lax",
        secure: secure(req),
        path: "/admin",
      });
    },

    async allowSignInAttempt(ip) {
      return Number((await redis.get(signInKey(ip))) ?? 0) < SIGNIN_LIMIT;
    },

    async recordFailedSignIn(ip) {
      const count = await redis.incr(signInKey(ip));
      if (count === 1) await redis.expire(signInKey(ip), SIGNIN_WINDOW_S);
    },
  };
}
