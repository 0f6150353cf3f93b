/** Baseline (a): an express app that only parses JSON and answers 200 — the ceiling of this machine. */
import express from "express";

const app = express();
app.post("/webhooks/:name", express.json({ limit: "256kb" }), (_req, res) => {
  res.sendStatus(200);
});
const server = app.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(`READY ${typeof addr === "object" && addr ? addr.port : 0}\n`);
});
