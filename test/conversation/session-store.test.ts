/** The per-chat session lock and store, against real Redis. */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { SessionBusyError, SessionStore, type Session } from "../../src/conversation/session.js";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { enableAutoPipelining: true });
afterAll(() => redis.disconnect());
const store = () => new SessionStore({ redis, prefix: `ss${randomBytes(4).toString("hex")}` });
const session = (counter: number): Session => ({
  v: 1,
  lang: "vi",
  personId: "p1",
  counter,
  updatedAt: Date.now(),
});

describe("SessionStore.transact", () => {
  it("runs two turns of one chat one after the other, the second seeing the first's save", async () => {
    const s = store();
    const order: string[] = [];
    const turn = (name: string) =>
      s.transact("telegram", "42", async (loaded) => {
        order.push(`${name} start`);
        await new Promise((r) => setTimeout(r, 100));
        order.push(`${name} end`);
        return { value: loaded.session?.counter ?? 0, save: session((loaded.session?.counter ?? 0) + 1) };
      });
    const [a, b] = await Promise.all([turn("a"), turn("b")]);
    expect([a, b].sort()).toEqual([0, 1]);
    expect(order[1]).toMatch(/end$/); // no overlap
    expect((await s.load("telegram", "42")).session?.counter).toBe(2);
  });

  it("releases the lock when the turn fails, and saves nothing", async () => {
    const s = store();
    await expect(
      s.transact("zalo", "7", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const t0 = performance.now();
    await s.transact("zalo", "7", async () => ({ value: 1 }));
    expect(performance.now() - t0).toBeLessThan(500);
    expect((await s.load("zalo", "7")).session).toBeUndefined();
  });

  it("gives up with SessionBusyError when the chat stays locked", async () => {
    const s = store();
    const held = s.transact(
      "webchat",
      "x",
      () => new Promise<{ value: number }>((r) => setTimeout(() => r({ value: 0 }), 600)),
    );
    await new Promise((r) => setTimeout(r, 50));
    await expect(
      s.transact("webchat", "x", async () => ({ value: 1 }), { waitMs: 200 }),
    ).rejects.toBeInstanceOf(SessionBusyError);
    await held;
  });

  it("reports a session that is not valid JSON as corrupt", async () => {
    const s = store();
    await redis.set(s.key("telegram", "9"), "{not json");
    const seen = await s.transact("telegram", "9", async (loaded) => ({ value: loaded }));
    expect(seen).toEqual({ session: undefined, corrupt: true });
  });
});
