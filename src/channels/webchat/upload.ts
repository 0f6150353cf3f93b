/**
 * `POST /chat/api/upload`: evidence (a photo or a PDF) sent from the web chat. The raw bytes are
 * checked exactly like files from Telegram and Zalo — at most EVIDENCE_MAX_BYTES, and a type
 * decided by the first bytes, never by the name — then held in PostgreSQL as a pending attachment
 * and handed to the conversation as a media message, like a photo from any other channel. The
 * route sits behind the same guard as messages (the chat cookie, the per-address and overall
 * limits), so an upload is one more message, never a way around them.
 */
import { createHash } from "node:crypto";
import express, { type ErrorRequestHandler, type Router } from "express";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Db } from "../../db/client.js";
import { discardPendingEvidence, storePendingEvidence } from "../../nominations/submissions.js";
import type { InboundQueue } from "../../queue/inbound.js";
import { cleanText } from "../../text/free-text.js";
import { sniffMime } from "../evidence-files.js";
import { UPLOAD_REF } from "./adapter.js";
import type { WebchatGuard } from "./guard/abuse-guard.js";
import { appendTranscript } from "./transcript.js";

/** The web chat takes images and PDFs (Office files are accepted on Telegram, where phones make them). */
export function webchatAccepts(mime: string): boolean {
  return mime.startsWith("image/") || mime === "application/pdf";
}

const querySchema = z.object({
  clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  name: z.string().max(255).optional(),
  lang: z.enum(["vi", "en"]).optional(),
});

export interface WebchatUploadDeps {
  inbound: Pick<InboundQueue, "accept">;
  db: Db;
  redis: Redis;
  prefix: string;
  evidenceMaxBytes: number;
  /** The web chat's guard: the upload needs a live chat cookie and counts against the message limits. */
  guard: Pick<WebchatGuard, "limitMessages" | "requireChat">;
}

/**
 * Answers 202 (queued, or a duplicate of an upload already taken), 400 (bad query or empty),
 * 413 (too large, with the limit), 415 (not an image or PDF), 503 (storage unavailable).
 *
 * Before the bytes are read, the guard refuses over-limit addresses (429/503) and requests without
 * a live chat cookie (401).
 *
 * @example router.use(createWebchatUpload({ inbound, db, redis, prefix, evidenceMaxBytes, guard }))
 */
export function createWebchatUpload(deps: WebchatUploadDeps): Router {
  const router = express.Router();
  router.post(
    "/chat/api/upload",
    deps.guard.limitMessages,
    deps.guard.requireChat,
    express.raw({ type: () => true, limit: deps.evidenceMaxBytes }),
    async (req, res) => {
      const q = querySchema.safeParse(req.query);
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!q.success || bytes.length === 0) {
        res.status(400).json({ error: "invalid_upload" });
        return;
      }
      const mime = sniffMime(bytes);
      if (!mime || !webchatAccepts(mime)) {
        res.status(415).json({ error: "bad_type" });
        return;
      }
      const { clientMessageId, lang } = q.data;
      const chatId = res.locals.chatId as string;
      const fileName = q.data.name ? cleanText(q.data.name).slice(0, 255) || undefined : undefined;
      const kind = mime.startsWith("image/") ? ("photo" as const) : ("document" as const);
      let attachmentId: string | undefined;
      try {
        attachmentId = await storePendingEvidence(deps.db, { kind, bytes, mime, fileName });
        const result = await deps.inbound.accept({
          channel: "webchat",
          chatId,
          userId: chatId,
          // Hashed like a typed message's id, so job ids and dedupe marks do not carry the chat id.
          messageId: `wc-${createHash("sha256").update(`${chatId}:${clientMessageId}`).digest("hex").slice(0, 40)}`,
          at: Date.now(),
          media: {
            kind,
            fileId: `${UPLOAD_REF}${attachmentId}`,
            mime,
            size: bytes.length,
            ...(fileName ? { fileName } : {}),
          },
          ...(lang ? { languageHint: lang } : {}),
          platform: { client: res.locals.clientKey as string },
        });
        if (result === "duplicate") await discardPendingEvidence(deps.db, [attachmentId]);
        else
          await appendTranscript(deps.redis, deps.prefix, chatId, {
            from: "user",
            text: fileName ?? "",
            clientMessageId,
            file: { ...(fileName ? { name: fileName } : {}), mime, size: bytes.length },
          });
        res.status(202).json({ status: result, mime, size: bytes.length });
      } catch {
        if (attachmentId) await discardPendingEvidence(deps.db, [attachmentId]).catch(() => {});
        res.status(503).json({ error: "unavailable" });
      }
    },
  );
  const onError: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err.status === 413) res.status(413).json({ error: "too_large", maxBytes: deps.evidenceMaxBytes });
    else res.status(400).json({ error: "invalid_upload" });
  };
  router.use(onError);
  return router;
}
