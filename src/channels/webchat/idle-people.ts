/**
 * The web chat makes a Person row for every chat that says anything (the conversation needs one
 * from the first message). Most visitors only ask a question: once their chat has lapsed, a row
 * with no consent, no submission, no question and no request is removed, so anonymous traffic
 * leaves nothing behind in PostgreSQL.
 */
import type { Redis } from "ioredis";
import type { Db } from "../../db/client.js";
import { SessionStore } from "../../conversation/session.js";

/** Deletes idle anonymous web chat people created before `now - idleMs`; returns how many. */
export async function sweepIdleWebchatPeople(
  deps: { db: Db; redis: Redis; prefix: string },
  now: Date,
  idleMs = 26 * 3_600_000,
  batch = 1_000,
): Promise<number> {
  const candidates = await deps.db.person.findMany({
    where: {
      channel: "webchat",
      consentAt: null,
      createdAt: { lt: new Date(now.getTime() - idleMs) },
      nominations: { none: {} },
      selfReports: { none: {} },
      deletions: { none: {} },
      questions: { none: {} },
    },
    select: { id: true, externalId: true },
    take: batch,
  });
  if (!candidates.length) return 0;
  // A chat still in use keeps its person (its session names the row).
  const store = new SessionStore({ redis: deps.redis, prefix: deps.prefix });
  const live = await Promise.all(
    candidates.map((p) => deps.redis.exists(store.key("webchat", p.externalId))),
  );
  const ids = candidates.filter((_, i) => live[i] === 0).map((p) => p.id);
  if (!ids.length) return 0;
  const { count } = await deps.db.person.deleteMany({
    where: {
      id: { in: ids },
      consentAt: null,
      nominations: { none: {} },
      selfReports: { none: {} },
      deletions: { none: {} },
      questions: { none: {} },
    },
  });
  return count;
}
