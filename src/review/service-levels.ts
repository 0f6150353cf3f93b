/**
 * Service levels as delayed event-bus jobs: a submission nobody claimed for 48 hours reminds the
 * reviewers; one claimed but undecided for 72 hours goes back to the pool. Job ids are derived
 * from the state they watch, and the handlers re-check that state, so repeats are harmless.
 */
import type { EventBus } from "../queue/events.js";
import type { EventMap, EventTopic } from "../queue/event-map.js";

export const SLA_TOPIC = "review.sla" satisfies EventTopic;
export const REMIND_AFTER_MS = 48 * 3_600_000;
export const RELEASE_AFTER_MS = 72 * 3_600_000;

export type SlaJob = EventMap["review.sla"];

/** Schedules the 48-hour reminder for a nomination that (re-)entered the pool at `since`. */
export async function scheduleReminder(
  events: EventBus,
  nominationId: string,
  since: Date,
  delayMs = REMIND_AFTER_MS,
): Promise<void> {
  const job: SlaJob = { kind: "remind", nominationId, since: since.toISOString() };
  await events.publish(SLA_TOPIC, job, {
    delay: delayMs,
    jobId: `sla-remind-${nominationId}-${since.getTime()}`,
  });
}

/** Schedules the 72-hour release of a claim made at `claimedAt`. */
export async function scheduleRelease(
  events: EventBus,
  nominationId: string,
  claimedAt: Date,
  delayMs = RELEASE_AFTER_MS,
): Promise<void> {
  const job: SlaJob = { kind: "release", nominationId, claimedAt: claimedAt.toISOString() };
  await events.publish(SLA_TOPIC, job, {
    delay: delayMs,
    jobId: `sla-release-${nominationId}-${claimedAt.getTime()}`,
  });
}
