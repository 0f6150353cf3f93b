/**
 * `POST /webhooks/zalo-oa` through the real system: the signature (every candidate accepted, a bad
 * one refused with nothing enqueued), deduplication on msg_id, the events that are answered, the
 * ones acknowledged silently, anonymous visitors (questions only, no person stored), and the
 * follow hook for subscriptions.
 */
import { createHash, randomBytes } from "node:crypto";
import express from "express";
import type { AddressInfo } from "node:net";
import { once } from "node:events";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { runZaloOaCommand } from "../../../src/cli/zalo-oa.js";
import { createLogger } from "../../../src/logging/logger.js";
import { createOaWebhook, type FollowEvent } from "../../../src/channels/zalo-oa/webhook.js";
import { macCandidates } from "../../../src/channels/zalo-oa/signature.js";
import type { InboundMessage } from "../../../src/channels/types.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { FakeZaloOa, oaMsgId, OaUser, textOf } from "../../support/fake-zalo-oa.js";
import { FakeZalo, ZaloUser } from "../../support/fake-zalo.js";

describe("the Zalo OA webhook", () => {
  let fake: FakeZaloOa;
  let botFake: FakeZalo;
  let t: TestSystem;
  beforeAll(async () => {
    fake = await new FakeZaloOa().start();
    botFake = await new FakeZalo().start();
    const env = fake.env();
    // The Bot Platform channel runs in the same system: both Zalo products at once.
    t = await startTestSystem({
      ...env,
      ZALO_BOT_TOKEN: "123:abc",
      ZALO_WEBHOOK_SECRET: "zalo-secret-both",
      ZALO_API_ROOT: botFake.url,
    });
    const pair = fake.issuePair();
    await runZaloOaCommand(["set-tokens", "--access", pair.access, "--refresh", pair.refresh], env, {
      db: t.database.db,
      out: () => {},
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
    await botFake?.stop();
  });

  it("runs beside the Zalo Bot Platform: each answers on its own channel", async () => {
    const oaUser = new OaUser(t.url, fake);
    const botUser = new ZaloUser(t.url, botFake, "zalo-secret-both");
    const [oa, bot] = await Promise.all([oaUser.say("xin chào"), botUser.say("xin chào")]);
    expect(textOf(oa)).toContain("trợ lý tự động");
    expect(bot.join("\n")).toContain("trợ lý tự động");
    expect(bot.join("\n")).toMatch(/^1\. /m); // numbered list on the Bot Platform, buttons on the OA
    expect(oa.at(-1)!.buttons?.length).toBe(5);
  });

  const inboundJobs = async () =>
    (await Promise.all(t.system.inbound.queue.queues.map((q) => q.getJobCounts()))).reduce(
      (n, c) => n + Object.values(c).reduce((a, b) => a + b, 0),
      0,
    );

  it("refuses a bad, missing, tampered or wrongly keyed signature with 401, and enqueues nothing", async () => {
    const u = new OaUser(t.url, fake);
    const before = await inboundJobs();
    const event = u.textEvent("xin chào");
    const timestamp = String(Date.now());
    const raw = JSON.stringify({ app_id: fake.appId, timestamp, ...event });
    const tampered = raw.replace("xin chào", "xin chao");
    const post = (body: string, signature?: string) =>
      fetch(`${t.url}/webhooks/zalo-oa`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(signature ? { "x-zevent-signature": signature } : {}),
        },
        body,
      });
    const statuses = [
      (await post(raw)).status,
      (await post(raw, "mac=")).status,
      (await post(raw, `mac=${"0".repeat(64)}`)).status,
      (await post(tampered, fake.sign(raw, timestamp))).status, // signed a different body
      (await post(raw, fake.sign(raw, String(Number(timestamp) + 1)))).status, // another timestamp
      (await post(raw, fake.sign(raw, timestamp, { key: "not-the-key" }))).status,
      (await post("not json", fake.sign("not json", timestamp))).status,
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await inboundJobs()).toBe(before);
    expect(fake.sentTo(u.userId)).toEqual([]);
  });

  it("accepts every configured candidate (OA secret key or app secret; app_id or oa_id first) and answers 200 well within 2 s", async () => {
    for (const key of [fake.secretKey, fake.appSecret]) {
      for (const first of ["app_id", "oa_id"] as const) {
        const u = new OaUser(t.url, fake);
        const started = performance.now();
        const res = await u.post(u.textEvent("xin chào"), { key, first });
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(res.status, `${first}+${key === fake.secretKey ? "secret key" : "app secret"}`).toBe(200);
        expect(textOf(await u.collect())).toContain("trợ lý tự động");
      }
    }
  });

  it("answers a message Zalo delivers twice (same msg_id, a string beyond 2^53) once", async () => {
    const u = new OaUser(t.url, fake);
    const msgId = "96d3cdf3af150460909123456789012345";
    const event = u.textEvent("xin chào", msgId);
    expect((await u.post(event)).status).toBe(200);
    expect((await u.post(event)).status).toBe(200);
    await u.collect(800);
    const replies = fake.sentTo(u.userId).filter((m) => m.text?.includes("trợ lý tự động"));
    expect(replies).toHaveLength(1);
    const person = await t.database.db.person.findUniqueOrThrow({
      where: { channel_externalId: { channel: "zalo_oa", externalId: u.userId } },
    });
    expect(person.chatId).toBe(u.userId); // all digits kept
  });

  it("answers stickers, audio, video, locations and Zalo form replies politely, without keeping the form's data", async () => {
    for (const [event_name, attachment] of [
      [
        "user_send_sticker",
        { type: "sticker", payload: { id: "s1", url: "https://zalo-api.zadn.vn/sticker" } },
      ],
      ["user_send_audio", { type: "audio", payload: { url: "https://example.invalid/a.aac" } }],
      ["user_send_video", { type: "video", payload: { url: "https://example.invalid/v.mp4" } }],
      [
        "user_send_location",
        { type: "location", payload: { coordinates: { latitude: "21.8", longitude: "105.2" } } },
      ],
    ] as const) {
      const u = new OaUser(t.url, fake);
      expect(
        (
          await u.post({
            event_name,
            sender: { id: u.userId },
            recipient: { id: fake.oaId },
            message: { msg_id: oaMsgId(), attachments: [attachment] },
          })
        ).status,
      ).toBe(200);
      expect(textOf(await u.collect()), event_name).toContain("gõ chữ");
    }
    const u = new OaUser(t.url, fake);
    expect(
      (
        await u.post({
          event_name: "user_submit_info",
          sender: { id: u.userId },
          recipient: { id: fake.oaId },
          info: { name: "Nguyễn Văn Form", phone: "0987654321", address: "Tuyên Quang" },
        })
      ).status,
    ).toBe(200);
    expect(textOf(await u.collect())).toContain("gõ chữ");
    const stored = JSON.stringify(await t.database.db.person.findMany({ where: { externalId: u.userId } }));
    expect(stored).not.toContain("0987654321");
    expect(stored).not.toContain("Nguyễn Văn Form");
  });

  it("takes a shared link as typed text", async () => {
    const u = new OaUser(t.url, fake);
    await u.say("xin chào");
    await u.post({
      event_name: "user_send_link",
      sender: { id: u.userId },
      recipient: { id: fake.oaId },
      message: { msg_id: oaMsgId(), attachments: [{ type: "link", payload: { url: "chỉ tiêu cấp xã" } }] },
    });
    expect(textOf(await u.collect())).toMatch(/xã|Kế hoạch/);
  });

  it("greets a new follower (the automated-assistant notice and the menu) once, however often Zalo delivers the follow", async () => {
    const u = new OaUser(t.url, fake);
    const follow = {
      event_name: "follow",
      oa_id: fake.oaId,
      follower: { id: u.userId },
      source: "oa_profile",
      timestamp: String(Date.now()),
    };
    expect((await u.post(follow)).status).toBe(200);
    expect((await u.post(follow)).status).toBe(200);
    const greeting = await u.collect(800);
    expect(greeting.filter((m) => m.text?.includes("trợ lý tự động"))).toHaveLength(1);
    expect(greeting.at(-1)!.buttons?.length).toBe(5);
  });

  it("acknowledges unknown events, echoes and delivery receipts with 200 and sends nothing", async () => {
    const u = new OaUser(t.url, fake);
    for (const event_name of [
      "user_click_something_new",
      "oa_send_text",
      "user_seen_message",
      "user_received_message",
      "add_user_to_tag",
    ]) {
      expect(
        (
          await u.post({
            event_name,
            sender: { id: u.userId },
            recipient: { id: fake.oaId },
            message: { msg_id: oaMsgId(), text: "x" },
          })
        ).status,
        event_name,
      ).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.sentTo(u.userId)).toEqual([]);
  });

  it("gives anonymous visitors answers only: no flow starts, no person is stored, replies go to the anonymous conversation", async () => {
    const anonymousId = `anon${randomBytes(4).toString("hex")}`;
    const conversationId = `conv${randomBytes(4).toString("hex")}`;
    const u = new OaUser(t.url, fake);
    const ask = async (text: string) => {
      const res = await u.post({
        event_name: "anonymous_send_text",
        sender: { anonymous_id: anonymousId },
        recipient: { id: fake.oaId },
        conversation_id: conversationId,
        message: { msg_id: oaMsgId(), text },
      });
      expect(res.status).toBe(200);
      const chat = `anon:${anonymousId}:${conversationId}`;
      const before = fake.sentTo(chat).length;
      await fake.waitFor(() => fake.sentTo(chat).length > before, 10_000, "an anonymous reply");
      await new Promise((r) => setTimeout(r, 300));
      return fake
        .sentTo(chat)
        .slice(before)
        .map((s) => s.text)
        .join("\n");
    };
    const answer = await ask("chỉ tiêu cấp xã về dịch vụ công trực tuyến");
    expect(answer).toContain("Kế hoạch 154");
    expect(answer).toContain("Quan tâm");
    const nominate = await ask("đề cử");
    expect(nominate).not.toContain("Nghị định 13/2023"); // the nomination consent never appears
    expect(nominate).toContain("Quan tâm");
    expect(await t.database.db.person.count({ where: { chatId: { startsWith: "anon:" } } })).toBe(0);
  });
});

