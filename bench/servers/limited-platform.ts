/**
 * A fake Telegram Bot API that enforces a platform limit: BENCH_PLATFORM_RATE messages per second
 * bot-wide (token bucket, burst = one second's worth), answering 429 with retry_after beyond it,
 * like Telegram. Every call takes BENCH_API_DELAY_MS. It counts deliveries per chat (duplicates),
 * and records the first reply time per chat for conversation latency.
 */
import express from "express";

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
let messageId = 1;

const app = express();
app.use(express.json({ limit: "1mb" }));
app.post("/bot:token/:method", async (req, res) => {
  const method = req.params.method;
  if (method !== "sendMessage" && method !== "sendPhoto") {
    res.json({ ok: true, result: true });
    return;
  }
  const now = Date.now();
  tokens = Math.min(rate, tokens + ((now - last) * rate) / 1000);
  last = now;
  if (tokens < 1) {
    rejected++;
    res.status(429).json({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });
    return;
  }
  tokens -= 1;
  await new Promise((r) => setTimeout(r, delay));
  const chatId = String(req.body?.chat_id ?? "");
  const text = String(req.body?.text ?? req.body?.caption ?? "");
  sends++;
  if (text.includes("#broadcast")) {
    perChat.set(chatId, (perChat.get(chatId) ?? 0) + 1);
    firstAt ||= Date.now();
    lastAt = Date.now();
  } else if (!firstReply.has(chatId)) firstReply.set(chatId, Date.now());
  res.json({
    ok: true,
    result: {
      message_id: messageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(chatId) || chatId, type: "private" },
      text,
    },
  });
});
app.get("/stats", (_req, res) => {
  let duplicates = 0;
  for (const n of perChat.values()) if (n > 1) duplicates++;
  res.json({
    sends,
    rejected,
    broadcastChats: perChat.size,
    duplicates,
    firstAt,
    lastAt,
    received: [...perChat.keys()],
    first: Object.fromEntries(firstReply),
  });
});
const server = app.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(`READY ${typeof addr === "object" && addr ? addr.port : 0}\n`);
});
