/**
 * The outbox relay: submissions write an Outbox row in their own transaction; this loop moves
 * committed rows onto the event bus. A crash between publish and mark re-publishes the row, which
 * the job id (outbox-<id>) turns into a no-op.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { Db, Prisma } from "../db/client.js";
import { isEventTopic, type EventMap, type EventTopic } from "./event-map.js";
import type { EventBus } from "./events.js";

/**
 * Writes an event to the outbox inside the caller's transaction: it is published only if the
 * transaction commits, and then exactly when the rows it announces exist.
 *
 * @example await writeOutbox(tx, "nomination.submitted", { nominationId, code })
 */
export async function writeOutbox<T extends EventTopic>(
  tx: Prisma.TransactionClient,
  topic: T,
  payload: EventMap[T],
): Promise<void> {
  await tx.outbox.create({ data: { topic, payload } });
}

export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly deps: { db: Db; events: EventBus; logger: Logger; intervalMs?: number; batch?: number },
  ) {}

  /** Publishes one batch; returns how many rows were moved. Several relays may run: rows are locked with SKIP LOCKED. */
  async relayOnce(): Promise<number> {
    const { db, events } = this.deps;
    const batch = this.deps.batch ?? 100;
    return db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: bigint; topic: string; payload: EventMap[EventTopic] }>>`
        select id, topic, payload from "Outbox" where "publishedAt" is null order by id limit ${batch} for update skip locked`;
      for (const row of rows) {
        // A topic no handler here can read (a hand-written row) is marked published with a warning.
        if (isEventTopic(row.topic))
          await events.publish(row.topic, row.payload as never, { jobId: `outbox-${row.id}` });
        else
          this.deps.logger.warn(
            { topic: row.topic, id: String(row.id) },
            "outbox row with an unknown topic marked published",
          );
      }
      if (rows.length) {
        await tx.outbox.updateMany({
          where: { id: { in: rows.map((r) => r.id) } },
          data: { publishedAt: new Date(), attempts: { increment: 1 } },
        });
      }
      return rows.length;
    });
  }

  /** Nudges the loop (called right after a submission commits, so review latency is not the poll interval). */
  poke(): void {
    this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const interval = this.deps.intervalMs ?? 1_000;
    this.loop = (async () => {
      while (this.running) {
        let moved = 0;
        try {
          moved = await this.relayOnce();
        } catch (err) {
          this.deps.logger.warn({ err: (err as Error).message }, "outbox relay pass failed; will retry");
        }
        if (moved === 0 && this.running) {
          await Promise.race([sleep(interval), new Promise<void>((r) => (this.wake = r))]);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}
