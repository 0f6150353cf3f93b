/**
 * A fake Zalo Official Account platform on loopback that speaks the documented shapes over real
 * HTTP: the OAuth token endpoint (`secret_key` header, form body, single-use refresh tokens that
 * rotate on every refresh, PKCE on code exchange), the OA API with the `access_token` header and
 * the `{"error": N, "message": …}` envelope over HTTP 200 (-216 invalid / -220 expired tokens,
 * -230 outside the 7-day window), template buttons checked against Zalo's limits, image upload,
 * the quota pre-flight, and a "CDN" for attachments. OaUser signs webhook events like Zalo does.
 */
import type { Server } from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import express from "express";
import { jpegBytes } from "./fake-zalo.js";

export interface OaCall {
  path: string;
  body: Record<string, unknown>;
  headers: Record<string, string | undefined>;
  at: number;
  /** The error code the fake answered (0 = success). */
  error?: number;
}

export interface OaSent {
  userId: string;
  text?: string;
  buttons?: Array<{ title: string; type: string; payload: unknown }>;
  attachment?: Record<string, unknown>;
  at: number;
}

type Scripted = { error: number; message: string; delayMs?: number; httpStatus?: number; pass?: number };

export const OA_ERRORS = {
  rateLimited: { error: -32, message: "reached limit call api" },
  invalidToken: { error: -216, message: "Access token is invalid" },
  expiredToken: { error: -220, message: "Access token has expired or has been removed" },
  outsideWindow: { error: -230, message: "User has not interacted with the OA in the past 7 days" },
  night: { error: -234, message: "This message cannot be sent at night (10:00PM-6:00AM)" },
  invalidParam: { error: -201, message: "message is invalid" },
} satisfies Record<string, Scripted>;

const DAY = 24 * 3_600_000;

export class FakeZaloOa {
  readonly appId = "3608465249409039671";
  readonly oaId = "1234567890123456789";
  readonly secretKey = `oa-secret-${randomBytes(6).toString("hex")}`;
  readonly appSecret = `app-secret-${randomBytes(6).toString("hex")}`;
  readonly codeVerifier = randomBytes(32).toString("base64url");
  url = "";
  readonly calls: OaCall[] = [];
  readonly sent: OaSent[] = [];
  /** Access tokens the fake accepts, with their expiry (epoch ms). */
  private readonly access = new Map<string, number>();
  /** The one refresh token that works now (single use). */
  private liveRefresh = "";
  private readonly codes = new Set<string>();
  /** Each user's last interaction with the OA (epoch ms); updated by OaUser on every event. */
  readonly lastInteraction = new Map<string, number>();
  /** Seconds each issued access token lives (Zalo: 90000). */
  accessTtlS = 90_000;
  /** Delay of the token endpoint (makes refresh races overlap). */
  tokenDelayMs = 0;
  refreshCalls = 0;
  /** Answers the next refresh with an error (a dead refresh token). */
  refuseRefresh = false;
  private readonly scripted = new Map<string, Scripted[]>();
  private server?: Server;
  private counter = 0;

  /** A fresh pair the fake accepts, as set-tokens would store it. */
  issuePair(ttlS = this.accessTtlS): { access: string; refresh: string; expiresIn: number } {
    const access = `acc-${randomBytes(8).toString("hex")}`;
    this.access.set(access, Date.now() + ttlS * 1000);
    this.liveRefresh = `ref-${randomBytes(8).toString("hex")}`;
    return { access, refresh: this.liveRefresh, expiresIn: ttlS };
  }

  /** An authorization code, as Zalo puts on the callback URL after the admin's consent. */
  issueCode(): string {
    const code = `code-${randomBytes(6).toString("hex")}`;
    this.codes.add(code);
    return code;
  }

  /** Kills every access token (e.g. removed by Zalo): the next call gets -216. */
  revokeAccessTokens(): void {
    this.access.clear();
  }

  isValidAccess(token: string): boolean {
    const exp = this.access.get(token);
    return exp !== undefined && exp > Date.now();
  }

  /** Answers the next `times` calls to `path` with an error envelope (HTTP 200 unless told), after letting `after` calls through. */
  failNext(path: string, answer: Scripted, times = 1, after = 0): void {
    const list = this.scripted.get(path) ?? [];
    for (let i = 0; i < times; i++) list.push({ ...answer, pass: i === 0 ? after : 0 });
    this.scripted.set(path, list);
  }

