/**
 * A minimal JSON HTTP server for the benchmarks' fake platforms. They stand in for Telegram's and
 * Zalo's servers, which in production run elsewhere; here they share the 2 cores with the system
 * under test, so every millisecond of CPU they spend is taken from what is measured. Plain
 * node:http with keep-alive (measured: an express fake cost ~1.3 ms of CPU per update at 200/s).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export type Handler = (
  method: string,
  path: string,
  body: Record<string, unknown>,
) => Promise<{ status?: number; json: unknown }> | { status?: number; json: unknown };

function send(res: ServerResponse, status: number, json: unknown): void {
  const payload = JSON.stringify(json);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

/** Serves `handler` on a free port of 127.0.0.1 and prints `READY <port>` for the harness. */
export function serveJson(handler: Handler): void {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: Record<string, unknown> = {};
      if (chunks.length) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
        } catch {
          // multipart uploads (sendPhoto with a file) are answered without reading their fields
        }
      }
      Promise.resolve(handler(req.method ?? "GET", (req.url ?? "/").split("?")[0]!, body)).then(
        (r) => send(res, r.status ?? 200, r.json),
        (err: unknown) => send(res, 500, { ok: false, description: String(err) }),
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, "127.0.0.1", () => {
    const addr = server.address();
    process.stdout.write(`READY ${typeof addr === "object" && addr ? addr.port : 0}\n`);
  });
}

let messageId = 1;
/** The Bot API's answer to a sent message (a Message object, as much of it as the bot reads). */
export function sentMessage(chatId: string, text: unknown) {
  return {
    json: {
      ok: true,
      result: {
        message_id: messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(chatId) || chatId, type: "private" },
        text,
      },
    },
  };
}
