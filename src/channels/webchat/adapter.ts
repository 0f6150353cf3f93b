/**
 * The local web chat: a real channel behind the same queues and engine, so demos and browser
 * tests use the full path. "Sending" a reply appends it to the chat's transcript in Redis, which
 * the page long-polls; any web process can serve any chat. Evidence uploaded on the page waits in
 * PostgreSQL as a pending attachment until the conversation takes it (see upload.ts).
 */
import type { Redis } from "ioredis";
import type { Db } from "../../db/client.js";
import {
  MediaRejectedError,
  type ChannelAdapter,
  type FetchedMedia,
  type MediaRef,
  type Reply,
} from "../types.js";
import { appendTranscript } from "./transcript.js";

/** The prefix of a media reference to an upload (`fileId: "upload:<attachment id>"`). */
export const UPLOAD_REF = "upload:";

/** @example channels.set("webchat", { adapter: createWebchatAdapter(redis, prefix, { db }) }) */
export function createWebchatAdapter(redis: Redis, prefix: string, opts: { db?: Db } = {}): ChannelAdapter {
  return {
    name: "webchat",
    limits: { globalPerSecond: 10_000, perChatPerSecond: 1_000, perChatBurst: 1_000 },
    async send(chatId: string, reply: Reply) {
      await appendTranscript(redis, prefix, chatId, {
        from: "bot",
        text: reply.text,
        choices: reply.choices,
        choiceToken: reply.choiceToken,
        ...(reply.lang ? { lang: reply.lang } : {}),
      });
    },
    fetchMedia: (ref, maxBytes) => takeUpload(opts.db, ref, maxBytes),
  };
}

/**
 * The bytes of an uploaded file, taken out of its holding row (the conversation stores its own
 * pending copy, which is what a submission links; the holding row is removed so nothing is kept twice).
 */
async function takeUpload(db: Db | undefined, ref: MediaRef, maxBytes: number): Promise<FetchedMedia> {
  const id = ref.fileId?.startsWith(UPLOAD_REF) ? ref.fileId.slice(UPLOAD_REF.length) : undefined;
  if (!db || !id || !/^[0-9a-f-]{36}$/.test(id)) throw new MediaRejectedError("unavailable");
  const row = await db.attachment.findFirst({
    where: { id, nominationId: null },
    select: { data: true, mime: true, fileName: true, size: true },
  });
  if (!row?.data || !row.mime) throw new MediaRejectedError("unavailable");
  if ((row.size ?? row.data.length) > maxBytes) throw new MediaRejectedError("too_large");
  await db.attachment.deleteMany({ where: { id, nominationId: null } });
  return { bytes: Buffer.from(row.data), mime: row.mime, fileName: row.fileName ?? undefined };
}
