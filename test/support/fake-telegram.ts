/**
 * A fake Telegram Bot API server on loopback, speaking real HTTP: it records every call (method and
 * JSON body), answers like Telegram, can be scripted to fail a method (429 with retry_after, 500,
 * 403 ...), can add a delay to every call, serves getFile and file downloads, and queues updates for
 * getUpdates (polling).
 */
import { once } from "node:events";
import type { Server } from "node:http";
import express from "express";

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
  /** What the fake answered (e.g. the sent message with its message_id). */
  result?: unknown;
}

export interface ScriptedResponse {
  status: number;
  body: unknown;
}

export class FakeTelegram {
  readonly calls: RecordedCall[] = [];
  /** Milliseconds added to every Bot API call (realistic round trip for benchmarks). */
  delayMs = 0;
  url = "";
  private server?: Server;
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  private readonly files = new Map<string, { path: string; bytes: Buffer }>();
  private readonly pendingUpdates: unknown[] = [];
  private nextMessageId = 1000;
  private readonly migrated = new Map<string, number>();
  private readonly held = new Set<string>();

  constructor(readonly token = "123:abc") {}

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: "10mb" }));
    app.post("/bot:token/:method", async (req, res) => {
      if (req.params.token !== this.token) {
        res.status(401).json({ ok: false, error_code: 401, description: "Unauthorized" });
        return;
      }
      const method = req.params.method;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const call: RecordedCall = { method, body, at: Date.now() };
      this.calls.push(call);
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      // A held chat's calls get no answer until release(): the sender stays "in flight".
      while (this.held.has(String(body.chat_id ?? ""))) await new Promise((r) => setTimeout(r, 20));
      const movedTo = this.migrated.get(String(body.chat_id ?? ""));
      if (movedTo !== undefined && /^(send|edit|copy|forward)/.test(method)) {
        // What Telegram answers for every call to a group that became a supergroup (Bot API "ResponseParameters").
        res.status(400).json({
          ok: false,
          error_code: 400,
          description: "Bad Request: group chat was upgraded to a supergroup chat",
          parameters: { migrate_to_chat_id: movedTo },
        });
        return;
      }
      const scripted =
        this.scripts.get(`${method}:${String(body.chat_id ?? "")}`)?.shift() ??
        this.scripts.get(method)?.shift();
      if (scripted) {
        res.status(scripted.status).json(scripted.body);
        return;
      }
      if (method === "getFile" && !this.files.has(String(body.file_id))) {
        res.status(400).json({ ok: false, error_code: 400, description: "Bad Request: invalid file_id" });
        return;
      }
      if (method === "getUpdates") {
        const deadline = Date.now() + Math.min(Number(body.timeout ?? 0), 2) * 1000;
        while (!this.pendingUpdates.length && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        res.json({ ok: true, result: this.pendingUpdates.splice(0) });
        return;
      }
      call.result = this.answer(method, body);
      res.json({ ok: true, result: call.result });
    });
    app.get("/file/bot:token/*path", (req, res) => {
      const path = ([] as string[]).concat((req.params as { path: string | string[] }).path).join("/");
      const file = [...this.files.values()].find((f) => f.path === path);
      if (req.params.token !== this.token || !file) {
        res.status(404).end();
        return;
      }
      res.type("application/octet-stream").send(file.bytes);
    });
    this.server = app.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    this.held.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  /** The next calls of `method` get these responses, in order; later calls are answered normally. */
  script(method: string, ...responses: ScriptedResponse[]): void {
    this.scripts.set(method, [...(this.scripts.get(method) ?? []), ...responses]);
  }

  /** Like `script`, for calls to one chat only (other chats' traffic cannot consume the script). */
  scriptFor(method: string, chatId: string | number, ...responses: ScriptedResponse[]): void {
    this.script(`${method}:${chatId}`, ...responses);
  }

  /** Calls to this chat are recorded but not answered until `release` (a send in flight). */
  hold(chatId: string | number): void {
    this.held.add(String(chatId));
  }

  release(chatId: string | number): void {
    this.held.delete(String(chatId));
  }

  /** The group `from` became the supergroup `to`: from now on every send to `from` is refused with `migrate_to_chat_id`. */
  migrate(from: string | number, to: string | number): void {
    this.migrated.set(String(from), Number(to));
  }

  /** A 429 as Telegram sends it. */
  static tooManyRequests(retryAfter: number): ScriptedResponse {
    return {
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      },
    };
  }

  static error(code: number, description: string): ScriptedResponse {
    return { status: code, body: { ok: false, error_code: code, description } };
  }

  /** Makes a file available through getFile and the file download URL. */
  addFile(fileId: string, bytes: Buffer, path = `documents/${fileId}.bin`): void {
    this.files.set(fileId, { path, bytes });
  }

  /** Queues an update for the next getUpdates. */
  pushUpdate(update: unknown): void {
    this.pendingUpdates.push(update);
  }

  callsOf(method: string, chatId?: string | number): RecordedCall[] {
    return this.calls.filter(
      (c) => c.method === method && (chatId === undefined || String(c.body.chat_id) === String(chatId)),
    );
  }

  /** Waits until `count` calls of `method` (optionally to one chat) were made, and returns them. */
  async waitFor(
    method: string,
    opts: { chatId?: string | number; count?: number; timeoutMs?: number } = {},
  ): Promise<RecordedCall[]> {
    const count = opts.count ?? 1;
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      const got = this.callsOf(method, opts.chatId);
      if (got.length >= count) return got;
      if (Date.now() > deadline)
        throw new Error(
          `expected ${count} ${method} call(s)${opts.chatId !== undefined ? ` to chat ${opts.chatId}` : ""}, got ${got.length}`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private answer(method: string, body: Record<string, unknown>): unknown {
    const date = Math.floor(Date.now() / 1000);
    switch (method) {
      case "getMe":
        return { id: 123, is_bot: true, first_name: "Test bot", username: "cds_test_bot" };
      case "sendMessage":
      case "sendPhoto":
        return {
          message_id: this.nextMessageId++,
          date,
          chat: { id: Number(body.chat_id), type: "private" },
          text: body.text,
        };
      case "editMessageText":
        return {
          message_id: Number(body.message_id),
          date,
          chat: { id: Number(body.chat_id), type: "private" },
          text: body.text,
        };
      case "getFile": {
        const file = this.files.get(String(body.file_id))!;
        return {
          file_id: body.file_id,
          file_unique_id: `u${String(body.file_id)}`,
          file_size: file.bytes.length,
          file_path: file.path,
        };
      }
      case "getWebhookInfo":
        return { url: "", has_custom_certificate: false, pending_update_count: 0 };
      default:
        return true;
    }
  }
}
