/**
 * The review module's reactions to domain events (all idempotent — a job may run twice):
 * a new nomination gets its reviewer cards and a 48-hour reminder; every review action notifies
 * the submitter and updates the cards; an answered information request returns to the queue.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { OutboundJob } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import type { EventBus } from "../queue/events.js";
import { eraseCards, refreshCards, sendCards, type CardSender } from "./cards.js";
import { ERASED_TOPIC } from "./erasure.js";
import { DECIDED_TOPIC, releaseStaleClaim } from "./decisions.js";
import { notifySubmitter } from "./notifications.js";
import { scheduleRelease, scheduleReminder, SLA_TOPIC, type SlaJob } from "./service-levels.js";

export interface ReviewEventDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  i18n: Translator;
  events: EventBus;
  /** outbound.enqueue */
  enqueue: (job: OutboundJob) => Promise<void>;
  /** Present when Telegram is on. */
  cards?: CardSender;
  reviewChatId?: string;
  /** Whether the outbound queue has a Telegram sender (for reminders). */
  telegramEnabled: boolean;
  logger: Logger;
  /** Overrides of the service-level delays (tests). */
  remindAfterMs?: number;
  releaseAfterMs?: number;
  /** Called after an outbox row was written outside a submission (nudges the relay). */
  pokeOutbox?: () => void;
}

/** Registers every review handler on the event bus. */
export function registerReviewEvents(deps: ReviewEventDeps): void {
  const { db, events, logger } = deps;
  const log = logger.child({ concern: "review" });
  const cardDeps = deps.cards
    ? { db, i18n: deps.i18n, cards: deps.cards, reviewChatId: deps.reviewChatId, logger: log }
    : undefined;

  events.on("nomination.submitted", async (payload) => {
    const { nominationId } = payload;
    const n = await db.nomination.findUnique({ where: { id: nominationId }, select: { createdAt: true } });
    if (!n) return;
    if (cardDeps) await sendCards(cardDeps, nominationId);
    await scheduleReminder(events, nominationId, n.createdAt, deps.remindAfterMs);
    log.info({ nominationId, code: payload.code }, "nomination queued for review");
  });

  events.on("nomination.answered", async (payload) => {
    const { nominationId, auditId } = payload;
    if (cardDeps) await refreshCards(cardDeps, nominationId);
    const at = (await db.auditLog.findUnique({ where: { id: BigInt(auditId) }, select: { at: true } }))?.at;
    await scheduleReminder(events, nominationId, at ?? new Date(), deps.remindAfterMs);
    // An answer that went back to its holder starts the holder's 72-hour clock again.
    const n = await db.nomination.findUnique({
      where: { id: nominationId },
      select: { claimedAt: true, status: true },
    });
    if (n?.status === "in_review" && n.claimedAt)
      await scheduleRelease(events, nominationId, n.claimedAt, deps.releaseAfterMs);
  });

  events.on(DECIDED_TOPIC, async (payload) => {
    const { id } = payload;
    if (payload.subject !== "nomination") return;
    await notifySubmitter(deps, id, payload.auditId);
    if (cardDeps) await refreshCards(cardDeps, id);
    if (payload.action === "claim") {
      const n = await db.nomination.findUnique({ where: { id }, select: { claimedAt: true, status: true } });
      if (n?.status === "in_review" && n.claimedAt)
        await scheduleRelease(events, id, n.claimedAt, deps.releaseAfterMs);
    }
  });

  // Retried by the event bus until every card is edited (a temporary Telegram failure must not leave one).
  events.on(ERASED_TOPIC, async (payload) => {
    const ids = payload.nominationIds;
    if (cardDeps && ids.length) await eraseCards(cardDeps, ids);
    log.info({ nominations: ids.length }, "reviewer cards of erased nominations edited");
  });

  events.on(SLA_TOPIC, async (payload) => {
    const job: SlaJob = payload;
    if (job.kind === "release") {
      const r = await releaseStaleClaim(db, job.nominationId, new Date(job.claimedAt));
      if (r?.ok) {
        deps.pokeOutbox?.();
        log.info({ nominationId: job.nominationId }, "claim released after 72 h");
      }
      return;
    }
    const n = await db.nomination.findUnique({
      where: { id: job.nominationId },
      select: { status: true, claimedById: true, code: true, updatedAt: true },
    });
    // Still waiting in the pool since the moment this reminder watches?
    if (
      !n ||
      n.status !== "submitted" ||
      n.claimedById ||
      n.updatedAt.getTime() > new Date(job.since).getTime() + 1_000
    )
      return;
    if (!deps.telegramEnabled) return;
    const chats = new Set(
      (
        await db.reviewer.findMany({
          where: { active: true, channel: "telegram", externalId: { not: null } },
          select: { externalId: true },
        })
      ).map((r) => r.externalId!),
    );
    if (deps.reviewChatId) chats.add(deps.reviewChatId);
    const text = deps.i18n.t("vi", "review.reviewer.reminder", { code: n.code });
    for (const chatId of chats) {
      await deps.enqueue({
        channel: "telegram",
        chatId,
        key: `sla-remind-${job.nominationId}-${new Date(job.since).getTime()}-${chatId}`,
        replies: [{ text }],
      });
    }
    log.info({ nominationId: job.nominationId }, "48 h reminder sent");
  });

  // These appear in the admin panel straight from their tables; the events only mark them in the log.
  events.on("selfreport.submitted", async ({ selfReportId }) =>
    log.info({ topic: "selfreport.submitted", id: selfReportId }, "listed in the admin panel"),
  );
  events.on("deletion.requested", async ({ requestId }) =>
    log.info({ topic: "deletion.requested", id: requestId }, "listed in the admin panel"),
  );
  // (Forwarded questions have their own handlers: src/questions/events.ts.)
}
