/**
 * The channel-neutral message shapes. Adapters turn platform payloads into an InboundMessage and
 * render a Reply back; nothing above the channel layer knows which platform a message came from.
 */
import { z } from "zod";

export const CHANNELS = ["telegram", "zalo", "webchat", "zalo_oa"] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const mediaRefSchema = z.object({
  kind: z.enum(["photo", "document"]),
  /** Telegram file_id (downloaded through getFile). */
  fileId: z.string().max(512).optional(),
  /** A direct URL (Zalo CDN; may expire, so it is downloaded at once). */
  url: z.string().max(2048).optional(),
  mime: z.string().max(200).optional(),
  size: z.number().int().nonnegative().optional(),
  fileName: z.string().max(255).optional(),
});
export type MediaRef = z.infer<typeof mediaRefSchema>;

export const inboundMessageSchema = z.object({
  channel: z.enum(CHANNELS),
  chatId: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
  /** The platform's id of this update/message: the deduplication key together with the channel. */
  messageId: z.string().min(1).max(200),
  /** Epoch milliseconds when the platform received it. */
  at: z.number(),
  displayName: z.string().max(256).optional(),
  /** Platform language code, a hint for the first reply only ("vi", "en"). */
  languageHint: z.string().max(16).optional(),
  text: z.string().max(20_000).optional(),
  /** A button press: the token ties it to the question it answered, so stale buttons are ignored. */
  choice: z.object({ token: z.string().max(64), id: z.string().max(64) }).optional(),
  media: mediaRefSchema.optional(),
  /**
   * Content the bot cannot read: sticker, voice, ... are answered with a friendly "please type";
   * "protected" is a sender the platform hides from bots (Zalo's protected users: told once, kindly);
   * "link" is a link preview whose address the platform did not pass on (asked to paste the link).
   */
  unsupported: z.enum(["sticker", "voice", "other", "protected", "link"]).optional(),
  /** "group" when the message came from a group chat (the bot was addressed there); private otherwise. */
  chatType: z.enum(["private", "group"]).optional(),
  /** The message edits an earlier one (Telegram's edited_message): not re-processed, only acknowledged. */
  edited: z.boolean().optional(),
  /** Platform details the same channel's sender needs later (e.g. a callback query id to answer). */
  platform: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

/**
 * The choice token of reviewer card buttons (`rv|approve.DC-2026-000001`): such presses belong to
 * the review module, never to a user's conversation, and their keyboards stay (a card is shared).
 */
export const REVIEW_CHOICE_TOKEN = "rv";

export interface Choice {
  /** Short ASCII id (fits Telegram's 64-byte callback_data together with the token). */
  id: string;
  label: string;
}

/**
 * One message to show the user. `text` is always plain text: each renderer escapes it for its
 * platform (HTML on Telegram). Choices become buttons (Telegram, web) or a numbered list (Zalo).
 */
export interface Reply {
  text: string;
  choices?: Choice[];
  /** Identifies the question the choices answer; echoed back in InboundMessage.choice.token. */
  choiceToken?: string;
  media?: { url: string; caption?: string };
  /**
   * Offers to continue in a private chat with the bot (asked in a group for something personal):
   * Telegram shows a button opening `t.me/<bot>?start=<start>`; other platforms only show the text.
   */
  openPrivate?: { label: string; start: string };
  /** The conversation's language when the reply was written (the web chat's page follows it). */
  lang?: "vi" | "en";
}

/** What the inbound worker hands the outbound queue for one processed update. */
export interface OutboundJob {
  channel: ChannelName;
  chatId: string;
  /** Idempotency key: the inbound message id (or another unique key), so a retried job never re-sends a part already delivered. */
  key: string;
  replies: Reply[];
  platform?: InboundMessage["platform"];
}

/** A downloaded evidence file. */
export interface FetchedMedia {
  bytes: Buffer;
  mime: string;
  fileName?: string;
}

/** Thrown by a Sender for a rate limit: the outbound worker waits `retryAfterMs` and tries again without using up an attempt. */
export class RetryAfterError extends Error {
  override name = "RetryAfterError";
  constructor(readonly retryAfterMs: number) {
    super(`rate limited, retry after ${retryAfterMs} ms`);
  }
}

/** Thrown by a Sender when the user blocked the bot or the chat is gone: never retried. */
export class RecipientUnreachableError extends Error {
  override name = "RecipientUnreachableError";
}

/** Thrown for a request the platform will never accept (bad request): never retried. */
export class PermanentSendError extends Error {
  override name = "PermanentSendError";
}

/** Thrown when a file is too large or of a type we do not accept. */
export class MediaRejectedError extends Error {
  override name = "MediaRejectedError";
  constructor(readonly reason: "too_large" | "bad_type" | "unavailable") {
    super(`media rejected: ${reason}`);
  }
}

/**
 * Everything the core needs from one platform. `send` delivers one Reply and is called by the
 * outbound worker (which owns rate limiting and retries); `fetchMedia` downloads evidence.
 */
export interface ChannelAdapter {
  name: ChannelName;
  /** Per-chat send budget: burst and sustained messages per second. */
  limits: { globalPerSecond: number; perChatPerSecond: number; perChatBurst: number };
  /** A chat's own budget when it differs by chat (Telegram groups allow ~20 a minute); `limits` otherwise. */
  chatLimit?(chatId: string): { perSecond: number; burst: number };
  send(
    chatId: string,
    reply: Reply,
    ctx: { key: string; index: number; platform?: OutboundJob["platform"] },
  ): Promise<void>;
  /** Called once before a job's replies (e.g. answerCallbackQuery, remove an answered keyboard, typing). Errors are logged, not retried. */
  beforeSend?(job: OutboundJob): Promise<void>;
  /** Whether `beforeSend` has anything to do for this job (saves a Redis round trip when not); default yes. */
  needsBeforeSend?(job: OutboundJob): boolean;
  fetchMedia?(ref: MediaRef, maxBytes: number): Promise<FetchedMedia>;
}
