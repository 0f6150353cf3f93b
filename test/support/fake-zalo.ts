/**
 * A fake Zalo Bot Platform API on loopback that speaks real HTTP: `POST /bot<token>/<method>`
 * with Zalo's envelope. It records every call, can be told to answer the next calls with 429,
 * 500, `ok:false` under HTTP 200, garbage or a delay, serves getUpdates from a queue, and hosts
 * "CDN" images (a small JPEG, a too-large one, a non-image) for evidence downloads.
 */
import type { Server } from "node:http";
import { once } from "node:events";
import express from "express";

export interface ZaloCall {
  token: string;
  method: string;
  body: Record<string, unknown>;
  at: number;
  /** Whether the fake answered ok:true (the message counts as delivered). */
  ok?: boolean;
}

export type ScriptedAnswer = { status: number; body: unknown; delayMs?: number };

/** Canned answers for `failNext`. */
export const ZALO_ANSWERS = {
  tooManyRequests: { status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests" } },
  serverError: { status: 500, body: { ok: false, error_code: 500, description: "Internal Server Error" } },
  okFalseWith200: { status: 200, body: { ok: false, error_code: 400, description: "Bad Request" } },
  badRequest: { status: 400, body: { ok: false, error_code: 400, description: "Bad Request" } },
  blocked: {
    status: 403,
    body: { ok: false, error_code: 403, description: "Forbidden: the user blocked the bot" },
  },
  /** The docs' error table: 403 is "internal server error" (sic), 408 a timeout — both worth retrying. */
  internalError403: {
    status: 403,
    body: { ok: false, error_code: 403, description: "Internal server error" },
  },
  timeout408: { status: 408, body: { ok: false, error_code: 408, description: "Request timeout" } },
  /** Reported with HTTP 200: branch on `ok`, never on the status. */
  internalError403With200: {
    status: 200,
    body: { ok: false, error_code: 403, description: "Internal server error" },
  },
  notAnEnvelope: { status: 200, body: { hello: "world" } },
  wrongResult: { status: 200, body: { ok: true, result: { message_id: { nested: true } } } },
} satisfies Record<string, ScriptedAnswer>;

/** A minimal valid JPEG (SOI, APP0 JFIF, EOI) padded to `size` bytes. */
export function jpegBytes(size = 2_048): Buffer {
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
  const out = Buffer.alloc(Math.max(size, head.length + 2), 0x20);
  head.copy(out, 0);
  out[out.length - 2] = 0xff;
  out[out.length - 1] = 0xd9;
  return out;
}

export class FakeZalo {
  readonly calls: ZaloCall[] = [];
  /** Added to every answer (a realistic round trip is about 100 ms). */
  delayMs = 0;
  /** How long an empty getUpdates waits before answering 408. */
  idlePollMs = 200;
  url = "";
  private server?: Server;
  private readonly scripted = new Map<string, ScriptedAnswer[]>();
  private readonly updates: unknown[] = [];
  private readonly waiters: Array<() => void> = [];
  private counter = 0;

  /** Answers the next `times` calls of `method` with `answer` (then normally again). */
  failNext(method: string, answer: ScriptedAnswer, times = 1): void {
    const list = this.scripted.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(answer);
    this.scripted.set(method, list);
  }

  /** Forgets recorded calls, scripted answers and queued updates. */
  reset(): void {
    this.calls.length = 0;
    this.scripted.clear();
    this.updates.length = 0;
    this.delayMs = 0;
  }

  /** Queues one update for getUpdates (polling mode). */
  pushUpdate(update: unknown): void {
    this.updates.push(update);
    this.waiters.splice(0).forEach((w) => w());
  }

  callsOf(method: string): ZaloCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Texts delivered with sendMessage to `chatId` (refused attempts left out), in order. */
  textsTo(chatId: string): string[] {
    return this.callsOf("sendMessage")
      .filter((c) => c.body.chat_id === chatId && c.ok)
      .map((c) => String(c.body.text));
  }

  /** Waits until `predicate` holds (polling the recorded calls), or throws after `timeoutMs`. */
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
          `fake Zalo: timed out waiting for ${what}; calls: ${JSON.stringify(this.calls.map((c) => [c.method, c.body.chat_id, String(c.body.text ?? "").slice(0, 60)]))}`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits for `count` texts to `chatId` beyond the first `after`, then a short settle for more. */
  async nextTexts(
    chatId: string,
    after: number,
    count = 1,
    settleMs = 400,
    timeoutMs = 10_000,
  ): Promise<string[]> {
    await this.waitFor(
      () => this.textsTo(chatId).length >= after + count,
      timeoutMs,
      `${count} message(s) to ${chatId}`,
    );
    await new Promise((r) => setTimeout(r, settleMs));
    return this.textsTo(chatId).slice(after);
  }

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: "1mb", type: () => true }));
    app.get("/media/photo.jpg", (_req, res) => {
      res.type("image/jpeg").send(jpegBytes(2_048));
    });
    app.get("/media/octet.jpg", (_req, res) => {
      res.type("application/octet-stream").send(jpegBytes(1_024));
    });
    app.get("/media/big.jpg", (req, res) => {
      res.type("image/jpeg").send(jpegBytes(Number(req.query.size ?? 3 * 1024 * 1024)));
    });
    app.get("/media/chunked-big.jpg", (req, res) => {
      // No Content-Length: the limit must be enforced while streaming.
      res.type("image/jpeg");
      const total = Number(req.query.size ?? 3 * 1024 * 1024);
      const bytes = jpegBytes(total);
      let sent = 0;
      const push = () => {
        while (sent < total) {
          const chunk = bytes.subarray(sent, sent + 64 * 1024);
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", push);
        }
        res.end();
      };
      push();
    });
    app.get("/media/page.html", (_req, res) => {
      res.type("html").send("<html>not an image</html>");
    });
    app.get("/media/gone.jpg", (_req, res) => {
      res.status(404).send("expired");
    });
    app.post(/^\/bot([^/]+)\/([A-Za-z]+)$/, async (req, res) => {
      const params = req.params as unknown as Record<string, string>;
      const token = decodeURIComponent(params[0] ?? "");
      const method = params[1] ?? "";
      const body = (req.body && typeof req.body === "object" ? req.body : {}) as Record<string, unknown>;
      const call: ZaloCall = { token, method, body, at: Date.now() };
      this.calls.push(call);
      const scripted = this.scripted.get(method)?.shift();
      const delay = (scripted?.delayMs ?? 0) + this.delayMs;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      const answer = scripted ?? (await this.answer(method, body));
      call.ok = (answer.body as { ok?: unknown } | null)?.ok === true;
      res.status(answer.status).json(answer.body);
    });
    this.server = app.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    this.waiters.splice(0).forEach((w) => w());
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private ok(result: unknown): ScriptedAnswer {
    return { status: 200, body: { ok: true, result } };
  }

  private async answer(method: string, body: Record<string, unknown>): Promise<ScriptedAnswer> {
    const now = Date.now();
    switch (method) {
      case "getMe":
        return this.ok({
          id: "1459232241454765289",
          account_name: "bot.fake",
          account_type: "BASIC",
          can_join_groups: false,
        });
      case "setWebhook":
        return this.ok({ url: body.url, updated_at: now });
      case "deleteWebhook":
        return this.ok({ url: "", updated_at: now });
      case "getWebhookInfo":
        return this.ok({ url: "", updated_at: now });
      case "sendMessage": {
        const text = typeof body.text === "string" ? body.text : "";
        if (!body.chat_id || text.length < 1 || text.length > 2_000)
          return {
            status: 400,
            body: { ok: false, error_code: 400, description: "text must be 1-2000 characters" },
          };
        return this.ok({ message_id: `m${++this.counter}`, date: now });
      }
      case "sendPhoto":
        if (!body.chat_id || !body.photo)
          return { status: 400, body: { ok: false, error_code: 400, description: "Bad Request" } };
        return this.ok({ message_id: `m${++this.counter}`, date: now });
      case "sendChatAction":
        return { status: 200, body: { ok: true } };
      case "getUpdates": {
        if (!this.updates.length)
          await new Promise<void>((r) => {
            this.waiters.push(r);
            setTimeout(r, this.idlePollMs);
          });
        const next = this.updates.shift();
        if (next === undefined)
          return { status: 200, body: { ok: false, error_code: 408, description: "Request timeout" } };
        return this.ok(next);
      }
      default:
        return { status: 404, body: { ok: false, error_code: 404, description: "Not Found" } };
    }
  }
}

