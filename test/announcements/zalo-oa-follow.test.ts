/**
 * The Zalo OA channel feeds subscriptions: a follow (signed webhook event) subscribes the follower
 * to every topic, an unfollow unsubscribes at once; “nhận tin” / “hủy nhận tin” typed on the OA
 * work like on every other channel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runZaloOaCommand } from "../../src/cli/zalo-oa.js";
import { FakeZaloOa, OaUser, textOf } from "../support/fake-zalo-oa.js";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { eventually } from "../review/fixtures.js";

describe("Zalo OA follow events and subscriptions", () => {
  let fake: FakeZaloOa;
  let t: TestSystem;
  beforeAll(async () => {
    fake = await new FakeZaloOa().start();
    const env = fake.env();
    t = await startTestSystem(env);
    const pair = fake.issuePair();
    await runZaloOaCommand(["set-tokens", "--access", pair.access, "--refresh", pair.refresh], env, {
      db: t.database.db,
      out: () => {},
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });
  const topicsOf = async (userId: string) =>
    (
      await t.database.db.person.findFirst({
        where: { channel: "zalo_oa", externalId: userId },
        include: { subscription: true },
      })
    )?.subscription?.topics ?? [];

  it("a follow subscribes to every topic and an unfollow unsubscribes", async () => {
    const u = new OaUser(t.url, fake);
    const event = (name: string) => ({
      event_name: name,
      oa_id: fake.oaId,
      follower: { id: u.userId },
      source: "oa_profile",
      timestamp: String(Date.now()),
    });
    expect((await u.post(event("follow"))).status).toBe(200);
    expect(
      (
        await eventually(async () => ((await topicsOf(u.userId)).length ? topicsOf(u.userId) : undefined))
      ).sort(),
    ).toEqual(["deadlines", "movement", "role_models"]);
    expect((await u.post(event("unfollow"))).status).toBe(200);
    await eventually(async () => (await topicsOf(u.userId)).length === 0);
  });

  it("“nhận tin” and “hủy nhận tin” typed on the OA", async () => {
    const u = new OaUser(t.url, fake);
    expect(textOf(await u.say("nhan tin han nop"))).toMatch(/Đã đăng ký nhận tin: Hạn nộp/);
    expect(await topicsOf(u.userId)).toEqual(["deadlines"]);
    expect(textOf(await u.say("hủy nhận tin"))).toMatch(/Đã hủy nhận tin/);
    expect(await topicsOf(u.userId)).toEqual([]);
  });
});
