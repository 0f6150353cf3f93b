/**
 * A worker that stalls past its lease (a long GC pause, a frozen VM) and then wakes up must not
 * send what another worker took over: the attempt marker is taken once per delivery across all
 * workers. Simulated with two dispatchers in one process: A's lease is already over when it claims
 * (as if it had stalled), its sends hang until released; B reaps A's rows and sends the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import {
  AnnouncementDispatcher,
  announcementProgress,
  createAnnouncement,
} from "../../src/announcements/index.js";
import type { ChannelAdapter } from "../../src/channels/types.js";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { eventually } from "../review/fixtures.js";
import { seedSubscribers } from "./support.js";

describe("a stalled worker that wakes up", () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({}, { role: "web" }); // no dispatcher of its own
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("sends nothing another worker took over: nobody gets it twice, everyone is accounted for", async () => {
    const db = t.database.db;
    const chats = await seedSubscribers(db, { channel: "webchat", count: 300, chatPrefix: "stall-" });
    const received = new Map<string, number>();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const adapter = (hang: boolean): ChannelAdapter => ({
      name: "webchat",
      limits: { globalPerSecond: 1_000, perChatPerSecond: 1_000, perChatBurst: 1_000 },
      async send(chatId) {
        if (hang) await released;
        received.set(chatId, (received.get(chatId) ?? 0) + 1);
      },
    });
    const common = {
      db,
      redis: t.system.redis,
      prefix: t.prefix,
      i18n: t.system.i18n,
      logger: pino({ level: "silent" }),
      pollMs: 100,
    };
    // A: its lease has lapsed the moment it claims (leaseMs < 0), and every send hangs.
    const a = new AnnouncementDispatcher({
      ...common,
      adapters: new Map([["webchat", adapter(true)]]),
      leaseMs: -60_000,
      concurrency: 5,
    });
    const { id } = await createAnnouncement(
      db,
      { text: "Thông báo #stall", topics: ["movement"], channels: ["webchat"] },
      "test",
    );
    a.start();
    await eventually(
      async () =>
        (await db.announcementDelivery.count({ where: { announcementId: id, state: "claimed" } })) > 0,
    );
    // B takes over A's rows and sends everything that was never attempted.
    const b = new AnnouncementDispatcher({
      ...common,
      adapters: new Map([["webchat", adapter(false)]]),
      concurrency: 20,
    });
    b.start();
    await eventually(async () => received.size >= 290, 20_000);
    release(); // A wakes up
    await eventually(async () => (await announcementProgress(db, id))?.status === "done", 20_000);
    await Promise.all([a.stop(), b.stop()]);

    const p = (await announcementProgress(db, id))!;
    expect(Math.max(...received.values())).toBe(1);
    expect(p.total).toBe(chats.length);
    expect(p.sent + p.uncertain).toBe(chats.length);
    for (const c of chats)
      if (!received.has(c))
        expect(
          (await db.announcementDelivery.findFirst({ where: { announcementId: id, person: { chatId: c } } }))!
            .state,
        ).toBe("uncertain");
    // Only A's sends in flight (at most its 5) can be uncertain.
    expect(p.uncertain).toBeLessThanOrEqual(5);
  }, 60_000);
});
