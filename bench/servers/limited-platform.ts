/**
 * A fake Telegram Bot API that enforces a platform limit: BENCH_PLATFORM_RATE messages per second
 * bot-wide (token bucket, burst = one second's worth), answering 429 with retry_after beyond it,
 * like Telegram. Every call takes BENCH_API_DELAY_MS. It counts deliveries per chat (duplicates),
 * and records the first reply time per chat for conversation latency. Lean on CPU (lean-http.ts).
 */
import { sentMessage, serveJson } from "./lean-http.js";

const rate = Number(process.env.BENCH_PLATFORM_RATE ?? 1000);
const delay = Number(process.env.BENCH_API_DELAY_MS ?? 30);
let tokens = rate;
let last = Date.now();
const perChat = new Map<string, number>();
const firstReply = new Map<string, number>();
let sends = 0;
let rejected = 0;
let firstAt = 0;
let lastAt = 0;
const METHOD = /^\/bot[^/]+\/([A-Za-z]+)$/;

serveJson(async (httpMethod, path, body) => {
  if (httpMethod === "GET" && path === "/stats") {
    let duplicates = 0;
    for (const n of perChat.values()) if (n > 1) duplicates++;
    return {
      json: {
        sends,
        rejected,
        broadcastChats: perChat.size,
        duplicates,
        firstAt,
        lastAt,
        received: [...perChat.keys()],
        first: Object.fromEntries(firstReply),
      },
    };
  }
  const method = METHOD.exec(path)?.[1];
  if (httpMethod !== "POST" || !method) return { status: 404, json: { ok: false } };
  if (method !== "sendMessage" && method !== "sendPhoto") return { json: { ok: true, result: true } };
  const now = Date.now();
  tokens = Math.min(rate, tokens + ((now - last) * rate) / 1000);
  last = now;
  if (tokens < 1) {
    rejected++;
    return {
      status: 429,
      json: {
        ok: false,
        error_code: 429,
        description: "Too Many Requests: retry after 1",
        parameters: { retry_after: 1 },
      },
    };
  }
  tokens -= 1;
  await new Promise((r) => setTimeout(r, delay));
  const chatId = String(body.chat_id ?? "");
  const text = String(body.text ?? body.caption ?? "");
  sends++;
  if (text.includes("#broadcast")) {
    perChat.set(chatId, (perChat.get(chatId) ?? 0) + 1);
    firstAt ||= Date.now();
    lastAt = Date.now();
  } else if (!firstReply.has(chatId)) firstReply.set(chatId, Date.now());
  return sentMessage(chatId, text);
});
