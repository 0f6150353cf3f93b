/**
 * A fake Telegram + Zalo Bot API for benchmarks: every call takes BENCH_API_DELAY_MS (default
 * 100 ms, the round trip from Vietnam) and sendMessage arrivals are recorded per chat so the
 * benchmark can compute receipt-to-reply latency. Lean on CPU (see lean-http.ts).
 */
import { sentMessage, serveJson } from "./lean-http.js";

const delay = Number(process.env.BENCH_API_DELAY_MS ?? 100);
const firstReply = new Map<string, number>();
let sends = 0;
const METHOD = /^\/bot[^/]+\/([A-Za-z]+)$/;

serveJson(async (httpMethod, path, body) => {
  if (httpMethod === "GET" && path === "/stats")
    return { json: { sends, first: Object.fromEntries(firstReply) } };
  if (httpMethod === "POST" && path === "/reset") {
    firstReply.clear();
    sends = 0;
    return { json: { ok: true } };
  }
  const method = METHOD.exec(path)?.[1];
  if (httpMethod !== "POST" || !method) return { status: 404, json: { ok: false } };
  await new Promise((r) => setTimeout(r, delay));
  if (method === "sendMessage" || method === "sendPhoto") {
    const chatId = String(body.chat_id ?? "");
    sends++;
    if (!firstReply.has(chatId)) firstReply.set(chatId, Date.now());
    return sentMessage(chatId, body.text);
  }
  return { json: { ok: true, result: true } };
});
