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
      name: z.string().optional(),
      is_bot: z.boolean().optional(),
    })
    .optional(),
  text: z.string().optional(),
  photo_url: z.string().optional(),
  /** Documented as a URL string; defensive parsers in public code also meet an object or an array of sizes. */
  photo: z.unknown().optional(),
  /** Not in the docs; seen only in defensive parsing code (`[{type, payload:{url}}]`): tolerated, never expected. */
  attachments: z.unknown().optional(),
  link: z.unknown().optional(),
  url: z.string().optional(),
  caption: z.string().optional(),
  sticker: z.string().optional(),
  voice_url: z.string().optional(),
  message_type: z.string().optional(),
});
export type ZaloMessage = z.infer<typeof zaloMessageSchema>;

export const zaloUpdateSchema = z.looseObject({
  event_name: z.string().optional(),
  message: zaloMessageSchema.optional(),
});
export type ZaloUpdate = z.infer<typeof zaloUpdateSchema>;

/** The events this bot understands; anything else is acknowledged and ignored. `message.link.received` appears only in speculative code, read as a link preview. */
export const KNOWN_EVENTS = [
  "message.text.received",
  "message.image.received",
  "message.sticker.received",
  "message.voice.received",
  "message.unsupported.received",
  "message.link.received",
] as const;
type KnownEvent = (typeof KNOWN_EVENTS)[number];

/** What to do with one delivery. `keys` is a sample of the payload's field names (never values), for the log. */
export type ZaloEventOutcome =
  | { kind: "message"; message: InboundMessage; keys?: string }
  | { kind: "ignored"; reason: "empty" | "unknown_event" | "from_bot" | "no_message"; keys?: string }
  | { kind: "invalid"; problem: string; keys: string };

/** Unwraps `{ok:true, result:{...}}`; a flat body is returned as it is. */
export function unwrapZaloBody(body: unknown): unknown {
  if (body && typeof body === "object" && !Array.isArray(body) && "result" in body && "ok" in body)
    return (body as { result: unknown }).result;
  return body;
}

/**
 * The field names of a payload, three levels deep ("event_name,message{chat{id},photo[2]}"):
 * enough to recognise a new shape in the logs, with no value (which could be personal data) in it.
 */
export function sampleKeys(raw: unknown, depth = 0): string {
  if (Array.isArray(raw)) return `[${raw.length}]`;
  if (!raw || typeof raw !== "object") return "";
  return Object.keys(raw)
    .slice(0, 20)
    .map((k) => {
      const name = k.replace(/[^A-Za-z0-9_.-]/g, "?").slice(0, 40);
      const inner = (raw as Record<string, unknown>)[k];
      if (Array.isArray(inner)) return `${name}[${inner.length}]`;
      if (inner && typeof inner === "object" && depth < 2) return `${name}{${sampleKeys(inner, depth + 1)}}`;
      return name;
    })
    .join(",")
    .slice(0, 500);
}

/**
 * Reads one Zalo event (flat or wrapped) into an InboundMessage, or says why it is ignored.
 * getUpdates copies show results without `event_name`; the kind is then read from the content.
 *
 * @example const outcome = zaloEventToInbound(req.body); if (outcome.kind === "message") await inbound.accept(outcome.message)
 */
