/**
 * A web chat's transcript: both sides of the conversation, in order, in one Redis list per chat
 * (last 50 entries, 24 hours: a short tail is enough for a page and bounds Redis for a public
 * service), so a reload shows what the person wrote and chose as well as what the bot said.
 * Every append is announced on a Redis channel, which wakes the long polls waiting for this chat
 * in any web process.
 */
import type { Redis } from "ioredis";
import { redisKeys } from "../../redis/keys.js";

/** One line of the transcript. Entries written before `from` existed are the bot's. */
export interface TranscriptEntry {
  seq: number;
  from: "bot" | "user";
  text: string;
  /** Epoch milliseconds. */
  at?: number;
  /** Bot: the buttons of a question and their token; the page disables them once answered. */
  choices?: { id: string; label: string }[];
  choiceToken?: string;
  /** Bot: the conversation's language when the reply was written (the page's `lang` and header follow it). */
  lang?: "vi" | "en";
  /** User: the page's id of the message (retries of an unsent message carry the same one). */
  clientMessageId?: string;
  /** User: the button pressed. */
  choice?: { token: string; id: string };
  /** User: an uploaded evidence file (its name and type only; the bytes go to PostgreSQL). */
  file?: { name?: string; mime: string; size: number };
}

export const TRANSCRIPT_KEEP = 50;
const TTL_SECONDS = 24 * 60 * 60;

export function transcriptKeys(prefix: string, chatId: string) {
  return { list: redisKeys.webchatOut(prefix, chatId), seq: redisKeys.webchatSeq(prefix, chatId) };
}

/** The pub/sub channel carrying "chat X has new entries" to every web process. */
export function transcriptNotifyChannel(prefix: string): string {
  return redisKeys.webchatNotify(prefix);
}

/**
 * Appends an entry (its seq is assigned here) and wakes the chat's long polls.
 *
 * @example await appendTranscript(redis, prefix, chatId, { from: "user", text: "đề cử" })
 */
export async function appendTranscript(
  redis: Redis,
  prefix: string,
  chatId: string,
  entry: Omit<TranscriptEntry, "seq">,
): Promise<TranscriptEntry> {
  const keys = transcriptKeys(prefix, chatId);
  const seq = await redis.incr(keys.seq);
  const full: TranscriptEntry = { seq, at: Date.now(), ...entry };
  await redis
    .multi()
    .rpush(keys.list, JSON.stringify(full))
    .ltrim(keys.list, -TRANSCRIPT_KEEP, -1)
    .expire(keys.list, TTL_SECONDS)
    .expire(keys.seq, TTL_SECONDS)
    .publish(transcriptNotifyChannel(prefix), chatId)
    .exec();
  return full;
}

/** Entries after `since` (the page remembers the last seq it showed), oldest first. */
export async function readTranscript(
  redis: Redis,
  prefix: string,
  chatId: string,
  since: number,
): Promise<TranscriptEntry[]> {
  const raw = await readTranscriptJson(redis, prefix, chatId, since);
  return raw.map(
    (r) => ({ from: "bot" as const, ...(JSON.parse(r) as Omit<TranscriptEntry, "from">) }) as TranscriptEntry,
  );
}

const SEQ_PREFIX = /^\{"seq":(\d+)[,}]/;

/**
 * The same entries as stored JSON strings, for the read endpoint to send as they are: a public
 * endpoint that parses and re-serialises 50 lines per read spends the CPU Telegram's webhooks
 * share. Only the seq is read (entries are written with it first), and only the list's tail.
 */
export async function readTranscriptJson(
  redis: Redis,
  prefix: string,
  chatId: string,
  since: number,
): Promise<string[]> {
  const keys = transcriptKeys(prefix, chatId);
  const last = Number((await redis.get(keys.seq)) ?? 0);
  if (last <= since) return [];
  // A tail a little longer than the gap: an append whose seq is taken but not yet pushed can
  // leave an older entry last, which the filter below drops.
  const want = Math.min(TRANSCRIPT_KEEP, last - since + 2);
  const raw = await redis.lrange(keys.list, -want, -1);
  return raw.filter((r) => {
    const m = SEQ_PREFIX.exec(r);
    return (m ? Number(m[1]) : (JSON.parse(r) as { seq: number }).seq) > since;
  });
}
