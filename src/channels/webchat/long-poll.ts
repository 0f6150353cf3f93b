/**
 * Long polling for the web chat: a request for new entries that finds none waits (up to
 * `maxWaitMs`) until the chat's transcript grows, instead of the page asking every 0.7 s — which
 * cost prepaid data and battery for nothing. One Redis subscriber per web process hears every
 * append (from any process) and wakes the waiters of that chat.
 */
import type { Redis } from "ioredis";
import { transcriptNotifyChannel } from "./transcript.js";

export interface TranscriptWaiters {
  /** Resolves when the chat has new entries, or after `ms` (whichever is first), or when `signal` aborts. */
  wait(chatId: string, ms: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** @example const waiters = await createTranscriptWaiters(redis, prefix); await waiters.wait(chatId, 25_000) */
export async function createTranscriptWaiters(redis: Redis, prefix: string): Promise<TranscriptWaiters> {
  const waiting = new Map<string, Set<() => void>>();
  // A subscribed connection can do nothing else, hence its own; it reconnects and resubscribes by itself.
  const sub = redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null });
  sub.on("error", () => {});
  sub.on("message", (_channel: string, chatId: string) => {
    const set = waiting.get(chatId);
    if (!set) return;
    waiting.delete(chatId);
    for (const wake of set) wake();
  });
  await sub.connect().catch(() => {});
  await sub.subscribe(transcriptNotifyChannel(prefix)).catch(() => {});
  return {
    wait(chatId, ms, signal) {
      return new Promise<void>((resolve) => {
        let set = waiting.get(chatId);
        if (!set) waiting.set(chatId, (set = new Set()));
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          set!.delete(done);
          if (set!.size === 0 && waiting.get(chatId) === set) waiting.delete(chatId);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done);
        set.add(done);
      });
    },
    async close() {
      for (const set of waiting.values()) for (const wake of set) wake();
      waiting.clear();
      sub.disconnect();
    },
  };
}
