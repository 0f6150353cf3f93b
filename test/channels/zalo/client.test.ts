import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ZaloApiError,
  ZaloClient,
  ZaloInvalidResponseError,
  ZaloNetworkError,
} from "../../../src/channels/zalo/client.js";
import { FakeZalo, ZALO_ANSWERS } from "../../support/fake-zalo.js";

describe("the Zalo Bot API client", () => {
  let fake: FakeZalo;
  let client: ZaloClient;
  beforeAll(async () => {
    fake = await new FakeZalo().start();
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.reset();
    client = new ZaloClient({
      token: "123:abc",
      apiRoot: fake.url,
      retries: 3,
      baseDelayMs: 50,
      maxDelayMs: 400,
    });
  });

  it("posts JSON to /bot<token>/<method> and returns the validated result", async () => {
    const sent = await client.sendMessage({ chat_id: "c1", text: "Kính chào quý anh/chị" });
    expect(sent.message_id).toMatch(/^m\d+$/);
    expect(fake.calls).toEqual([
      expect.objectContaining({
        token: "123:abc",
        method: "sendMessage",
        body: { chat_id: "c1", text: "Kính chào quý anh/chị" },
      }),
    ]);
    expect(await client.getMe()).toMatchObject({ account_name: "bot.fake" });
  });

  it("treats ok:false under HTTP 200 as a typed error and does not retry a 400", async () => {
    fake.failNext("sendMessage", ZALO_ANSWERS.okFalseWith200);
    const err = await client.sendMessage({ chat_id: "c1", text: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZaloApiError);
    expect(err).toMatchObject({ errorCode: 400, description: "Bad Request", method: "sendMessage" });
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
  });

  it("follows the docs' error table: never retries 400, 401 or 404; retries 403 (internal server error), 408 and 429", async () => {
    for (const [answer, retried] of [
      [ZALO_ANSWERS.badRequest, false],
      [{ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } }, false],
      [{ status: 404, body: { ok: false, error_code: 404, description: "Not found" } }, false],
      [ZALO_ANSWERS.internalError403, true],
      [ZALO_ANSWERS.timeout408, true],
      [ZALO_ANSWERS.tooManyRequests, true],
    ] as const) {
      fake.reset();
      fake.failNext("sendMessage", answer);
      const result = await client.sendMessage({ chat_id: "c1", text: "x" }).then(
        () => "sent",
        (e: { errorCode?: number }) => e.errorCode,
      );
      expect(result, String(answer.body.error_code)).toBe(retried ? "sent" : answer.body.error_code);
      expect(fake.callsOf("sendMessage"), String(answer.body.error_code)).toHaveLength(retried ? 2 : 1);
    }
  });

  it("retries a 429 with growing, jittered waits, then succeeds", async () => {
    fake.failNext("sendMessage", ZALO_ANSWERS.tooManyRequests, 2);
    const started = Date.now();
    await expect(client.sendMessage({ chat_id: "c1", text: "x" })).resolves.toMatchObject({
      message_id: expect.any(String),
    });
    const calls = fake.callsOf("sendMessage");
    expect(calls).toHaveLength(3);
    // base 50 ms, then 100 ms, each ±25 %
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(35);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(70);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("retries a 500 and gives up after the bounded number of attempts with the last error", async () => {
    fake.failNext("sendMessage", ZALO_ANSWERS.serverError, 4);
    await expect(client.sendMessage({ chat_id: "c1", text: "x" })).rejects.toMatchObject({
      name: "ZaloApiError",
      errorCode: 500,
    });
    expect(fake.callsOf("sendMessage")).toHaveLength(4);
    fake.calls.length = 0;
    fake.failNext("sendMessage", ZALO_ANSWERS.serverError, 1);
    await expect(
      new ZaloClient({ token: "123:abc", apiRoot: fake.url, retries: 0 }).sendMessage({
        chat_id: "c1",
        text: "x",
      }),
    ).rejects.toBeInstanceOf(ZaloApiError);
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
  });

  it("surfaces a response that is not the documented shape as ZaloInvalidResponseError, without retrying", async () => {
    fake.failNext("sendMessage", ZALO_ANSWERS.wrongResult);
    await expect(client.sendMessage({ chat_id: "c1", text: "x" })).rejects.toBeInstanceOf(
      ZaloInvalidResponseError,
    );
    fake.failNext("getMe", ZALO_ANSWERS.notAnEnvelope);
    await expect(client.getMe()).rejects.toBeInstanceOf(ZaloInvalidResponseError);
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
  });

  it("reports an unreachable server as ZaloNetworkError without leaking the token", async () => {
    const dead = new ZaloClient({
      token: "123:topsecret",
      apiRoot: "http://127.0.0.1:1",
      retries: 1,
      baseDelayMs: 10,
    });
    const err = (await dead.getMe().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ZaloNetworkError);
    expect(err.message).not.toContain("topsecret");
    expect(JSON.stringify(err)).not.toContain("topsecret");
  });

  it("reads one update from getUpdates and an idle poll (408) as null", async () => {
    fake.idlePollMs = 50;
    expect(await client.getUpdates({ timeout: 1 })).toBeNull();
    fake.pushUpdate({
      event_name: "message.text.received",
      message: {
        message_id: "u1",
        date: 1,
        chat: { id: "c9" },
        from: { id: "c9", display_name: "A" },
        text: "hi",
      },
    });
    expect(await client.getUpdates({ timeout: 1 })).toMatchObject({
      event_name: "message.text.received",
      message: { message_id: "u1" },
    });
  });

  it("sets, shows and deletes the webhook", async () => {
    await expect(
      client.setWebhook({ url: "https://bot.example.vn/webhooks/zalo", secret_token: "zalo-secret-1" }),
    ).resolves.toMatchObject({ url: "https://bot.example.vn/webhooks/zalo" });
    expect(fake.callsOf("setWebhook")[0]!.body).toEqual({
      url: "https://bot.example.vn/webhooks/zalo",
      secret_token: "zalo-secret-1",
    });
    await expect(client.getWebhookInfo()).resolves.toHaveProperty("url");
    await expect(client.deleteWebhook()).resolves.toMatchObject({ url: "" });
    await expect(client.sendChatAction({ chat_id: "c1", action: "typing" })).resolves.toBeUndefined();
  });
});
