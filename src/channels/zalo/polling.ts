/**
 * Development mode without a public HTTPS address (ZALO_MODE=polling): long-polls getUpdates and
 * feeds each update through the same conversion and inbound queue as the webhook. Polling and
 * webhooks exclude each other on Zalo, so the webhook is deleted first.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { InboundQueue } from "../../queue/inbound.js";
import type { ZaloClient } from "./client.js";
import { zaloEventToInbound } from "./event.js";
import { logOutcome } from "./webhook.js";

export interface ZaloPollerDeps {
  client: ZaloClient;
  inbound: Pick<InboundQueue, "accept">;
  logger: Logger;
  /** Long-poll duration in seconds (default 30). */
  timeoutSeconds?: number;
}

/**
 * @example const poller = new ZaloPoller({ client, inbound, logger }); await poller.start(); … await poller.stop();
 */
export class ZaloPoller {
  private running = false;
  private loop?: Promise<void>;
  private readonly abort = new AbortController();
  private readonly log: Logger;

  constructor(private readonly deps: ZaloPollerDeps) {
    this.log = deps.logger.child({ channel: "zalo", mode: "polling" });
  }

  /** Deletes the webhook (so getUpdates works), then polls in the background until stop(). */
  async start(): Promise<void> {
    if (this.running) return;
    await this.deps.client.deleteWebhook({ retries: 3 });
    this.running = true;
    this.loop = this.run();
    this.log.info("Zalo long polling started");
  }

  /** Ends the current poll at once and waits for the loop to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const update = await this.deps.client.getUpdates(
          { timeout: this.deps.timeoutSeconds ?? 30 },
          { signal: this.abort.signal, retries: 0 },
        );
        failures = 0;
        if (update) await this.hand(update);
      } catch (err) {
        if (!this.running) break;
        failures++;
        this.log.warn({ err: (err as Error).message, failures }, "Zalo getUpdates failed; backing off");
        await this.pause(Math.min(1_000 * 2 ** Math.min(failures - 1, 5), 30_000));
      }
    }
  }

  /** An update already taken from Zalo cannot be fetched again: keep trying until Redis takes it. */
  private async hand(update: unknown): Promise<void> {
    const outcome = zaloEventToInbound(update);
    if (outcome.kind !== "message" || outcome.keys) logOutcome(this.log, outcome);
    if (outcome.kind !== "message") return;
    for (let attempt = 1; this.running; attempt++) {
      try {
        await this.deps.inbound.accept(outcome.message);
        return;
      } catch (err) {
        this.log.error(
          { messageId: outcome.message.messageId, attempt, err: (err as Error).message },
          "could not enqueue a polled Zalo update; retrying",
        );
        await this.pause(Math.min(500 * attempt, 5_000));
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => {});
  }
}
