/**
 * HTTP side of the web chat: the page at `/` and `/chat`, and a small JSON API — a proof-of-work
 * challenge, opening a chat (the server picks its id and keeps it in a signed cookie), posting a
 * message, reading the transcript (long-polled) and uploading evidence. The abuse limits live in
 * ./guard (see abuse-guard.ts); this file only turns a request into an InboundMessage.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import express, { type Router } from "express";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Db } from "../../db/client.js";
import type { InboundQueue } from "../../queue/inbound.js";
import { cleanText } from "../../text/free-text.js";
import type { WebchatGuard } from "./guard/abuse-guard.js";
import { createTranscriptWaiters } from "./long-poll.js";
import { appendTranscript, readTranscriptJson } from "./transcript.js";
import { createWebchatUpload } from "./upload.js";

const postSchema = z
  .object({
    clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    text: z.string().max(4_000).optional(),
    choice: z.object({ token: z.string().max(64), id: z.string().max(64) }).optional(),
    /** The label of the pressed button, for the transcript only. */
    label: z.string().max(200).optional(),
    lang: z.enum(["vi", "en"]).optional(),
  })
  .refine((b) => b.text !== undefined || b.choice !== undefined, { message: "text or choice is required" });

/** The longest a read waits for new entries; under common proxies' 30–60 s idle timeouts. */
export const LONG_POLL_MAX_SECONDS = 25;

export interface WebchatRoutesDeps {
  inbound: InboundQueue;
  redis: Redis;
  prefix: string;
  pagePath: string;
  guard: WebchatGuard;
  /** Uploads are stored as pending attachments (see upload.ts); without a database there is no upload route. */
  db?: Db;
  evidenceMaxBytes?: number;
}

/** @example const webchat = await createWebchatRoutes({ inbound, redis, prefix, pagePath, guard, db, evidenceMaxBytes }); app.use(webchat.router) */
export async function createWebchatRoutes(
  deps: WebchatRoutesDeps,
): Promise<{ router: Router; close(): Promise<void> }> {
  const { guard } = deps;
  const router = express.Router();
  const maxBytes = deps.evidenceMaxBytes ?? 10 * 1024 * 1024;
  const page = readFileSync(deps.pagePath, "utf8").replace("{{EVIDENCE_MAX_BYTES}}", String(maxBytes));
  const waiters = await createTranscriptWaiters(deps.redis, deps.prefix);
  const json = express.json({ limit: "16kb" });
  const sendPage: express.RequestHandler = (_req, res) => {
    res.type("html").set("Cache-Control", "no-store").send(page);
  };
  router.get("/", sendPage);
  router.get("/chat", sendPage);

  router.get("/chat/api/challenge", guard.challenge);
  router.post("/chat/api/session", guard.limitMessages, json, guard.openChat);

  router.post("/chat/api/messages", guard.limitMessages, json, guard.requireChat, async (req, res) => {
    const body = postSchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: "invalid_message" });
      return;
    }
    const b = body.data;
    const chatId = res.locals.chatId as string;
    try {
      const result = await deps.inbound.accept({
        channel: "webchat",
        chatId,
        userId: chatId,
        // Hashed, so job ids and dedupe marks do not carry the chat id.
        messageId: `wc-${createHash("sha256").update(`${chatId}:${b.clientMessageId}`).digest("hex").slice(0, 40)}`,
        at: Date.now(),
        text: b.text,
        choice: b.choice,
        languageHint: b.lang,
        // The client's address as a keyed hash: the per-address submission quota reads it.
        platform: { client: res.locals.clientKey as string },
      });
      // The person's side of the transcript, so a reload shows both sides (a retried send is written once).
      // ("/start" is sent by the page itself on a first visit: not something the person wrote.)
      if (result === "queued" && b.text !== "/start") {
        const text = cleanText(b.text ?? b.label ?? "");
        await appendTranscript(deps.redis, deps.prefix, chatId, {
          from: "user",
          text,
          clientMessageId: b.clientMessageId,
          ...(b.choice ? { choice: b.choice } : {}),
        }).catch(() => {});
      }
      res.status(202).json({ status: result });
    } catch {
      res.status(503).json({ error: "unavailable" });
    }
  });

  router.get("/chat/api/messages", guard.limitPolling, guard.requireChat, async (req, res) => {
    const since = z.coerce
      .number()
      .int()
      .min(0)
      .safeParse(req.query.since ?? 0);
    const wait = z.coerce
      .number()
      .min(0)
      .max(LONG_POLL_MAX_SECONDS)
      .safeParse(req.query.wait ?? 0);
    if (!since.success || !wait.success) {
      res.status(400).json({ error: "invalid_query" });
      return;
    }
    const chatId = res.locals.chatId as string;
    const read = () => readTranscriptJson(deps.redis, deps.prefix, chatId, since.data);
    try {
      let messages = await read();
      const deadline = Date.now() + wait.data * 1000;
      const stop = new AbortController();
      // The response's "close" (not the request's, which fires once a GET is read) tells the page left.
      res.on("close", () => stop.abort());
      while (!messages.length && !stop.signal.aborted && Date.now() < deadline) {
        // Listen first, then look again: an entry appended in between is not missed. A wake-up for
        // entries this reader has already seen just waits again, until the deadline.
        const woken = waiters.wait(chatId, deadline - Date.now(), stop.signal);
        messages = await read();
        if (messages.length) break;
        await woken;
        if (res.destroyed) return;
        messages = await read();
      }
      stop.abort();
      if (res.destroyed) return;
      // The stored lines are JSON already: sent as they are, not parsed and written again.
      res
        .set("Cache-Control", "no-store")
        .type("json")
        .send(`{"messages":[${messages.join(",")}]}`);
    } catch {
      if (!res.headersSent) res.status(503).json({ error: "unavailable" });
    }
  });

  if (deps.db)
    router.use(
      createWebchatUpload({
        inbound: deps.inbound,
        db: deps.db,
        redis: deps.redis,
        prefix: deps.prefix,
        evidenceMaxBytes: maxBytes,
        guard,
      }),
    );
  return { router, close: () => waiters.close() };
}
