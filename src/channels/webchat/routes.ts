/**
 * HTTP side of the web chat: the page at `/` and `/chat`, and a small JSON API — a proof-of-work
 * challenge, opening a chat (the server picks its id and keeps it in a signed cookie), posting a
 * message and polling replies. The abuse limits live in ./guard (see abuse-guard.ts); this file
 * only turns a request into an InboundMessage.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import express, { type Router } from "express";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { InboundQueue } from "../../queue/inbound.js";
import { readWebchat } from "./adapter.js";
import type { WebchatGuard } from "./guard/abuse-guard.js";

const postSchema = z.object({
  clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  text: z.string().max(4_000).optional(),
  choice: z.object({ token: z.string().max(64), id: z.string().max(64) }).optional(),
  lang: z.enum(["vi", "en"]).optional(),
}).refine((b) => b.text !== undefined || b.choice !== undefined, { message: "text or choice is required" });

export function createWebchatRoutes(deps: { inbound: InboundQueue; redis: Redis; prefix: string; pagePath: string; guard: WebchatGuard }): Router {
  const { guard } = deps;
  const router = express.Router();
  const page = readFileSync(deps.pagePath, "utf8");
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
      res.status(202).json({ status: result });
    } catch {
      res.status(503).json({ error: "unavailable" });
    }
  });

  router.get("/chat/api/messages", guard.limitPolling, guard.requireChat, async (req, res) => {
    const since = z.coerce.number().int().min(0).safeParse(req.query.since ?? 0);
    if (!since.success) {
      res.status(400).json({ error: "invalid_query" });
      return;
    }
    try {
      res.set("Cache-Control", "no-store").json({ messages: await readWebchat(deps.redis, deps.prefix, res.locals.chatId as string, since.data) });
    } catch {
      res.status(503).json({ error: "unavailable" });
    }
  });
  return router;
}
