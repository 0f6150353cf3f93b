/**
 * HTTP side of the web chat: the page at `/` and `/chat`, a JSON endpoint to post a message and
 * one to poll replies. The chat id is a random UUID the browser keeps: it is the capability, so
 * it is validated strictly and never derived from anything guessable.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import express, { type Router } from "express";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { InboundQueue } from "../../queue/inbound.js";
import { readWebchat } from "./adapter.js";

const chatIdSchema = z.uuid();
const postSchema = z.object({
  chatId: chatIdSchema,
  clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  text: z.string().max(4_000).optional(),
  choice: z.object({ token: z.string().max(64), id: z.string().max(64) }).optional(),
  lang: z.enum(["vi", "en"]).optional(),
}).refine((b) => b.text !== undefined || b.choice !== undefined, { message: "text or choice is required" });

export function createWebchatRoutes(deps: { inbound: InboundQueue; redis: Redis; prefix: string; pagePath: string }): Router {
  const router = express.Router();
  const page = readFileSync(deps.pagePath, "utf8");
  const sendPage: express.RequestHandler = (_req, res) => {
    res.type("html").set("Cache-Control", "no-store").send(page);
  };
  router.get("/", sendPage);
  router.get("/chat", sendPage);

  router.post("/chat/api/messages", express.json({ limit: "16kb" }), async (req, res) => {
    const body = postSchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: "invalid_message" });
      return;
    }
    const b = body.data;
    try {
      const result = await deps.inbound.accept({
        channel: "webchat",
        chatId: b.chatId,
        userId: b.chatId,
        messageId: `${b.chatId}-${b.clientMessageId}`,
        at: Date.now(),
        text: b.text,
        choice: b.choice,
        languageHint: b.lang,
      });
      res.status(202).json({ status: result });
    } catch {
      res.status(503).json({ error: "unavailable" });
    }
  });

  router.get("/chat/api/messages", async (req, res) => {
    const chatId = chatIdSchema.safeParse(req.query.chatId);
    const since = z.coerce.number().int().min(0).safeParse(req.query.since ?? 0);
    if (!chatId.success || !since.success) {
      res.status(400).json({ error: "invalid_query" });
      return;
    }
    try {
      res.set("Cache-Control", "no-store").json({ messages: await readWebchat(deps.redis, deps.prefix, chatId.data, since.data) });
    } catch {
      res.status(503).json({ error: "unavailable" });
    }
  });

  router.get("/chat/api/new", (_req, res) => {
    res.json({ chatId: randomUUID() });
  });
  return router;
}
