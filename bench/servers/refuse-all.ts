/**
 * The control of the web chat attack benchmark: a server that refuses every request at once, the
 * way the web chat refuses a flooding address (429 with a short JSON body), but shares nothing with
 * the bot. The flood aimed at it costs this machine only what the attacking process and the
 * refusals themselves cost; the difference to the flood aimed at the bot is what the bot pays.
 */
import express from "express";

const app = express();
app.use((_req, res) => {
  res
    .status(429)
    .set("Retry-After", "30")
    .json({ error: "rate_limited", message: "Quý anh/chị gửi quá nhanh, vui lòng thử lại sau ít phút." });
});
const server = app.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(`READY ${typeof addr === "object" && addr ? addr.port : 0}\n`);
});
