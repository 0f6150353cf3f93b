/**
 * The saturation watch of role `all` (src/system/http-pressure.ts) on a real event loop kept busy
 * by a spin: it asks only after saturation lasted, stops asking at the end of its budget, and says
 * nothing while the loop idles.
 */
import { describe, expect, it } from "vitest";
import { watchEventLoopSaturation } from "../../src/system/http-pressure.js";

/** Keeps the event loop busy for `ms`, letting timers run between 15 ms spins. */
async function spin(ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const chunk = Math.min(performance.now() + 15, end);
    while (performance.now() < chunk) {
      // busy
    }
    await new Promise((r) => setImmediate(r));
  }
}

describe("watchEventLoopSaturation", () => {
  it("asks after `sustainMs` of saturation, rests after `maxMs`, and is quiet when idle", async () => {
    const events: string[] = [];
    const stop = watchEventLoopSaturation({
      intervalMs: 20,
      sustainMs: 100,
      maxMs: 300,
      restMs: 60_000,
      onSaturated: ({ entered }) => entered && events.push("asking"),
      onRelieved: ({ reason }) => events.push(reason),
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(events).toEqual([]);
      await spin(800);
      expect(events).toEqual(["asking", "resting"]);
      await new Promise((r) => setTimeout(r, 100));
      expect(events).toEqual(["asking", "resting"]);
    } finally {
      stop();
    }
  });

  it("says relieved when the loop idles again", async () => {
    const events: string[] = [];
    const stop = watchEventLoopSaturation({
      intervalMs: 20,
      sustainMs: 60,
      onSaturated: ({ entered }) => entered && events.push("asking"),
      onRelieved: ({ reason }) => events.push(reason),
    });
    try {
      await spin(300);
      await new Promise((r) => setTimeout(r, 150));
      expect(events).toEqual(["asking", "relieved"]);
    } finally {
      stop();
    }
  });

  it("also asks while many webhooks are in flight on an idle-looking loop, and is relieved when they drain", async () => {
    // A flooded HTTP process whose CPU the worker takes reads as a mostly idle loop; the count of
    // webhooks waiting at once tells it is saturated.
    const events: string[] = [];
    let inFlight = 20;
    const stop = watchEventLoopSaturation({
      intervalMs: 20,
      sustainMs: 60,
      inFlight: () => inFlight,
      onSaturated: ({ entered }) => entered && events.push("asking"),
      onRelieved: ({ reason }) => events.push(reason),
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(events).toEqual(["asking"]);
      inFlight = 2;
      await new Promise((r) => setTimeout(r, 100));
      expect(events).toEqual(["asking", "relieved"]);
      // Below the threshold from the start: nothing is asked.
      events.length = 0;
      inFlight = 15;
      await new Promise((r) => setTimeout(r, 200));
      expect(events).toEqual([]);
    } finally {
      stop();
    }
  });
});
