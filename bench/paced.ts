/**
 * An open-loop load generator for latency at a steady rate: request i is due at start + i/rate
 * and its latency is counted from that moment, so a server (or this process) falling behind shows
 * up in the figures instead of silently slowing the load down (coordinated omission).
 * autocannon's rate mode is not used for this: it releases each connection's quota at the start
 * of every second, a burst of the whole second's requests that queues even in bare express.
 */
import http from "node:http";
import { percentile } from "./harness.js";

export interface PacedResult {
  rate: number;
  sent: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

export async function paced(opts: {
  url: string;
  path: string;
  headers: Record<string, string>;
  body: (i: number) => unknown;
  rate: number;
  seconds: number;
  sockets?: number;
}): Promise<PacedResult> {
  const target = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.sockets ?? 40 });
  const total = Math.round(opts.rate * opts.seconds);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  const start = performance.now();
  const fire = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify(opts.body(i));
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: opts.path,
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            ...opts.headers,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - due);
            if (res.statusCode !== 200) errors++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) / 1000) * opts.rate) + 1);
    while (sent < due) {
      const i = sent++;
      const p = fire(i, start + (i * 1000) / opts.rate);
      inflight.add(p);
      void p.then(() => inflight.delete(p));
    }
    // Wake up about when the next request is due (timers are ~1 ms granular).
    await new Promise((r) =>
      setTimeout(r, Math.max(0, start + (sent * 1000) / opts.rate - performance.now())),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    rate: opts.rate,
    sent,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? NaN),
    errors,
  };
}
