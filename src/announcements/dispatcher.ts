/**
 * Sends running announcements, in every process that sendsAnnouncements (role broadcast, and role
 * worker unless WORKERS_SEND_ANNOUNCEMENTS=false): claims small batches of pending
 * deliveries (FOR UPDATE SKIP LOCKED, so several workers share the work), paces them on the
 * channel's token bucket below conversation replies (pacing.ts), and records each outcome in
 * PostgreSQL. The per-recipient row is the idempotency key: it is claimed by one worker at a time
 * and sent at most once by the dispatcher itself.
 *
 * What is guaranteed: exactly one delivery for every recipient, except those whose platform call
 * was in flight at the instant a worker died. Just before the platform call a worker sets an
 * "attempt" marker in Redis (once per delivery across all workers, SET NX), right after the
 * platform accepted it an "accepted" marker; outcomes reach PostgreSQL in batches. When a worker
 * dies, its claimed rows' leases lapse and the next worker resolves each one: accepted → sent,
 * never attempted → pending again (sent later: no gap), attempted but no answer → "uncertain".
 * Uncertain rows are at most the sends in flight at the crash (bounded by the in-flight
 * concurrency, concurrencyOf below), are listed per channel with the reason in the announcement's
 * report, and are never re-sent automatically. An admin may resend them, once per row, knowing that
 * some may then get it twice (resend.ts puts them back to pending and clears their markers).
 *
 * Why not exactly once for those too: that needs the platform to either drop a repeated request
 * (an idempotency key) or answer "did message X reach chat Y?" (a delivery query). Telegram's Bot
 * API and the Zalo Bot Platform offer neither; the Zalo OA has neither either (its
 * user_received_message receipts are events, not a query, and this bot does not use them). A send
 * whose answer was lost may or may not have arrived, and only re-sending (risking a duplicate) or
 * not (risking a gap) is left. By default a duplicate is taken as the worse error; the admin's
 * resend chooses the other.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import pg from "pg";
import type { Logger } from "pino";
import {
  PermanentSendError,
  RecipientUnreachableError,
  RetryAfterError,
  type ChannelAdapter,
  type ChannelName,
  type Reply,
} from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import { SENDING_CHANNEL, startSending } from "./announcements.js";
import { announcementKeys, MARKER_TTL_SECONDS } from "./keys.js";
import { broadcastDispenser, type TokenDispenser } from "./pacing.js";
import { luaScript, runScript } from "../redis/scripts.js";

export interface DispatcherDeps {
  db: Db;
  /** A worker connection (waits out a Redis blip). */
  redis: Redis;
  prefix: string;
  adapters: Map<ChannelName, ChannelAdapter>;
  i18n: Translator;
  logger: Logger;
  /** Base URL the platforms fetch images from (PUBLIC_URL). */
  publicUrl?: string;
  /** How often running announcements are looked for (default 1 s; poke() wakes it at once). */
  pollMs?: number;
  /**
   * With it, a connection LISTENs for announcements starting to send (NOTIFY from startSending,
   * whichever process started it: the web process, another worker, a scheduled one) and wakes the
   * loop at once; polling stays as the fallback.
   */
  databaseUrl?: string;
  /** A claimed row is another worker's to resolve this long after its worker stopped renewing (default 5 s). */
  leaseMs?: number;
  /** Sends in flight per channel and process (default: a fifth of the channel's messages/s, 1–200). */
  concurrency?: number;
}

type Outcome = {
  id: string;
  state: "sent" | "failed" | "skipped" | "cancelled" | "pending" | "uncertain";
  reason?: string;
  personId?: string /** The platform call's duration, seconds. */;
  seconds?: number;
};

// Before the platform call, in one round trip: stop if the person opted out or the announcement was
// cancelled, else take the attempt — once per delivery across all workers (SET NX): a worker that
// stalled past its lease and comes back finds another's attempt and does not send a second time.
// KEYS: opt-out, cancelled, attempt, accepted. Returns 0 (go), 1 (opted out), 2 (cancelled),
// 3 (already attempted and accepted), 4 (already attempted, outcome unknown).
const GATE = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
if not redis.call('SET', KEYS[3], '1', 'EX', ARGV[1], 'NX') then
  if redis.call('EXISTS', KEYS[4]) == 1 then return 3 end
  return 4