describe("follow and unfollow", () => {
  it("reach the subscriptions hook once per delivery (Zalo retries are absorbed), count as an interaction, and a follow is greeted", async () => {
    const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
    const prefix = `oaf${randomBytes(4).toString("hex")}`;
    const follows: FollowEvent[] = [];
    const accepted: InboundMessage[] = [];
    const interactions: Array<[string, number]> = [];
    const candidates = macCandidates({ secretKey: "k-secret" });
    const app = express().use(
      "/webhooks/zalo-oa",
      createOaWebhook({
        appId: "app1",
        candidates,
        inbound: { accept: async (m) => (accepted.push(m), "queued") },
        recordInteraction: async (userId, at) => void interactions.push([userId, at]),
        onFollow: async (e) => void follows.push(e),
        firstTime: async (key) => (await redis.set(`${prefix}:${key}`, "1", "EX", 60, "NX")) === "OK",
        logger: createLogger({ level: "silent" }),
      }),
    );
    const server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/zalo-oa`;
    try {
      const post = async (body: Record<string, unknown>) => {
        const raw = JSON.stringify({ app_id: "app1", ...body });
        const mac = createHash("sha256")
          .update(`app1${raw}${String(body.timestamp)}k-secret`)
          .digest("hex");
        return fetch(url, { method: "POST", headers: { "x-zevent-signature": `mac=${mac}` }, body: raw });
      };
      const follow = {
        event_name: "follow",
        oa_id: "oa1",
        follower: { id: "9007199254740993123" },
        source: "oa_profile",
        timestamp: "1700000000000",
      };
      expect((await post(follow)).status).toBe(200);
      expect((await post(follow)).status).toBe(200); // Zalo's retry
      expect((await post({ ...follow, event_name: "unfollow", timestamp: "1700000100000" })).status).toBe(
        200,
      );
      expect(follows).toEqual([
        { userId: "9007199254740993123", followed: true, at: 1700000000000, source: "oa_profile" },
        { userId: "9007199254740993123", followed: false, at: 1700000100000, source: "oa_profile" },
      ]);
      expect(interactions[0]).toEqual(["9007199254740993123", 1700000000000]);
      // The new follower is greeted once (the menu with the automated-assistant notice); an unfollow sends nothing.
      expect(accepted).toEqual([
        {
          channel: "zalo_oa",
          chatId: "9007199254740993123",
          userId: "9007199254740993123",
          messageId: "follow:9007199254740993123:1700000000000",
          at: 1700000000000,
          text: "/start",
        },
      ]);
    } finally {
      server.close();
      redis.disconnect();
    }
  });
});
