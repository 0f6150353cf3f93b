/**
 * Zalo OA webhook events and their translation into the channel-neutral InboundMessage. Ids and
 * timestamps are strings (ids exceed 2^53): they are never parsed as numbers. User→OA events
 * carry the user in `sender.id`; follow/unfollow carry `follower.id`; anonymous users have an
 * `anonymous_id` and a `conversation_id` instead of a user id.
 */
import { z } from "zod";
import type { InboundMessage, MediaRef } from "../types.js";
import { decodeChoicePayload } from "./choice-payload.js";

/** The chat id prefix of anonymous conversations (they can only ask questions; see anonymous.ts). */
export const ANONYMOUS_CHAT_PREFIX = "anon:";

const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

const attachmentSchema = z.looseObject({
  type: z.string().optional(),
  payload: z
    .looseObject({
      url: z.string().optional(),
      thumbnail: z.string().optional(),
      name: z.string().optional(),
      size: z.union([z.string(), z.number()]).optional(),
      type: z.string().optional(),
      coordinates: z
        .looseObject({ latitude: z.unknown().optional(), longitude: z.unknown().optional() })
        .optional(),
    })
    .optional(),
});

export const oaEventSchema = z.looseObject({
  app_id: idSchema.optional(),
  oa_id: idSchema.optional(),
  event_name: z.string(),
  timestamp: idSchema.optional(),
  sender: z.looseObject({ id: idSchema.optional(), anonymous_id: idSchema.optional() }).optional(),
  recipient: z.looseObject({ id: idSchema.optional() }).optional(),
  follower: z.looseObject({ id: idSchema }).optional(),
  user_id_by_app: idSchema.optional(),
  anonymous_id: idSchema.optional(),
  conversation_id: idSchema.optional(),
  message: z
    .looseObject({
      msg_id: idSchema.optional(),
      text: z.string().optional(),
      attachments: z.array(attachmentSchema).optional(),
      conversation_id: idSchema.optional(),
      anonymous_id: idSchema.optional(),
    })
    .optional(),
  info: z.unknown().optional(),
});
export type OaEvent = z.infer<typeof oaEventSchema>;

/** What to do with one delivery. */
export type OaEventOutcome =
  | { kind: "message"; message: InboundMessage; event: string }
  /** follow / unfollow: feeds subscriptions (issue 19) once they exist. */
  | { kind: "subscription"; userId: string; followed: boolean; at: number; key: string; source?: string }
  | { kind: "ignored"; event: string; reason: "echo" | "delivery_receipt" | "unknown_event" | "no_sender" }
  | { kind: "invalid"; problem: string };

/** The user events this channel answers. */
export const USER_MESSAGE_EVENTS = [
  "user_send_text",
  "user_send_image",
  "user_send_gif",
  "user_send_file",
  "user_send_sticker",
  "user_send_audio",
  "user_send_video",
  "user_send_location",
  "user_send_link",
  "user_send_business_card",
  "user_submit_info",
  "anonymous_send_text",
] as const;

/**
 * @example const outcome = oaEventToInbound(JSON.parse(raw)); if (outcome.kind === "message") await inbound.accept(outcome.message)
 */
