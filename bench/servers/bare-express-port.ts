/** Bare express on $PORT: the start-up baseline (a Node process that loads express and listens). */
import express from "express";

const app = express();
app.post("/webhooks/:name", express.json(), (_req, res) => {
  res.sendStatus(200);
});
app.listen(Number(process.env.PORT), "127.0.0.1");
