/**
 * Every domain event, by topic, with the shape of its payload: what the outbox stores and what an
 * event handler receives. A topic or field misspelt anywhere is a type error, and a payload that
 * does not match (an old job, a hand-edited row) is refused by its schema instead of reaching a
 * handler half-filled.
 */
import { z } from "zod";

const id = z.string().min(1);

/** The zod schema of each topic's payload. */
export const eventSchemas = {
  /** A nomination was stored (reviewer cards, the 48-hour reminder). */
  "nomination.submitted": z.object({ nominationId: id, code: id }),
  /** A submitter answered an information request (the nomination is back in the pool). */
  "nomination.answered": z.object({ nominationId: id, code: id, auditId: id }),
  /** A review action changed a submission's status (the submitter is told, cards updated). */
  "review.decided": z.object({
    subject: z.enum(["nomination", "self_report"]),
    id,
    action: z.enum([
      "claim",
      "release",
      "approve",
      "reject",
      "request_info",
      "answer",
      "withdraw",
      "verify",
      "flag",
    ]),
    auditId: id,
    code: id,
  }),
  /** A service-level timer came due (delayed job, not written to the outbox). */
  "review.sla": z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("remind"), nominationId: id, since: id }),
    z.object({ kind: z.literal("release"), nominationId: id, claimedAt: id }),
  ]),
  "selfreport.submitted": z.object({ selfReportId: id, code: id }),
  "deletion.requested": z.object({ requestId: id }),
  "question.forwarded": z.object({ questionId: id }),
  /** An official acted on a forwarded question, or its asker's data was erased (cards updated, the answer delivered). */
  "question.decided": z.object({
    questionId: id,
    action: z.enum(["claim", "release", "answer", "duplicate", "dismiss", "erase"]),
    auditId: id.optional(),
  }),
  /** A forwarded question's reminder came due (delayed job, not written to the outbox). */
  "question.sla": z.object({ questionId: id }),
  /** A person's data was erased: the reviewers' cards of these nominations are edited to say so. */
  "nomination.erased": z.object({ nominationIds: z.array(id).min(1) }),
} as const;

/** Topic → payload. */
export type EventMap = { [T in keyof typeof eventSchemas]: z.infer<(typeof eventSchemas)[T]> };
export type EventTopic = keyof EventMap;

/** Whether a stored topic is one this code knows. */
export function isEventTopic(topic: string): topic is EventTopic {
  return Object.hasOwn(eventSchemas, topic);
}