end
return 0
`);

/** @example const d = new AnnouncementDispatcher({ db, redis, prefix, adapters, i18n, logger }); d.start(); … await d.stop() */
export class AnnouncementDispatcher {
  readonly workerId = `w-${randomBytes(6).toString("hex")}`;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private poked = false;
  private listener?: pg.Client;
  private relisten?: NodeJS.Timeout;
  private readonly pumps = new Map<string, Promise<void>>();
  private readonly dispensers = new Map<ChannelName, TokenDispenser>();

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.listen();
    this.loop = (async () => {
      while (this.running) {
        this.poked = false;
        try {
          await this.tick();
        } catch (err) {
          this.deps.logger.warn(
            { err: (err as Error).message },
            "announcement dispatcher pass failed; will retry",
          );
        }
        // A poke during the pass (a NOTIFY) runs the next pass at once.
        if (this.running && !this.poked)
          await Promise.race([sleep(this.deps.pollMs ?? 1_000), new Promise<void>((r) => (this.wake = r))]);
      }
    })();
  }

  /** Wakes the loop (after "send now" in the same process). */
  poke(): void {
    this.poked = true;
    this.wake?.();
  }

  /** LISTENs for announcements starting (see DispatcherDeps.databaseUrl); reconnects a second after a loss. */
  private listen(): void {
    const url = this.deps.databaseUrl;
    if (!url || !this.running) return;
    const client = new pg.Client({ connectionString: url });
    this.listener = client;
    let lost = false;
    const onLoss = () => {
      if (lost) return;
      lost = true;
      void client.end().catch(() => {});
      if (this.running) this.relisten = setTimeout(() => this.listen(), 1_000);
    };
    client.on("notification", () => this.poke());
    client.on("error", onLoss);
    client.on("end", onLoss);
    client
      .connect()
      .then(() => client.query(`listen ${SENDING_CHANNEL}`))
      .catch(onLoss);
  }

  /** Stops claiming, lets the sends in flight finish and hands the unsent claimed rows back. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    clearTimeout(this.relisten);
    await this.listener?.end().catch(() => {});
    await this.loop;
    await Promise.allSettled(this.pumps.values());
    await this.deps.db
      .$executeRaw`update "AnnouncementDelivery" set state = 'pending', "claimedBy" = null, "leaseUntil" = null where state = 'claimed' and "claimedBy" = ${this.workerId}`.catch(
      () => {},
    );
  }

  /** One pass: start due scheduled announcements, resolve dead workers' rows, run a pump per running announcement and channel, close finished ones. */
  async tick(): Promise<void> {
    const { db } = this.deps;
    const due = await db.announcement.findMany({
      where: { status: "scheduled", sendAt: { lte: new Date() } },
      select: { id: true },
    });
    for (const a of due) await startSending(db, a.id);
    await this.reap();
    const running = await db.announcement.findMany({
      where: { status: "sending" },
      select: { id: true, channels: true },
    });
    for (const a of running) {
      for (const channel of a.channels) {
        const key = `${a.id}:${channel}`;
        if (this.pumps.has(key)) continue;
        const adapter = this.deps.adapters.get(channel);
        if (!adapter) {
          // The channel was switched off after the announcement was composed: say so, do not wait forever.
          await db.announcementDelivery.updateMany({
            where: { announcementId: a.id, channel, state: "pending" },
            data: { state: "failed", reason: "channel_disabled", doneAt: new Date() },
          });
          continue;
        }
        const pump = this.pump(a.id, adapter)
          .catch((err: unknown) =>
            this.deps.logger.warn(
              { announcementId: a.id, channel, err: (err as Error).message },
              "announcement pump stopped; another pass resumes it",
            ),
          )
          .finally(() => this.pumps.delete(key));
        this.pumps.set(key, pump);
      }
    }
    await this.close();
  }

  /**
   * Marks done the running announcements with nothing pending or claimed any more. The rows are
   * locked first and checked in a later statement (a fresh snapshot): an admin's resend (resend.ts)
   * locks the announcement before putting rows back to pending, so a check cannot miss rows that
   * a resend committed while this waited (a single UPDATE re-checks only the locked row, not its
   * subquery) and close an announcement that has work again.
   */
  private async close(): Promise<void> {
    await this.deps.db.$transaction(async (tx) => {
      const open = await tx.$queryRaw<Array<{ id: string }>>`
        select id::text as id from "Announcement" where status = 'sending' for update skip locked`;
      if (!open.length) return;
      await tx.$executeRaw`update "Announcement" a set status = 'done', "finishedAt" = now()
        where a.id = any(${open.map((a) => a.id)}::uuid[]) and a.status = 'sending'
          and not exists (select 1 from "AnnouncementDelivery" d where d."announcementId" = a.id and d.state in ('pending', 'claimed'))`;
    });
  }

  /** Resolves the claimed rows of workers that stopped renewing their lease (see the module comment). */
  async reap(): Promise<number> {
    const { db, redis, prefix } = this.deps;
    return db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: bigint; personId: string }>>`
        select id, "personId" from "AnnouncementDelivery" where state = 'claimed' and "leaseUntil" < now() order by id limit 5000 for update skip locked`;
      if (!rows.length) return 0;
      const ids = rows.map((r) => String(r.id));
      const [accepted, attempted] = await Promise.all([
        redis.mget(ids.map((id) => announcementKeys.accepted(prefix, id))),
        redis.mget(ids.map((id) => announcementKeys.attempt(prefix, id))),
      ]);
      const sent = ids.filter((_, i) => accepted[i]);
      const uncertain = ids.filter((_, i) => !accepted[i] && attempted[i]);
      const back = ids.filter((_, i) => !accepted[i] && !attempted[i]);
      const set = (list: string[], state: string, reason: string | null) =>
        list.length
          ? tx.$executeRawUnsafe(
              `update "AnnouncementDelivery" set state = $2::"DeliveryState", reason = $3, "doneAt" = case when $2 = 'pending' then null else now() end, "claimedBy" = null, "leaseUntil" = null where id = any($1::bigint[])`,
              list,
              state,
              reason,
            )
          : Promise.resolve(0);
      await set(sent, "sent", null);
      await set(uncertain, "uncertain", "worker_stopped_during_send");
      await set(back, "pending", null);
      this.deps.logger.warn(
        { sent: sent.length, uncertain: uncertain.length, requeued: back.length },
        "resolved deliveries of a stopped worker",
      );
      return rows.length;
    });
  }

  private concurrencyOf(adapter: ChannelAdapter): number {
    // Enough sends in flight to keep the platform's rate with ~200 ms per call (a loaded machine):
    // 30/s → 6, 1,000/s → 200. Only sends in flight at a crash can end up "uncertain".
    return this.deps.concurrency ?? Math.min(200, Math.max(1, Math.ceil(adapter.limits.globalPerSecond / 5)));
  }

  /** Sends one announcement on one channel until nothing is left to claim, it is cancelled, or the dispatcher stops. */
  private async pump(announcementId: string, adapter: ChannelAdapter): Promise<void> {
    const { db, redis, prefix, logger } = this.deps;
    const announcement = await db.announcement.findUniqueOrThrow({
      where: { id: announcementId },
      select: { text: true, imageUrl: true },
    });
    const concurrency = this.concurrencyOf(adapter);
    const batch = Math.max(concurrency * 2, Math.min(500, Math.ceil(adapter.limits.globalPerSecond / 2)));
    const leaseMs = this.deps.leaseMs ?? 5_000;
    const channel = adapter.name;
    const log = logger.child({ announcementId: announcementId, channel });
    let results: Outcome[] = [];
    let stopReason: string | undefined; // e.g. Zalo's quota: the rest of this channel fails with it
    let cancelled = false;

    // Rows this pump claimed and has not recorded yet: only their leases are renewed, so rows whose
    // pump is gone lapse and are resolved by reap() even while this worker runs other pumps.
    const held = new Set<string>();
    // One flush at a time (a slow one must not overlap the next: two multi-row updates of the same
    // rows in different orders can deadlock), and outcomes that failed to be recorded are kept for
    // the next flush. (A lost batch used to stay "claimed" forever, its lease renewed by the worker's
    // later pumps, and the announcement never finished.)
    let flushing: Promise<void> | undefined;
    const flush = () =>
      (flushing ??= record().finally(() => {
        flushing = undefined;
      }));
    const record = async () => {
      const done = results;
      results = [];
      try {
        if (done.length) await recordOutcomes(done);
      } catch (err) {
        results = done.concat(results);
        throw err;
      }
      for (const o of done) held.delete(o.id);
      if (!held.size) return;
      await db.$executeRawUnsafe(
        `update "AnnouncementDelivery" set "leaseUntil" = now() + $3 * interval '1 millisecond' where id = any($1::bigint[]) and state = 'claimed' and "claimedBy" = $2`,
        [...held],
        this.workerId,
        leaseMs,
      );
    };
    const recordOutcomes = async (done: Outcome[]) => {
      await db.$executeRawUnsafe(
        `update "AnnouncementDelivery" d set state = x.state::"DeliveryState", reason = x.reason, "doneAt" = case when x.state = 'pending' then null else now() end, "claimedBy" = null, "leaseUntil" = null
             from unnest($1::bigint[], $2::text[], $3::text[]) as x(id, state, reason) where d.id = x.id and d.state = 'claimed' and d."claimedBy" = $4`,
        done.map((o) => o.id),
        done.map((o) => o.state),
        done.map((o) => o.reason ?? null),
        this.workerId,
      );
      const blocked = done.filter((o) => o.reason === "blocked" && o.personId).map((o) => o.personId!);
      if (blocked.length)
        await db.person.updateMany({ where: { id: { in: blocked } }, data: { unreachableAt: new Date() } });
    };
    // The last outcomes, after any flush in progress; if PostgreSQL keeps refusing, the leases
    // lapse (no longer renewed) and reap() resolves the rows from the Redis markers.
    const flushLast = async () => {
      for (let i = 0; ; i++) {
        await flushing?.catch(() => {});
        try {
          await flush();
          return;
        } catch (err) {
          if (i >= 4) throw err;
          await sleep(250 * 2 ** i);
        }
      }
    };
    const flusher = setInterval(
      () =>
        void flush().catch((err: unknown) =>
          log.warn({ err: (err as Error).message }, "recording delivery outcomes failed; retried"),
        ),
      250,
    );

    // Sends pull rows from a local queue that is refilled (one claim at a time) before it runs dry,
    // so a slow send never holds up the others (no per-batch barrier).
    const queue: Array<{ id: bigint; personId: string; chatId: string; language: string }> = [];
    let exhausted = false;
    let claiming: Promise<void> | undefined;
    const claim = () =>
      (claiming ??= (async () => {
        const rows = await db.$queryRawUnsafe<
          Array<{ id: bigint; personId: string; chatId: string; language: string }>
        >(
          `with c as (
             select id from "AnnouncementDelivery" where "announcementId" = $1::uuid and channel = $2::"Channel" and state = 'pending' order by id limit $3 for update skip locked
           ), u as (
             update "AnnouncementDelivery" d set state = 'claimed', "claimedBy" = $4, "leaseUntil" = now() + $5 * interval '1 millisecond' from c where d.id = c.id returning d.id, d."personId"
           )
           select u.id, u."personId", p."chatId", p.language from u join "Person" p on p.id = u."personId" order by u.id`,
          announcementId,
          channel,
          batch,
          this.workerId,
          leaseMs,
        );
        if (!rows.length) exhausted = true;
        for (const r of rows) held.add(String(r.id));
        queue.push(...rows);
      })().finally(() => (claiming = undefined)));

    // Sends in flight follow the platform's round trip: rate × latency × 1.5 (at least 2), so that
    // a crash leaves as few "uncertain" deliveries as the rate allows; `concurrency` is the ceiling.
    let inFlight = 0;
    let latency = 0.05;
    const allowed = () =>
      Math.min(concurrency, Math.max(2, Math.ceil(adapter.limits.globalPerSecond * latency * 1.5)));
    // Sends waiting for a slot are woken when one frees (they used to poll every 2 ms: with a
    // hundred of them waiting, tens of thousands of timer wake-ups a second on the worker's event
    // loop, which conversation replies share).
    const slotWaiters: Array<() => void> = [];
    const takeSlot = async () => {
      while (inFlight >= allowed()) await new Promise<void>((r) => slotWaiters.push(r));
      inFlight++;
    };
    const freeSlot = () => {
      inFlight--;
      for (let free = allowed() - inFlight; free > 0 && slotWaiters.length; free--) slotWaiters.shift()!();
    };
    const worker = async () => {
      for (;;) {
        if (queue.length < concurrency && !exhausted && this.running && !cancelled && !stopReason)
          void claim().catch((err: unknown) =>
            log.warn({ err: (err as Error).message }, "claiming deliveries failed; retried"),
          );
        const row = queue.shift();
        if (!row) {
          if (exhausted || !this.running || cancelled || stopReason) return;
          await (claiming ?? sleep(50)).catch(() => sleep(500));
          continue;
        }
        const id = String(row.id);
        if (!this.running) results.push({ id, state: "pending" });
        else if (cancelled) results.push({ id, state: "cancelled", reason: "cancelled" });
        else if (stopReason) results.push({ id, state: "failed", reason: stopReason });
        else {
          await takeSlot();
          let outcome: Outcome;
          try {
            outcome = await this.sendOne(
              announcementId,
              adapter,
              { id, personId: row.personId, chatId: row.chatId, lang: row.language === "en" ? "en" : "vi" },
              announcement,
            );
            if (outcome.seconds !== undefined) latency = 0.9 * latency + 0.1 * outcome.seconds;
          } finally {
            freeSlot();
          }
          if (outcome.reason === "cancelled") cancelled = true;
          if (outcome.reason === "quota_exceeded") stopReason = "quota_exceeded";
          results.push(outcome);
        }
      }
    };

    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
      // Rows claimed but not reached (stopped, cancelled, quota): their outcome is recorded too.
      for (const row of queue.splice(0))
        results.push({
          id: String(row.id),
          state: !this.running ? "pending" : cancelled ? "cancelled" : "failed",
          reason: !this.running ? undefined : cancelled ? "cancelled" : stopReason,
        });
      if (stopReason) {
        // Zalo answered "quota exceeded": every further send would fail too (and must not be retried).
        await db.announcementDelivery.updateMany({
          where: { announcementId, channel, state: "pending" },
          data: { state: "failed", reason: stopReason, doneAt: new Date() },
        });
        log.warn(
          { reason: stopReason },
          "channel stopped for this announcement; remaining recipients reported",
        );
      }
    } finally {
      clearInterval(flusher);
      await flushLast();
    }
  }

  /** Paces, gates and sends one delivery; returns its outcome. */
  private async sendOne(
    announcementId: string,
    adapter: ChannelAdapter,
    r: { id: string; personId: string; chatId: string; lang: "vi" | "en" },
    a: { text: string; imageUrl: string | null },
  ): Promise<Outcome> {
    const { redis, prefix, i18n, logger } = this.deps;
    const base = { id: r.id, personId: r.personId };
    const optOut = announcementKeys.optOut(prefix, r.personId);
    const cancelledKey = announcementKeys.cancelled(prefix, announcementId);
    let gated = false;
    for (let attempt = 1; ; attempt++) {
      await this.token(adapter);
      if (!gated) {
        gated = true;
        const gate = Number(
          await runScript(
            redis,
            GATE,
            [
              optOut,
              cancelledKey,
              announcementKeys.attempt(prefix, r.id),
              announcementKeys.accepted(prefix, r.id),
            ],
            [MARKER_TTL_SECONDS],
          ),
        );
        if (gate === 1) return { ...base, state: "skipped", reason: "unsubscribed" };
        if (gate === 2) return { ...base, state: "cancelled", reason: "cancelled" };
        if (gate === 3) return { ...base, state: "sent" };
        if (gate === 4) return { ...base, state: "uncertain", reason: "worker_stopped_during_send" };
      } else {
        // A retry (after a 429 or a network error) checks the opt-out and the cancel again.
        const [o, c] = await redis.mget(optOut, cancelledKey);
        if (o) return { ...base, state: "skipped", reason: "unsubscribed" };
        if (c) return { ...base, state: "cancelled", reason: "cancelled" };
      }
      const reply: Reply = {
        text: `${a.text}\n\n${i18n.t(r.lang, "announcements.footer")}`,
        ...(a.imageUrl ? { media: { url: a.imageUrl } } : {}),
      };
      const started = performance.now();
      try {
        await adapter.send(r.chatId, reply, { key: `ann:${announcementId}:${r.personId}`, index: 0 });
        const seconds = (performance.now() - started) / 1000;
        await redis.set(announcementKeys.accepted(prefix, r.id), "1", "EX", MARKER_TTL_SECONDS);
        return { ...base, state: "sent", seconds };
      } catch (err) {
        // Zalo OA refuses proactive messages outside its 7-day window (OutsideWindowError, by name:
        // the domain does not import a channel's code); the channel marks the person unreachable.
        if (err instanceof RecipientUnreachableError)
          return {
            ...base,
            state: "failed",
            reason: err.name === "OutsideWindowError" ? "outside_reply_window" : "blocked",
          };
        if (err instanceof PermanentSendError) return { ...base, state: "failed", reason: "refused" };
        if (err instanceof RetryAfterError) {
          // Zalo's 429 means the plan's message quota is spent: never retried (docs/zalo facts §8).
          if (adapter.name === "zalo") return { ...base, state: "failed", reason: "quota_exceeded" };
          await sleep(Math.min(err.retryAfterMs, 60_000));
          attempt--;
          continue;
        }
        if (attempt >= 3) {
          logger.warn(
            { channel: adapter.name, err: (err as Error).name },
            "announcement delivery failed after retries",
          );
          return { ...base, state: "failed", reason: "platform_error" };
        }
        await sleep(500 * 2 ** attempt);
      }
    }
  }

  /** One dispenser per channel and process: the sends in flight share its Redis round trips. */
  private token(adapter: ChannelAdapter): Promise<void> {
    let d = this.dispensers.get(adapter.name);
    if (!d)
      this.dispensers.set(
        adapter.name,
        (d = broadcastDispenser(this.deps.redis, this.deps.prefix, adapter.name, adapter.limits)),
      );
    return d.take();
  }
}