export function zaloEventToInbound(body: unknown): ZaloEventOutcome {
  const raw = unwrapZaloBody(body);
  if (
    raw === undefined ||
    raw === null ||
    (typeof raw === "object" && !Array.isArray(raw) && Object.keys(raw).length === 0)
  )
    return { kind: "ignored", reason: "empty" };
  const parsed = zaloUpdateSchema.safeParse(raw);
  if (!parsed.success)
    return {
      kind: "invalid",
      problem: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      keys: sampleKeys(raw),
    };
  const update = parsed.data;
  const event = update.event_name ?? inferEvent(update.message);
  if (!event || !(KNOWN_EVENTS as readonly string[]).includes(event))
    return { kind: "ignored", reason: "unknown_event", keys: sampleKeys(raw) };
  const m = update.message;
  if (!m) return { kind: "ignored", reason: "no_message", keys: sampleKeys(raw) };
  if (m.from?.is_bot) return { kind: "ignored", reason: "from_bot" };

  const chatId = m.chat.id;
  const messageId = m.message_id ?? syntheticId(event as KnownEvent, m);
  if (!messageId) return { kind: "invalid", problem: "message.message_id: required", keys: sampleKeys(raw) };
  const displayName = (m.from?.display_name ?? m.from?.first_name ?? m.from?.name)?.slice(0, 256);
  const group = m.chat.chat_type?.toUpperCase() === "GROUP";
  const base: InboundMessage = {
    channel: "zalo",
    chatId: chatId.slice(0, 128),
    userId: (m.from?.id ?? chatId).slice(0, 128),
    messageId: messageId.slice(0, 200),
    at: m.date && Number.isFinite(m.date) ? m.date : Date.now(),
    ...(displayName ? { displayName } : {}),
    ...(group ? { chatType: "group" as const } : {}),
  };
  // A shape we could not read is still a person writing to us: they get an answer, the log gets the field names.
  const unreadable = (problem: string): ZaloEventOutcome => ({
    kind: "message",
    message: { ...base, unsupported: "other" },
    keys: `${problem}: ${sampleKeys(raw)}`,
  });

  switch (event as KnownEvent) {
    case "message.text.received":
      if (m.text === undefined) return unreadable("text missing");
      return {
        kind: "message",
        message: { ...base, text: (group ? withoutLeadingMention(m.text) : m.text).slice(0, 20_000) },
      };
    case "message.image.received": {
      const url = imageUrlOf(m);
      if (!url) return unreadable("no image address");
      const caption = m.caption?.trim();
      return {
        kind: "message",
        message: {
          ...base,
          media: { kind: "photo", url: url.slice(0, 2048) },
          ...(caption ? { text: caption.slice(0, 20_000) } : {}),
        },
      };
    }
    case "message.sticker.received":
      return { kind: "message", message: { ...base, unsupported: "sticker" } };
    case "message.voice.received":
      return { kind: "message", message: { ...base, unsupported: "voice" } };
    case "message.link.received":
    case "message.unsupported.received": {
      // A link preview, where it can be told apart from a protected sender: its address, when given, is read as typed text.
      const link = linkOf(m);
      if (link) return { kind: "message", message: { ...base, text: link.slice(0, 2048) } };
      if (event === "message.link.received" || /link/i.test(m.message_type ?? ""))
        return { kind: "message", message: { ...base, unsupported: "link" } };
      const image = imageUrlOf(m);
      if (image)
        return { kind: "message", message: { ...base, media: { kind: "photo", url: image.slice(0, 2048) } } };
      // The docs: a sender in a protected group (children, people with disabilities) arrives as this event, content withheld.
      return { kind: "message", message: { ...base, unsupported: "protected" } };
    }
  }
}

/** An http(s) address inside a field that may be a string, an object ({url}, {payload:{url}}) or a list of those. */
function urlIn(v: unknown, depth = 0): string | undefined {
  if (depth > 3 || v === null || v === undefined) return undefined;
  if (typeof v === "string") return /^https?:\/\/\S+$/i.test(v.trim()) ? v.trim() : undefined;
  if (Array.isArray(v)) {
    // Several sizes of one photo: the largest, when sizes are given; otherwise the first.
    const area = (x: unknown) =>
      x && typeof x === "object"
        ? Number((x as Record<string, unknown>).width ?? 0) *
            Number((x as Record<string, unknown>).height ?? 0) ||
          Number((x as Record<string, unknown>).size ?? 0)
        : 0;
    const sorted = [...v].sort((a, b) => area(b) - area(a));
    for (const x of sorted) {
      const u = urlIn(x, depth + 1);
      if (u) return u;
    }
    return undefined;
  }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    for (const k of ["url", "photo_url", "href", "src", "original", "payload"]) {
      const u = urlIn(o[k], depth + 1);
      if (u) return u;
    }
  }
  return undefined;
}

/** `attachments[]` entries of one type ("image", "link"): `{type, payload:{url}}` or `{type, url}`. */
function attachmentsOf(m: ZaloMessage, types: RegExp): unknown[] {
  return Array.isArray(m.attachments)
    ? m.attachments.filter(
        (a) => a && typeof a === "object" && types.test(String((a as Record<string, unknown>).type ?? "")),
      )
    : [];
}

/** The image address of an image event: `photo_url` (real payloads), `photo` (docs; string, object or array), then `attachments`. */
export function imageUrlOf(m: ZaloMessage): string | undefined {
  return urlIn(m.photo_url) ?? urlIn(m.photo) ?? urlIn(attachmentsOf(m, /^(image|photo|gif)$/i));
}

function linkOf(m: ZaloMessage): string | undefined {
  return (
    urlIn(m.link) ??
    urlIn(attachmentsOf(m, /^link$/i)) ??
    (m.url && !/\.(jpe?g|png|gif|webp)(\?|$)/i.test(m.url) ? urlIn(m.url) : undefined) ??
    (m.text ? urlIn(m.text) : undefined)
  );
}

/** "@Trợ lý CĐS chỉ tiêu cấp xã" → "chỉ tiêu cấp xã" is not possible without the bot's name; only a leading "@word" is dropped. */
function withoutLeadingMention(text: string): string {
  return text.replace(/^\s*@\S+\s+/, "");
}

function inferEvent(m: ZaloMessage | undefined): KnownEvent | undefined {
  if (!m) return undefined;
  if (imageUrlOf(m)) return "message.image.received";
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