  callsTo(path: string): OaCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** Messages delivered to `userId`, in order. */
  sentTo(userId: string): OaSent[] {
    return this.sent.filter((s) => s.userId === userId);
  }

  /** Waits until `predicate` holds, or throws after `timeoutMs`. */
  async waitFor<T>(
    predicate: () => T | undefined | false,
    timeoutMs = 10_000,
    what = "condition",
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = predicate();
      if (v) return v;
      if (Date.now() > deadline)
        throw new Error(
          `fake OA: timed out waiting for ${what}; sent: ${JSON.stringify(this.sent.slice(-5).map((s) => [s.userId, (s.text ?? "").slice(0, 60), s.buttons?.length]))}`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async start(): Promise<this> {
    const app = express();
    app.get("/media/photo.jpg", (_req, res) => void res.type("image/jpeg").send(jpegBytes(2_048)));
    app.get(
      "/media/report.pdf",
      (_req, res) =>
        void res
          .type("application/pdf")
          .send(Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(512, 0x20)])),
    );
    app.get("/media/big.jpg", (_req, res) => void res.type("image/jpeg").send(jpegBytes(3 * 1024 * 1024)));
    app.get("/media/page.html", (_req, res) => void res.type("html").send("<html>not an image</html>"));

    app.post("/v4/oa/access_token", express.urlencoded({ extended: false }), async (req, res) => {
      const body = req.body as Record<string, string>;
      this.calls.push({
        path: "/v4/oa/access_token",
        body,
        headers: { secret_key: req.get("secret_key") },
        at: Date.now(),
      });
      if (this.tokenDelayMs) await new Promise((r) => setTimeout(r, this.tokenDelayMs));
      const fail = (error: number, description: string) =>
        void res.json({ error, error_name: "invalid_request", error_description: description });
      if (req.get("secret_key") !== this.appSecret) return fail(-14014, "Invalid secret key");
      if (body.app_id !== this.appId) return fail(-14001, "Invalid app id");
      if (body.grant_type === "refresh_token") {
        this.refreshCalls++;
        if (this.refuseRefresh || body.refresh_token !== this.liveRefresh)
          return fail(-14019, "Invalid refresh token");
      } else if (body.grant_type === "authorization_code") {
        if (!body.code || !this.codes.delete(body.code)) return fail(-14003, "Invalid authorization code");
        if (body.code_verifier !== this.codeVerifier) return fail(-14004, "Invalid code verifier");
      } else return fail(-14002, "Invalid grant type");
      const pair = this.issuePair();
      res.json({
        access_token: pair.access,
        refresh_token: pair.refresh,
        expires_in: String(pair.expiresIn),
      });
    });

    const api = express.Router();
    api.use((req, res, next) => {
      if (req.is("multipart/form-data"))
        return express.raw({ type: () => true, limit: "5mb" })(req, res, next);
      return express.json({ type: () => true })(req, res, next);
    });
    api.post(/.*/, async (req, res) => {
      const path = req.path;
      const body = (
        Buffer.isBuffer(req.body) ? { multipartBytes: req.body.length, raw: req.body } : (req.body ?? {})
      ) as Record<string, unknown>;
      const call: OaCall = { path, body, headers: { access_token: req.get("access_token") }, at: Date.now() };
      this.calls.push(call);
      const answer = (error: number, message: string, data?: unknown) => {
        call.error = error;
        res.status(200).json(error ? { error, message } : { data, error: 0, message: "Success" });
      };
      const token = req.get("access_token") ?? "";
      const exp = this.access.get(token);
      if (exp === undefined) return answer(-216, "Access token is invalid");
      if (exp <= Date.now()) return answer(-220, "Access token has expired or has been removed");
      const queue = this.scripted.get(path);
      const scripted =
        queue?.[0] && (queue[0].pass ?? 0) > 0 ? (queue[0].pass!--, undefined) : queue?.shift();
      if (scripted) {
        if (scripted.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
        if (scripted.httpStatus) {
          call.error = scripted.error;
          return void res
            .status(scripted.httpStatus)
            .json({ error: scripted.error, message: scripted.message });
        }
        return answer(scripted.error, scripted.message);
      }
      switch (path) {
        case "/v3.0/oa/message/cs": {
          const userId = (body.recipient as { user_id?: unknown } | undefined)?.user_id;
          const message = body.message as
            | {
                text?: unknown;
                attachment?: { type?: string; payload?: { buttons?: unknown; template_type?: string } };
              }
            | undefined;
          if (typeof userId !== "string" || !userId || !message)
            return answer(-201, "recipient or message is invalid");
          const last = this.lastInteraction.get(userId);
          if (last === undefined || Date.now() - last > 7 * DAY)
            return answer(-230, "User has not interacted with the OA in the past 7 days");
          if (
            message.text !== undefined &&
            (typeof message.text !== "string" || message.text.length < 1 || message.text.length > 2_000)
          )
            return answer(-201, "text is invalid");
          const buttons = message.attachment?.payload?.buttons;
          if (buttons !== undefined) {
            if (
              message.attachment?.type !== "template" ||
              !Array.isArray(buttons) ||
              buttons.length < 1 ||
              buttons.length > 5
            )
              return answer(-201, "buttons is invalid");
            for (const b of buttons as Array<{ title?: unknown; type?: unknown; payload?: unknown }>) {
              if (typeof b.title !== "string" || !b.title || b.title.length > 100)
                return answer(-201, "button title is invalid");
              if (b.type !== "oa.query.hide" && b.type !== "oa.query.show" && b.type !== "oa.open.url")
                return answer(-201, "button type is invalid");
              if (b.type !== "oa.open.url" && (typeof b.payload !== "string" || !b.payload.startsWith("#")))
                return answer(-201, "button payload is invalid");
            }
          }
          if (message.text === undefined && !message.attachment) return answer(-201, "message is empty");
          this.sent.push({
            userId,
            ...(typeof message.text === "string" ? { text: message.text } : {}),
            ...(Array.isArray(buttons) ? { buttons: buttons as OaSent["buttons"] } : {}),
            ...(message.attachment && !buttons
              ? { attachment: message.attachment as Record<string, unknown> }
              : {}),
            at: Date.now(),
          });
          return answer(0, "", {
            message_id: `m${++this.counter}`,
            user_id: userId,
            sent_time: String(Date.now()),
            quota: { quota_type: "reply", remain: 8, total: 8 },
          });
        }
        case "/v3.0/oa/quota/message": {
          const userId = body.user_id;
          if (typeof userId !== "string") return answer(-201, "user_id is invalid");
          const last = this.lastInteraction.get(userId);
          return answer(0, "", {
            last_interaction: last ?? 0,
            cs_reply: { remain: 8, total: 8 },
            promotion: { remain: 0 },
          });
        }
        case "/v2.0/oa/upload/image": {
          const bytes = Number(body.multipartBytes ?? 0);
          const raw = body.raw as Buffer | undefined;
          if (!raw || !raw.includes('name="file"')) return answer(-201, "file is invalid");
          if (bytes > 1024 * 1024 + 4096) return answer(-201, "file size exceeds 1MB");
          return answer(0, "", { attachment_id: `att${++this.counter}` });
        }
        case "/v2.0/oa/message": {
          const r = body.recipient as { anonymous_id?: string; conversation_id?: string } | undefined;
          const m = body.message as { text?: string } | undefined;
          if (!r?.anonymous_id || !r.conversation_id || !m?.text)
            return answer(-201, "anonymous recipient is invalid");
          this.sent.push({
            userId: `anon:${r.anonymous_id}:${r.conversation_id}`,
            text: m.text,
            at: Date.now(),
          });
          return answer(0, "", { message_id: `m${++this.counter}` });
        }
        default:
          return answer(-209, "Not supported this api");
      }
    });
    app.use(api);
    this.server = app.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The environment that points a system at this fake. */
  env(tokenKeyHex = randomBytes(32).toString("hex")): Record<string, string> {
    return {
      ZALO_OA_APP_ID: this.appId,
      ZALO_OA_SECRET_KEY: this.secretKey,
      ZALO_OA_APP_SECRET: this.appSecret,
      ZALO_OA_API_ROOT: this.url,
      ZALO_OA_OAUTH_ROOT: this.url,
      ZALO_OA_TOKEN_KEY: tokenKeyHex,
      ZALO_OA_CODE_VERIFIER: this.codeVerifier,
      ZALO_OA_REDIRECT_URI: "https://bot.example.gov.vn/zalo-oa/callback",
    };
  }

  /** Signs a body the way Zalo does: mac = sha256(first + rawBody + timestamp + key). */
  sign(raw: string, timestamp: string, opts: { first?: "app_id" | "oa_id"; key?: string } = {}): string {
    const first = opts.first === "oa_id" ? this.oaId : this.appId;
    return `mac=${createHash("sha256")
      .update(first + raw + timestamp + (opts.key ?? this.secretKey))
      .digest("hex")}`;
  }
}

let msgCounter = 0;
/** A Zalo-style message id (hex, as in the docs' samples). */
export function oaMsgId(): string {
  return `${randomBytes(8).toString("hex")}${(++msgCounter).toString(16)}`;
}

/** A citizen on the OA for end-to-end tests: posts signed events to the system's webhook and reads what the fake delivered. */
export class OaUser {
  /** Ids exceed 2^53: a number would lose digits. */
  readonly userId = `55217727971758${Math.floor(Math.random() * 1e9)
    .toString()
    .padStart(9, "0")}`;
  private seen = 0;

  constructor(
    private readonly systemUrl: string,
    readonly fake: FakeZaloOa,
  ) {}

  /** Posts one event (signed unless `signature` is given) and returns the HTTP status. */
  async post(
    event: Record<string, unknown>,
    opts: { signature?: string; first?: "app_id" | "oa_id"; key?: string } = {},
  ): Promise<Response> {
    const timestamp = String(event.timestamp ?? Date.now());
    const body: Record<string, unknown> = {
      app_id: this.fake.appId,
      user_id_by_app: "552177279717587730",
      timestamp,
      ...event,
    };
    const raw = JSON.stringify(body);
    if (String(body.event_name).startsWith("user_") || body.event_name === "follow")
      this.fake.lastInteraction.set(this.userId, Number(timestamp));
    return fetch(`${this.systemUrl}/webhooks/zalo-oa`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-zevent-signature": opts.signature ?? this.fake.sign(raw, timestamp, opts),
      },
      body: raw,
    });
  }

