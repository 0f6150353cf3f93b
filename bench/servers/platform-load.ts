/**
 * A control load for the announcements bench: BENCH_LOAD_RATE sendMessage calls per second to the
 * fake platform at BENCH_LOAD_URL for BENCH_LOAD_SECONDS, from a lean process (keep-alive
 * node:http). It costs the machine what the platform's side of a broadcast costs — the fake
 * serving ~1,000 calls/s on the same 2 cores — without the bot's broadcaster, so conversation
 * latency measured meanwhile separates the bench's own platform load from what the bot pays.
 */
import { Agent, request } from "node:http";

const url = new URL(process.env.BENCH_LOAD_URL!);
const rate = Number(process.env.BENCH_LOAD_RATE ?? 950);
const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 8);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const post = (chat: number) =>
  new Promise<void>((resolve) => {
    const body = JSON.stringify({ chat_id: chat, text: "#control" });
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: "/bot123:bench/sendMessage",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve());
      },
    );
    req.on("error", () => resolve());
    req.end(body);
  });

process.stdout.write("READY 0\n");
const start = Date.now();
let sent = 0;
const inflight = new Set<Promise<void>>();
while (sent < rate * seconds) {
  const due = Math.min(rate * seconds, Math.floor(((Date.now() - start) / 1000) * rate));
  for (; sent < due; sent++) {
    const p = post(900_000_000 + sent);
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }
  await new Promise((r) => setTimeout(r, 5));
}
await Promise.all(inflight);
process.exit(0);
