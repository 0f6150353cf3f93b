/**
 * The service's Prometheus metrics: one object, created once per process and injected wherever
 * something is counted, so every process (and every test) has its own registry and nothing hides
 * in a module-level singleton. Worker child processes report through their parent (see
 * `addSource` and src/system/worker-pool.ts); each series carries a `process` label.
 *
 * To count something new: add the instrument here (one line, documented name), then call it at the
 * one central place that sees the event (see docs/architecture.md, "Metrics").
 */
import {
  AggregatorRegistry,
  Counter,
  collectDefaultMetrics,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from "prom-client";

/** What `registry.getMetricsAsJSON()` returns: the form metrics cross process boundaries in. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

export interface MetricsOptions {
  /** Label on every series, telling processes apart: "all", "web", "worker-1", … */
  process: string;
  /** Node's default process metrics (CPU, memory, event-loop lag, GC); on unless false. */
  defaultMetrics?: boolean;
}

/** Buckets for things that take milliseconds to a few seconds (HTTP, jobs), in seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * @example
 * const metrics = createMetrics({ process: "web" });
 * metrics.outboundSends.inc({ channel: "zalo", outcome: "rate_limited" });
 */
export function createMetrics(opts: MetricsOptions) {
  const registry = new Registry();
  registry.setDefaultLabels({ process: opts.process });
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "cds_" });
  const registers = [registry];
  const sources: Array<() => Promise<MetricsSnapshot[]>> = [];

  const metrics = {
    registry,
    /** Request durations; `route` is the matched express route, "unmatched" otherwise (bounded). */
    httpDuration: new Histogram({
      name: "cds_http_request_duration_seconds",
      help: "HTTP request duration by route",
      labelNames: ["method", "route", "status"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    /** Webhook answers: outcome "ack" (reason ok) or "rejected" (reason secret, invalid, too_large, unavailable, …). */
    webhookRequests: new Counter({
      name: "cds_webhook_requests_total",
      help: "Webhook requests by channel, outcome and reason",
      labelNames: ["channel", "outcome", "reason"] as const,
      registers,
    }),
    /** Job durations by queue group (partitions folded: "inbound", "out-telegram", "events") and result. */
    jobDuration: new Histogram({
      name: "cds_job_duration_seconds",
      help: "Job processing time by queue and result",
      labelNames: ["queue", "result"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    /** A failed attempt that BullMQ will try again. */
    jobRetries: new Counter({
      name: "cds_job_retries_total",
      help: "Failed job attempts that will be retried",
      labelNames: ["queue"] as const,
      registers,
    }),
    /** A job that failed its last attempt (it stays in the failed set for the admin panel). */
    jobFailures: new Counter({
      name: "cds_job_failures_total",
      help: "Jobs that failed their last attempt",
      labelNames: ["queue"] as const,
      registers,
    }),
    /** An inbound message that failed after every retry (the person was asked to send it again); `error` is the error's class. */
    inboundFinalFailures: new Counter({
      name: "cds_inbound_final_failures_total",
      help: "Inbound messages that failed after every retry, by channel, update kind and error class",
      labelNames: ["channel", "kind", "error"] as const,
      registers,
    }),
    /** Platform calls sending one reply: outcome sent, rate_limited (429), unreachable, refused, error. */
    outboundSends: new Counter({
      name: "cds_outbound_sends_total",
      help: "Outbound platform sends by channel and outcome",
      labelNames: ["channel", "outcome"] as const,
      registers,
    }),
    /** Questions put to the knowledge base: answered, choices (offered a list to pick from), declined. */
    qaQuestions: new Counter({
      name: "cds_qa_questions_total",
      help: "Questions to the knowledge base by outcome",
      labelNames: ["outcome"] as const,
      registers,
    }),
    /**
     * Add a remote source (a worker child process) whose snapshots are merged into every scrape.
     * @example metrics.addSource(() => pool.collectMetrics())
     */
    addSource(source: () => Promise<MetricsSnapshot[]>): void {
      sources.push(source);
    },
    /** This process's metrics, as sent over IPC to the parent. */
    snapshot(): Promise<MetricsSnapshot> {
      return registry.getMetricsAsJSON();
    },
    /** The text exposition of this process and every source: what GET /metrics answers. */
    async expose(): Promise<{ contentType: string; body: string }> {
      const own = await registry.getMetricsAsJSON();
      const remote = (await Promise.all(sources.map((s) => s().catch(() => [])))).flat();
      if (!remote.length) return { contentType: registry.contentType, body: await registry.metrics() };
      const merged = AggregatorRegistry.aggregate([own, ...remote]);
      return { contentType: merged.contentType, body: await merged.metrics() };
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Partitioned queues ("inbound-7", "out-zalo-3") folded into their group, to bound label values. */
export function queueGroup(queueName: string): string {
  return queueName.replace(/-\d+$/, "");
}
