/**
 * Zalo Bot Platform events (webhook deliveries and getUpdates results) and their translation into
 * the channel-neutral InboundMessage. Public copies of the documentation disagree on details
 * (flat or `{ok, result}`-wrapped bodies, `photo_url` or `photo`, `display_name` or `first_name`,
 * getUpdates results without `event_name`), so the schema accepts every variant seen.
 */
import { z } from "zod";
import type { InboundMessage } from "../types.js";

/** Ids are documented as strings; numbers are accepted and turned into strings. */
const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

export const zaloMessageSchema = z.looseObject({
  message_id: idSchema.optional(),
  /** Epoch milliseconds. */
  date: z.coerce.number().optional(),
  chat: z.looseObject({ id: idSchema, chat_type: z.string().optional() }),
  from: z
    .looseObject({
      id: idSchema,
      display_name: z.string().optional(),
      first_name: z.string().optional(),
      is_bot: z.boolean().optional(),
    })
    .optional(),
  text: z.string().optional(),
  photo_url: z.string().optional(),
  photo: z.string().optional(),
  caption: z.string().optional(),
  sticker: z.string().optional(),
  voice_url: z.string().optional(),
});
export type ZaloMessage = z.infer<typeof zaloMessageSchema>;

export const zaloUpdateSchema = z.looseObject({
  event_name: z.string().optional(),
  message: zaloMessageSchema.optional(),
});
export type ZaloUpdate = z.infer<typeof zaloUpdateSchema>;

/** The events this bot understands; anything else is acknowledged and ignored. */
export const KNOWN_EVENTS = ["message.text.received", "message.image.received", "message.sticker.received", "message.voice.received", "message.unsupported.received"] as const;
type KnownEvent = (typeof KNOWN_EVENTS)[number];

/** What to do with one delivery. */
export type ZaloEventOutcome =
  | { kind: "message"; message: InboundMessage }
  | { kind: "ignored"; reason: "empty" | "unknown_event" | "from_bot" | "no_message" }
  | { kind: "invalid"; problem: string };

/** Unwraps `{ok:true, result:{...}}`; a flat body is returned as it is. */
export function unwrapZaloBody(body: unknown): unknown {
  if (body && typeof body === "object" && !Array.isArray(body) && "result" in body && "ok" in body) return (body as { result: unknown }).result;
  return body;
}

/**
 * Reads one Zalo event (flat or wrapped) into an InboundMessage, or says why it is ignored.
 * getUpdates copies show results without `event_name`; the kind is then read from the content.
 *
 * @example const outcome = zaloEventToInbound(req.body); if (outcome.kind === "message") await inbound.accept(outcome.message)
 */
export function zaloEventToInbound(body: unknown): ZaloEventOutcome {
  const raw = unwrapZaloBody(body);
  if (raw === undefined || raw === null || (typeof raw === "object" && !Array.isArray(raw) && Object.keys(raw).length === 0)) return { kind: "ignored", reason: "empty" };
  const parsed = zaloUpdateSchema.safeParse(raw);
  if (!parsed.success) return { kind: "invalid", problem: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const update = parsed.data;
  const event = update.event_name ?? inferEvent(update.message);
  if (!event || !(KNOWN_EVENTS as readonly string[]).includes(event)) return { kind: "ignored", reason: "unknown_event" };
  const m = update.message;
  if (!m) return { kind: "ignored", reason: "no_message" };
  if (m.from?.is_bot) return { kind: "ignored", reason: "from_bot" };

  const chatId = m.chat.id;
  const messageId = m.message_id ?? syntheticId(event as KnownEvent, m);
  if (!messageId) return { kind: "invalid", problem: "message.message_id: required" };
  const displayName = (m.from?.display_name ?? m.from?.first_name)?.slice(0, 256);
  const base: InboundMessage = {
    channel: "zalo",
    chatId: chatId.slice(0, 128),
    userId: (m.from?.id ?? chatId).slice(0, 128),
    messageId: messageId.slice(0, 200),
    at: m.date && Number.isFinite(m.date) ? m.date : Date.now(),
    ...(displayName ? { displayName } : {}),
  };

  switch (event as KnownEvent) {
    case "message.text.received":
      if (m.text === undefined) return { kind: "invalid", problem: "message.text: required" };
      return { kind: "message", message: { ...base, text: m.text.slice(0, 20_000) } };
    case "message.image.received": {
      const url = m.photo_url ?? m.photo;
      if (!url) return { kind: "invalid", problem: "message.photo_url: required" };
      const caption = m.caption?.trim();
      return { kind: "message", message: { ...base, media: { kind: "photo", url: url.slice(0, 2048) }, ...(caption ? { text: caption.slice(0, 20_000) } : {}) } };
    }
    case "message.sticker.received":
      return { kind: "message", message: { ...base, unsupported: "sticker" } };
    case "message.voice.received":
      return { kind: "message", message: { ...base, unsupported: "voice" } };
    case "message.unsupported.received":
      return { kind: "message", message: { ...base, unsupported: "other" } };
  }
}

function inferEvent(m: ZaloMessage | undefined): KnownEvent | undefined {
  if (!m) return undefined;
  if (m.photo_url ?? m.photo) return "message.image.received";
  if (m.text !== undefined) return "message.text.received";
  if (m.sticker) return "message.sticker.received";
  if (m.voice_url) return "message.voice.received";
  return "message.unsupported.received";
}

/**
 * Content-less events may come without a message id; chat and time still make a stable
 * deduplication key. Text and images must carry one: without it a retry would be answered twice.
 */
function syntheticId(event: KnownEvent, m: ZaloMessage): string | undefined {
  if (event === "message.text.received" || event === "message.image.received") return undefined;
  if (!m.date) return undefined;
  return `${event}:${m.chat.id}:${m.date}`;
}