  textEvent(text: string, msgId = oaMsgId()): Record<string, unknown> {
    return {
      event_name: "user_send_text",
      sender: { id: this.userId },
      recipient: { id: this.fake.oaId },
      message: { text, msg_id: msgId },
    };
  }

  /** Sends a text and returns the messages that arrive for it. */
  async say(text: string, settleMs = 350): Promise<OaSent[]> {
    const res = await this.post(this.textEvent(text));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    return this.collect(settleMs);
  }

  /** Presses the button titled `title` on the latest message that has buttons (as Zalo does: a hidden text event carrying the payload). */
  async press(title: string | RegExp, settleMs = 350): Promise<OaSent[]> {
    const withButtons = [...this.fake.sentTo(this.userId)].reverse().find((s) => s.buttons?.length);
    const button = withButtons?.buttons?.find((b) =>
      typeof title === "string" ? b.title === title : title.test(b.title),
    );
    if (!button)
      throw new Error(
        `no button ${String(title)}; latest buttons: ${JSON.stringify(withButtons?.buttons?.map((b) => b.title))}`,
      );
    return this.say(String(button.payload), settleMs);
  }

  /** Sends an image or a file attachment. */
  async attach(
    kind: "image" | "file",
    url: string,
    extra: Record<string, unknown> = {},
    settleMs = 350,
  ): Promise<OaSent[]> {
    const res = await this.post({
      event_name: kind === "image" ? "user_send_image" : "user_send_file",
      sender: { id: this.userId },
      recipient: { id: this.fake.oaId },
      message: { msg_id: oaMsgId(), text: "", attachments: [{ type: kind, payload: { url, ...extra } }] },
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    return this.collect(settleMs);
  }

  /** Waits for the next message(s) to this user (at least one), then a short settle for more. */
  async collect(settleMs = 350, timeoutMs = 15_000): Promise<OaSent[]> {
    await this.fake.waitFor(
      () => this.fake.sentTo(this.userId).length > this.seen,
      timeoutMs,
      `a message to ${this.userId}`,
    );
    await new Promise((r) => setTimeout(r, settleMs));
    const all = this.fake.sentTo(this.userId);
    const out = all.slice(this.seen);
    this.seen = all.length;
    return out;
  }
}

/** Everything a set of messages says, joined. */
export function textOf(sent: OaSent[]): string {
  return sent.map((s) => s.text ?? "").join("\n");
}

/** The button titles of the last message with buttons. */
export function buttonsOf(sent: OaSent[]): string[] {
  return (
    [...sent]
      .reverse()
      .find((s) => s.buttons?.length)
      ?.buttons?.map((b) => b.title) ?? []
  );
}