export function oaEventToInbound(body: unknown): OaEventOutcome {
  const parsed = oaEventSchema.safeParse(body);
  if (!parsed.success)
    return {
      kind: "invalid",
      problem: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    };
  const e = parsed.data;
  const at = e.timestamp && /^\d{1,16}$/.test(e.timestamp) ? Number(e.timestamp) : Date.now();
  const event = e.event_name;

  if (event === "follow" || event === "unfollow") {
    const userId = e.follower?.id ?? e.sender?.id;
    if (!userId) return { kind: "ignored", event, reason: "no_sender" };
    const source =
      typeof (e as { source?: unknown }).source === "string"
        ? String((e as { source?: unknown }).source)
        : undefined;
    return {
      kind: "subscription",
      userId,
      followed: event === "follow",
      at,
      key: `${event}:${userId}:${e.timestamp ?? at}`,
      ...(source ? { source } : {}),
    };
  }
  if (event.startsWith("oa_send_")) return { kind: "ignored", event, reason: "echo" };
  if (event === "user_received_message" || event === "user_seen_message")
    return { kind: "ignored", event, reason: "delivery_receipt" };
  if (!(USER_MESSAGE_EVENTS as readonly string[]).includes(event))
    return { kind: "ignored", event, reason: "unknown_event" };

  const m = e.message;
  if (event === "anonymous_send_text") {
    const anonymousId = e.sender?.anonymous_id ?? e.anonymous_id ?? m?.anonymous_id ?? e.sender?.id;
    const conversationId = e.conversation_id ?? m?.conversation_id;
    if (!anonymousId || !conversationId)
      return {
        kind: "invalid",
        problem: "anonymous_send_text: anonymous_id and conversation_id are required",
      };
    if (!m?.msg_id || m.text === undefined)
      return { kind: "invalid", problem: "message.msg_id and message.text: required" };
    const chatId = `${ANONYMOUS_CHAT_PREFIX}${anonymousId}:${conversationId}`.slice(0, 128);
    return {
      kind: "message",
      event,
      message: {
        channel: "zalo_oa",
        chatId,
        userId: chatId,
        messageId: m.msg_id.slice(0, 200),
        at,
        text: m.text.slice(0, 20_000),
        platform: { anonymous: true },
      },
    };
  }

  const userId = e.sender?.id;
  if (!userId) return { kind: "ignored", event, reason: "no_sender" };
  // user_submit_info has no msg_id: user and time identify it.
  const messageId = m?.msg_id ?? `${event}:${userId}:${e.timestamp ?? at}`;
  const base: InboundMessage = {
    channel: "zalo_oa",
    chatId: userId.slice(0, 128),
    userId: userId.slice(0, 128),
    messageId: messageId.slice(0, 200),
    at,
  };
  const attachment = m?.attachments?.[0];
  const url = attachment?.payload?.url;

  switch (event) {
    case "user_send_text": {
      if (m?.text === undefined) return { kind: "invalid", problem: "message.text: required" };
      const choice = decodeChoicePayload(m.text);
      return {
        kind: "message",
        event,
        message: choice ? { ...base, choice } : { ...base, text: m.text.slice(0, 20_000) },
      };
    }
    case "user_send_link": {
      // A link is something the user typed (or shared): its URL is the text.
      const text = (m?.text?.trim() || url || "").slice(0, 20_000);
      return {
        kind: "message",
        event,
        message: text ? { ...base, text } : { ...base, unsupported: "other" },
      };
    }
    case "user_send_image":
    case "user_send_gif":
    case "user_send_file": {
      if (!url) return { kind: "invalid", problem: "message.attachments[0].payload.url: required" };
      const size = Number(attachment?.payload?.size);
      const media: MediaRef = {
        kind: event === "user_send_file" ? "document" : "photo",
        url: url.slice(0, 2048),
        ...(attachment?.payload?.name ? { fileName: attachment.payload.name.slice(0, 255) } : {}),
        ...(Number.isInteger(size) && size >= 0 ? { size } : {}),
      };
      const caption = m?.text?.trim();
      return {
        kind: "message",
        event,
        message: { ...base, media, ...(caption ? { text: caption.slice(0, 20_000) } : {}) },
      };
    }
    case "user_send_sticker":
      return { kind: "message", event, message: { ...base, unsupported: "sticker" } };
    case "user_send_audio":
      return { kind: "message", event, message: { ...base, unsupported: "voice" } };
    default:
      // Video, location, business card, and form answers (user_submit_info): the bot never asks
      // for a Zalo form (personal data comes only through its own consent steps), so the answer's
      // contents are neither stored nor logged; the user gets the polite "please type" reply.
      return { kind: "message", event, message: { ...base, unsupported: "other" } };
  }
}
