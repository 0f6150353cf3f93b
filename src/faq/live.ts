/**
 * The FAQ index one process answers from, kept current without a restart: before a lookup it
 * compares the shared version counter with the one it loaded, and reloads the published entries
 * from PostgreSQL when they differ (or when its copy is older than `maxAgeMs`, in case a bump was
 * lost with Redis). Concurrent lookups share one reload.
 */
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import { FaqIndex, type FaqMatch } from "./search.js";
import type { FaqSignal } from "./signal.js";

export interface PublishedEntry {
  id: string;
  question: string;
  answer: string;
  unit: string;
  answeredOn: Date;
}

export interface LiveFaqDeps {
  db: Db;
  signal: FaqSignal;
  /** Entries that imitate the plan's quotes are never served (see planMarkers). */
  isServable?: (e: PublishedEntry) => boolean;
  logger: Logger;
  /** Reload at least this often whatever the counter says (default 5 minutes). */
  maxAgeMs?: number;
  clock?: () => number;
}

export class LiveFaq {
  private index = new FaqIndex<PublishedEntry>([]);
  private version: string | null | undefined = undefined;
  private loadedAt = 0;
  private reloading?: Promise<void>;

  constructor(private readonly deps: LiveFaqDeps) {}

  /** The best published entry for a question, after making sure the index is current. */
  async search(question: string): Promise<FaqMatch<PublishedEntry> | undefined> {
    await this.refresh();
    return this.index.search(question);
  }

  /** Number of entries being served (after the last refresh). */
  get size(): number {
    return this.index.size;
  }

  private async refresh(): Promise<void> {
    const now = (this.deps.clock ?? Date.now)();
    let current: string | null;
    try {
      current = await this.deps.signal.current();
    } catch {
      // Redis unreachable: keep answering from what we have, reload on age only.
      current = this.version ?? null;
    }
    if (
      this.version !== undefined &&
      current === this.version &&
      now - this.loadedAt < (this.deps.maxAgeMs ?? 300_000)
    )
      return;
    this.reloading ??= this.load(current, now).finally(() => (this.reloading = undefined));
    await this.reloading;
  }

  private async load(version: string | null, now: number): Promise<void> {
    const rows = await this.deps.db.faqEntry.findMany({
      where: { status: "published" },
      select: { id: true, question: true, answer: true, unit: true, answeredOn: true },
    });
    const servable = this.deps.isServable ? rows.filter(this.deps.isServable) : rows;
    this.index = new FaqIndex(servable);
    this.version = version;
    this.loadedAt = now;
    this.deps.logger.debug({ entries: servable.length, version }, "faq index loaded");
  }
}
