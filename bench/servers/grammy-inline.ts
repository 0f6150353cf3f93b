/**
 * Baseline (b): the usual grammY set-up — `webhookCallback` handling each update inline and
 * replying through the Bot API (here a fake with a realistic ~100 ms round trip) before
 * answering the webhook.
 */
import express from "express";
import { Bot, webhookCallback } from "grammy";

const apiRoot = process.env.BENCH_API_ROOT!;
const bot = new Bot("123:bench", {
  client: { apiRoot },
  botInfo: {
    id: 123,
    is_bot: true,
    first_name: "Bench",
    username: "bench_bot",
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
  } as never,
});
bot.on("message:text", async (ctx) => {
  await ctx.reply(`Đã nhận: ${ctx.message.text}`);
});
const app = express();
app.use(express.json({ limit: "256kb" }));
app.post(
  "/webhooks/telegram",
  webhookCallback(bot, "express", {
    secretToken: "bench-secret-123",
    onTimeout: "return",
    timeoutMilliseconds: 10_000,
  }),
);
const server = app.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(`READY ${typeof addr === "object" && addr ? addr.port : 0}\n`);
});