/** A Zalo text event as delivered to the webhook (flat). */
export function zaloTextEvent(opts: {
  chatId: string;
  text: string;
  messageId?: string;
  userId?: string;
  name?: string;
}) {
  return {
    event_name: "message.text.received",
    message: {
      message_id: opts.messageId ?? `mid-${Math.random().toString(36).slice(2)}`,
      date: Date.now(),
      chat: { id: opts.chatId, chat_type: "PRIVATE" },
      from: { id: opts.userId ?? opts.chatId, display_name: opts.name ?? "Người dùng thử", is_bot: false },
      text: opts.text,
    },
  };
}

/** A Zalo image event (flat); `field` chooses between the documented `photo_url` and the `photo` some copies show. */
export function zaloImageEvent(opts: {
  chatId: string;
  url: string;
  caption?: string;
  messageId?: string;
  field?: "photo_url" | "photo";
}) {
  return {
    event_name: "message.image.received",
    message: {
      message_id: opts.messageId ?? `mid-${Math.random().toString(36).slice(2)}`,
      date: Date.now(),
      chat: { id: opts.chatId, chat_type: "PRIVATE" },
      from: { id: opts.chatId, display_name: "Người dùng thử", is_bot: false },
      [opts.field ?? "photo_url"]: opts.url,
      ...(opts.caption ? { caption: opts.caption } : {}),
    },
  };
}

