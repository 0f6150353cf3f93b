/**
 * A fake Telegram + Zalo Bot API for benchmarks: every call takes BENCH_API_DELAY_MS (default
 * 100 ms, the round trip from Vietnam) and sendMessage arrivals are recorded per chat so the
 * benchmark can compute receipt-to-reply latency.
 */
import express from "express";

const delay = Number(process.env.BENCH_API_DELAY_MS ?? 100);
const firstReply = new Map<string, number>();
let sends = 0;
let messageId = 1;
const app = express();
app.use(express.json({ limit: "1mb" }));
app.post("/bot:token/:method", async (req, res) => {
  await new Promise((r) => setTimeout(r, delay));
  const method = req.params.method;
  const chatId = String(req.body?.chat_id ?? "");
  if (method === "sendMessage" || method === "sendPhoto") {
    sends++;
    if (!firstReply.has(chatId)) firstReply.set(chatId, Date.now());
    res.json({
      ok: true,
      result: {
        message_id: messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(chatId) || chatId, type: "private" },
        text: req.body?.text,
      },
    });
    return;
  }
  res.json({ ok: true, result: true });
});
app.get("/stats", (_req, res) => {
  res.json({ sends, first: Object.fromEntries(firstReply) });
});
app.post("/reset", (_req, res) => {
  firstReply.clear();
  sends = 0;
  res.json({ ok: true });
});
const server = app.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(`READY ${typeof addr === "object" && addr ? addr.port : 0}\n`);
});
