/**
 * Counting at the seams the system wiring already holds (BullMQ workers, channel adapters, the
 * knowledge base), so queue, channel and knowledge code stay free of metrics calls.
 */
import type { Job, Worker } from "bullmq";
import {
  PermanentSendError,
  RecipientUnreachableError,
  RetryAfterError,
  type ChannelAdapter,
} from "../channels/types.js";
import type { Knowledge } from "../knowledge/index.js";
import { queueGroup, type Metrics } from "./metrics.js";

/** Job durations, retries and final failures of every worker, by queue group. */
export function instrumentWorkers(workers: Worker[], metrics: Metrics): void {
  for (const worker of workers) {
    const queue = queueGroup(worker.name);
    const took = (job: Job) =>
      job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : undefined;
    worker.on("completed", (job) => {
      const s = took(job);
      if (s !== undefined) metrics.jobDuration.observe({ queue, result: "completed" }, s);
    });
    worker.on("failed", (job) => {
      if (!job) return;
      const s = took(job);
      if (s !== undefined) metrics.jobDuration.observe({ queue, result: "failed" }, s);
      // attemptsMade already counts this attempt; a job with attempts left goes back to the queue.
      if (job.attemptsMade < (job.opts.attempts ?? 1)) metrics.jobRetries.inc({ queue });
      else metrics.jobFailures.inc({ queue });
    });
  }
}

function sendOutcome(err: unknown): string {
  if (err instanceof RetryAfterError) return "rate_limited";
  if (err instanceof RecipientUnreachableError) return "unreachable";
  if (err instanceof PermanentSendError) return "refused";
  return "error";
}

/**
 * The adapter with its `send` counted (sent, rate_limited, unreachable, refused, error); every other
 * member is the adapter's own, bound to it (adapters may keep private fields).
 */
export function instrumentAdapter(adapter: ChannelAdapter, metrics: Metrics): ChannelAdapter {
  const channel = adapter.name;
  const send: ChannelAdapter["send"] = async (...args) => {
    try {
      const result = await adapter.send(...args);
      metrics.outboundSends.inc({ channel, outcome: "sent" });
      return result;
    } catch (err) {
      metrics.outboundSends.inc({ channel, outcome: sendOutcome(err) });
      throw err;
    }
  };
  return overriding(adapter, "send", send);
}

/** `target` with one method replaced; the rest read from (and bound to) the target itself. */
function overriding<T extends object, K extends keyof T>(target: T, key: K, replacement: T[K]): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === key) return replacement;
      const value = Reflect.get(t, prop, t) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
}

/** The knowledge base with every question counted: answered, choices offered, or declined. */
export function instrumentKnowledge(knowledge: Knowledge, metrics: Metrics): Knowledge {
  const ask: Knowledge["ask"] = (question, lang) => {
    const answer = knowledge.ask(question, lang);
    const outcome =
      answer.answered && answer.kind !== "ambiguous"
        ? "answered"
        : answer.choices?.length
          ? "choices"
          : "declined";
    metrics.qaQuestions.inc({ outcome });
    return answer;
  };
  return overriding(knowledge, "ask", ask);
}