/** A Zalo citizen for end-to-end tests: posts events to the system's webhook and reads what the fake delivered. */
export class ZaloUser {
  readonly chatId = `zu${Math.random().toString(36).slice(2, 12)}`;
  private seen = 0;

  constructor(
    private readonly systemUrl: string,
    private readonly fake: FakeZalo,
    private readonly secret: string,
  ) {}

  async post(event: unknown): Promise<Response> {
    return fetch(`${this.systemUrl}/webhooks/zalo`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-bot-api-secret-token": this.secret },
      body: JSON.stringify(event),
    });
  }

  /** Sends a text and returns the messages that arrive for it (waits for the first, then briefly for more). */
  async say(text: string, settleMs = 400): Promise<string[]> {
    const res = await this.post(zaloTextEvent({ chatId: this.chatId, text }));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    return this.collect(settleMs);
  }

  /** Sends a photo (an image event pointing at `url`) and returns the replies. */
  async sendPhoto(url: string, settleMs = 400): Promise<string[]> {
    const res = await this.post(zaloImageEvent({ chatId: this.chatId, url }));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    return this.collect(settleMs);
  }

  private async collect(settleMs: number): Promise<string[]> {
    const texts = await this.fake.nextTexts(this.chatId, this.seen, 1, settleMs, 15_000);
    this.seen += texts.length;
    return texts;
  }
}

/** The numbered options of a Zalo message ("1. Hỏi đáp" → [{n:1, label:"Hỏi đáp"}]). */
export function numberedOptions(text: string): Array<{ n: number; label: string }> {
  return [...text.matchAll(/^(\d+)\. (.+)$/gm)].map((m) => ({ n: Number(m[1]), label: m[2]!.trim() }));
}

/** The text as someone typing without Vietnamese diacritics would write it. */
export function withoutDiacritics(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");
}

/**
 * Deliveries as the platform sends them, for the platform-case tests. Shapes come from the docs
 * (bot.zaloplatforms.com "Webhook" and "Bảng mã lỗi", copied in public repositories), the real
 * payloads openclaw's fixtures preserve (`photo_url`, `message_type: "CHAT_PHOTO"`, epoch-ms dates),
 * and the variants defensive parsers in public code accept (photo as object/array, attachments[]).
 */
