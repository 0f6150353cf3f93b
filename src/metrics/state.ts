/**
 * Gauges read at scrape time from where the truth is — queue depths from Redis, the review backlog
 * from PostgreSQL — so they are right whichever process did the work. Registered only in the
 * process that serves the web side (role web/all), so each series exists once per deployment.
 */
import type { Queue } from "bullmq";
import { Gauge } from "prom-client";
import type { Db } from "../db/client.js";
import { questionMetrics } from "../questions/metrics.js";
import type { Metrics } from "./metrics.js";

/** SubmissionStatus (prisma/schema.prisma). */
const STATUSES = ["submitted", "in_review", "needs_info", "approved", "rejected", "withdrawn"] as const;
const STATES = ["waiting", "active", "delayed", "prioritized", "failed"] as const;

/**
 * A collect that cannot read (PostgreSQL or Redis down) keeps its last values instead of failing
 * the whole scrape: cds_dependency_up says what is down, and the other series stay visible.
 */
function tolerant<T>(read: (this: T) => Promise<void>): (this: T) => Promise<void> {
  return async function (this: T) {
    await read.call(this).catch(() => {});
  };
}

/** @example registerStateGauges(metrics, { db, queues: [...inbound.queue.queues, events.queue] }) */
export function registerStateGauges(
  metrics: Metrics,
  deps: { db: Db; queues: Queue[]; readiness: () => Promise<Record<string, "ok" | "down">> },
): void {
  const registers = [metrics.registry];
  const { db, queues } = deps;

  // The readiness probe's answer as a gauge: the alerts on PostgreSQL or Redis being down use it.
  new Gauge({
    name: "cds_dependency_up",
    help: "1 when the dependency answers (postgres, redis), 0 when it does not",
    labelNames: ["dependency"] as const,
    registers,
    async collect() {
      for (const [dependency, state] of Object.entries(await deps.readiness()))
        this.set({ dependency }, state === "ok" ? 1 : 0);
    },
  });

  new Gauge({
    name: "cds_queue_jobs",
    help: "Jobs per queue and state (waiting + prioritized = backlog)",
    labelNames: ["queue", "state"] as const,
    registers,
    collect: tolerant(async function () {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts(...STATES)));
      queues.forEach((q, i) => {
        for (const state of STATES) this.set({ queue: q.name, state }, counts[i]![state] ?? 0);
      });
    }),
  });

  new Gauge({
    name: "cds_queue_oldest_waiting_seconds",
    help: "Age of the oldest job waiting in each queue (0 when none waits)",
    labelNames: ["queue"] as const,
    registers,
    collect: tolerant(async function () {
      const now = Date.now();
      const oldest = await Promise.all(
        queues.map((q) => q.getJobs(["wait", "prioritized"], 0, 0, true).then((jobs) => jobs[0]?.timestamp)),
      );
      queues.forEach((q, i) =>
        this.set({ queue: q.name }, oldest[i] ? Math.max(0, (now - oldest[i]!) / 1000) : 0),
      );
    }),
  });

  new Gauge({
    name: "cds_nominations",
    help: "Nominations by review status",
    labelNames: ["status"] as const,
    registers,
    collect: tolerant(async function () {
      const rows = await db.nomination.groupBy({ by: ["status"], _count: { _all: true } });
      // Every status always has a series (0 included), so a rate or a ratio never loses its base.
      for (const status of STATUSES)
        this.set({ status }, rows.find((r) => r.status === status)?._count._all ?? 0);
    }),
  });

  new Gauge({
    name: "cds_nomination_oldest_unclaimed_seconds",
    help: "Age of the oldest submitted nomination no reviewer has claimed (0 when none)",
    registers,
    collect: tolerant(async function (this: Gauge) {
      const oldest = await db.nomination.findFirst({
        where: { status: "submitted" },
        orderBy: { createdAt: "asc" },
        select: { createdAt: true },
      });
      this.set(oldest ? Math.max(0, (Date.now() - oldest.createdAt.getTime()) / 1000) : 0);
    }),
  });

  new Gauge({
    name: "cds_self_reports_submitted",
    help: "Self-reports stored (all statuses); rate() of it is submissions per second",
    labelNames: ["respondent"] as const,
    registers,
    collect: tolerant(async function () {
      const rows = await db.selfReport.groupBy({ by: ["respondentType"], _count: { _all: true } });
      this.reset();
      for (const r of rows) this.set({ respondent: r.respondentType }, r._count._all);
    }),
  });

  // Forwarded questions (the officials' inbox): how many came in, how many were answered, how many
  // still wait, and the median time to answer — one query for the three series.
  new Gauge({
    name: "cds_questions",
    help: "Forwarded questions: forwarded (all), answered, open (new or claimed)",
    labelNames: ["state"] as const,
    registers,
    collect: tolerant(async function () {
      const m = await questionMetrics(db);
      this.set({ state: "forwarded" }, m.forwarded);
      this.set({ state: "answered" }, m.answered);
      this.set({ state: "open" }, m.open);
    }),
  });

  new Gauge({
    name: "cds_question_median_answer_seconds",
    help: "Median seconds from forwarding a question to an official's answer (0 before the first answer)",
    registers,
    collect: tolerant(async function (this: Gauge) {
      this.set((await questionMetrics(db)).medianSecondsToAnswer ?? 0);
    }),
  });
}
