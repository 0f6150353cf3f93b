/**
 * Role `all` serves HTTP in the main process while its worker children run the conversations on
 * the same cores. A worker always has work during a burst (each message costs it several times
 * what its acknowledgement costs here), so the kernel splits the CPU evenly and the webhooks,
 * whose answer is what the platforms wait for, run at the speed of a shared core. This watches
 * the main process's event loop: when it was busy for nearly a whole interval, the HTTP side is
 * saturated and the children are told to step back for a moment (see main.ts and
 * PartitionedQueue.limitConcurrency). Nothing is lost by it: every acknowledged update is in
 * Redis, and the workers catch up on the backlog once the burst is over.
 */
import { performance } from "node:perf_hooks";

export interface SaturationWatchOptions {
  /** How often the event loop's utilisation is sampled (default 250 ms). */
  intervalMs?: number;
  /**
   * Utilisation (0–1) over one interval from which the process counts as saturated (default 0.9).
   * At a steady 300 webhooks/s beside a busy worker the main process stays well under it.
   */
  threshold?: number;
  /** Called after every saturated interval; `entered` on the first of a run of them. */
  onSaturated: (info: { utilization: number; entered: boolean }) => void;
  /** Called once when a run of saturated intervals ends, with how long it lasted. */
  onRelieved?: (info: { ms: number }) => void;
}

/** Starts sampling; returns the function that stops it. The timer never keeps the process alive. */
export function watchEventLoopSaturation(opts: SaturationWatchOptions): () => void {
  const threshold = opts.threshold ?? 0.9;
  let last = performance.eventLoopUtilization();
  let since: number | undefined;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    if (utilization >= threshold) {
      const entered = since === undefined;
      since ??= performance.now();
      opts.onSaturated({ utilization, entered });
    } else if (since !== undefined) {
      opts.onRelieved?.({ ms: Math.round(performance.now() - since) });
      since = undefined;
    }
  }, opts.intervalMs ?? 250);
  timer.unref();
  return () => clearInterval(timer);
}