export const ZALO_PAYLOADS = {
  /** The docs' text example. */
  text: (chatId: string, text: string, userId = chatId, chatType: "PRIVATE" | "GROUP" = "PRIVATE") => ({
    event_name: "message.text.received",
    message: {
      from: { id: userId, display_name: "Ted", is_bot: false },
      chat: { id: chatId, chat_type: chatType },
      text,
      message_id: `${Math.random().toString(16).slice(2, 12)}${Date.now().toString(16)}`.slice(0, 20),
      date: Date.now(),
    },
  }),
  /** A real image event (openclaw PR #51543 fixture): `photo_url`, not the documented `photo`. */
  imageReal: (chatId: string, url: string) => ({
    event_name: "message.image.received",
    message: {
      date: Date.now(),
      chat: { chat_type: "PRIVATE", id: chatId },
      caption: "",
      message_id: `img-${Math.random().toString(36).slice(2)}`,
      message_type: "CHAT_PHOTO",
      from: { id: chatId, is_bot: false, display_name: "Test User" },
      photo_url: url,
    },
  }),
  /** The same image in each shape public parsers report: photo as a string (the docs), an object, an array of sizes, attachments[]. */
  imageShapes: (chatId: string, url: string): Array<{ shape: string; event: unknown }> => {
    const base = () => ({
      date: Date.now(),
      chat: { chat_type: "PRIVATE", id: chatId },
      message_id: `img-${Math.random().toString(36).slice(2)}`,
      from: { id: chatId, is_bot: false, display_name: "Test User" },
    });
    return [
      {
        shape: "photo_url",
        event: { event_name: "message.image.received", message: { ...base(), photo_url: url } },
      },
      {
        shape: "photo string (docs)",
        event: { event_name: "message.image.received", message: { ...base(), photo: url, caption: "" } },
      },
      {
        shape: "photo object",
        event: {
          event_name: "message.image.received",
          message: { ...base(), photo: { url, width: 1280, height: 960 } },
        },
      },
      {
        shape: "photo array",
        event: {
          event_name: "message.image.received",
          message: {
            ...base(),
            photo: [
              { url: `${url}?size=small`, width: 90, height: 90 },
              { url, width: 1280, height: 960 },
            ],
          },
        },
      },
      {
        shape: "attachments[]",
        event: {
          event_name: "message.image.received",
          message: { ...base(), attachments: [{ type: "image", payload: { url } }] },
        },
      },
    ];
  },
  /** The docs: a protected sender's message arrives as this event with no content fields at all. */
  unsupported: (chatId: string) => ({
    event_name: "message.unsupported.received",
    message: {
      from: { id: chatId, display_name: "Ted", is_bot: false },
      chat: { id: chatId, chat_type: "PRIVATE" },
      message_id: `un-${Math.random().toString(36).slice(2)}`,
      date: Date.now(),
    },
  }),
  /** A link preview reported under the same event, with the link in a field parsers look for. */
  linkPreview: (chatId: string, link: string) => ({
    event_name: "message.unsupported.received",
    message: {
      from: { id: chatId, display_name: "Ted", is_bot: false },
      chat: { id: chatId, chat_type: "PRIVATE" },
      message_id: `ln-${Math.random().toString(36).slice(2)}`,
      date: Date.now(),
      message_type: "CHAT_LINK",
      attachments: [{ type: "link", payload: { url: link, title: "Bài viết" } }],
    },
  }),
  /** A link preview whose address was not passed on. */
  linkWithoutAddress: (chatId: string) => ({
    event_name: "message.unsupported.received",
    message: {
      from: { id: chatId, display_name: "Ted", is_bot: false },
      chat: { id: chatId, chat_type: "PRIVATE" },
      message_id: `lx-${Math.random().toString(36).slice(2)}`,
      date: Date.now(),
      message_type: "CHAT_LINK",
    },
  }),
};
