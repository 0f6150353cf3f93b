/**
 * Role `all` serves HTTP in the main process while its worker children run the conversations on
 * the same cores. A worker always has work during a burst (each message costs it several times
 * what its acknowledgement costs here), so the kernel splits the CPU evenly and the webhooks,
 * whose answer is what the platforms wait for, run at the speed of a shared core. This watches
 * the main process's event loop: once it has been busy for nearly all of a second, the HTTP side
 * is saturated and the children are asked to step back (see main.ts and
 * PartitionedQueue.limitConcurrency). Nothing is lost by it: every acknowledged update is in
 * Redis, and the workers catch up on the backlog once the burst is over.
 *
 * Bounded both ways, because a saturated event loop can also mean a machine short of CPU for
 * other reasons (where stepping back would only let the backlog grow): a run shorter than
 * `sustainMs` (start-up, a spike) asks nothing, and after `maxMs` of asking the children get
 * `restMs` at full pace whatever the event loop says.
 */
import { performance } from "node:perf_hooks";

export interface SaturationOptions {
  /** How often the event loop's utilisation is sampled (default 250 ms). */
  intervalMs?: number;
  /** Utilisation (0–1) over one interval from which it counts as saturated (default 0.9). */
  threshold?: number;
  /**
   * The most webhook requests being answered at once since the last sample: at or above
   * `inFlightThreshold` (default 16) the interval counts as saturated too. Why both: the event loop
   * alone misses a saturated HTTP side whose CPU the worker children take — time spent waiting to
   * be scheduled after a request arrived reads as idle — and the cheaper an acknowledgement gets,
   * the more of a flood's time reads that way (with the inbox, src/queue/inbox.ts, the loop of a
   * flooded `npm start` measured 50–70 % busy while 40 requests waited and the worker took 0.57
   * cores). A platform with a backlog opens many connections at once (Telegram up to 40), whereas
   * steady traffic keeps one or two in flight.
   */
  inFlight?: () => number;
  inFlightThreshold?: number;
  /** How long saturation must last before the children are asked to step back (default 1 s). */
  sustainMs?: number;
  /** Longest run of asking (default 30 s) … */
  maxMs?: number;
  /** … after which the children keep their full pace this long (default 30 s). */
  restMs?: number;
  /** Called after every saturated interval once asking has begun (and while it may go on). */
  onSaturated: (info: { utilization: number; entered: boolean }) => void;
  /** Called once when a run of asking ends, with how long it lasted and why. */
  onRelieved?: (info: { ms: number; reason: "relieved" | "resting" }) => void;
}

/** Starts sampling; returns the function that stops it. The timer never keeps the process alive. */
export function watchEventLoopSaturation(opts: SaturationOptions): () => void {
  const intervalMs = opts.intervalMs ?? 250;
  const threshold = opts.threshold ?? 0.9;
  const inFlightThreshold = opts.inFlightThreshold ?? 16;
  const sustainMs = opts.sustainMs ?? 1_000;
  const maxMs = opts.maxMs ?? 30_000;
  const restMs = opts.restMs ?? 30_000;
  let last = performance.eventLoopUtilization();
  let saturatedSince: number | undefined;
  let askingSince: number | undefined;
  let restingUntil = 0;
  const stopAsking = (now: number, reason: "relieved" | "resting") => {
    if (askingSince === undefined) return;
    opts.onRelieved?.({ ms: Math.round(now - askingSince), reason });
    askingSince = undefined;
  };
  const timer = setInterval(() => {
    const sample = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(sample, last);
    last = sample;
    const now = performance.now();
    if (utilization < threshold && !((opts.inFlight?.() ?? 0) >= inFlightThreshold)) {
      saturatedSince = undefined;
      stopAsking(now, "relieved");
      return;
    }
    // The first saturated sample covers the interval before it.
    saturatedSince ??= now - intervalMs;
    if (now < restingUntil || now - saturatedSince < sustainMs) return;
    if (askingSince !== undefined && now - askingSince >= maxMs) {
      restingUntil = now + restMs;
      stopAsking(now, "resting");
      return;
    }
    const entered = askingSince === undefined;
    askingSince ??= now;
    opts.onSaturated({ utilization, entered });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
