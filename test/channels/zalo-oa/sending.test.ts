/**
 * The OA sender against the fake OA server: every code of Zalo's error table maps to the right
 * outcome (retry, back off, refresh, re-auth, unreachable, permanent), replies render as at most
 * five buttons whose payloads come back as choices, long text splits at 2,000 characters, images
 * go out as media templates after upload, evidence downloads keep the size and type rules, and
 * the reply windows are checked before a late message.
 */
import { createHmac, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createLogger } from "../../../src/logging/logger.js";
import { loadLocales } from "../../../src/i18n/locales.js";
import {
  MediaRejectedError,
  PermanentSendError,
  RecipientUnreachableError,
  RetryAfterError,
  type Choice,
} from "../../../src/channels/types.js";
import { createOaAdapter, OA_BACKOFF_MS } from "../../../src/channels/zalo-oa/adapter.js";
import { OaClient } from "../../../src/channels/zalo-oa/client.js";
import { OA_ERROR_TABLE, OaApiError, type OaErrorHandling } from "../../../src/channels/zalo-oa/errors.js";
import { fetchOaEvidence, plainDownload } from "../../../src/channels/zalo-oa/evidence.js";
import { oaEventToInbound } from "../../../src/channels/zalo-oa/event.js";
import { decodeChoicePayload } from "../../../src/channels/zalo-oa/choice-payload.js";
import { OA_MAX_BUTTONS, renderOaReply } from "../../../src/channels/zalo-oa/rendering.js";
import { computeMac, macCandidates, verifySignature } from "../../../src/channels/zalo-oa/signature.js";
import { OaWindows } from "../../../src/channels/zalo-oa/windows.js";
import { FakeZaloOa } from "../../support/fake-zalo-oa.js";

const i18n = loadLocales(fileURLToPath(new URL("../../../locales", import.meta.url)));
const logger = createLogger({ level: "silent" });
const words = { chooseByNumber: "Vui lòng trả lời bằng số:", moreByNumber: "Hoặc gõ số thứ tự:" };
const DAY = 24 * 3_600_000;

describe("rendering", () => {
  it("for every number of choices: at most five buttons, the rest numbered, and every button's payload reads back as its choice", () => {
    for (let n = 0; n <= 12; n++) {
      const choices: Choice[] = Array.from({ length: n }, (_, i) => ({
        id: `c${i}`,
        label: `Lựa chọn số ${i + 1}`,
      }));
      const messages = renderOaReply({ text: "Quý anh/chị chọn một mục", choices, choiceToken: "q7" }, words);
      const buttons = messages.flatMap((m) =>
        m.attachment && "buttons" in m.attachment.payload ? m.attachment.payload.buttons : [],
      );
      expect(buttons).toHaveLength(Math.min(n, OA_MAX_BUTTONS));
      buttons.forEach((b, i) => {
        expect(b.type).toBe("oa.query.hide");
        const decoded = decodeChoicePayload(String(b.payload));
        expect(decoded).toEqual({ token: "q7", id: `c${i}` });
        // Through the webhook's parser too: the press arrives as a choice, not as text.
        const inbound = oaEventToInbound({
          event_name: "user_send_text",
          sender: { id: "1" },
          message: { msg_id: "m", text: b.payload },
          timestamp: "1",
        });
        expect(inbound).toMatchObject({ kind: "message", message: { choice: { token: "q7", id: `c${i}` } } });
      });
      const text = messages.map((m) => m.text).join("\n");
      for (let k = OA_MAX_BUTTONS + 1; k <= n; k++) expect(text).toContain(`${k}. Lựa chọn số ${k}`);
      if (n > OA_MAX_BUTTONS) expect(buttons[0]!.title).toBe("1. Lựa chọn số 1");
    }
  });

  it("splits long text at 2,000 characters with the buttons on the last part, and cuts button titles at 100", () => {
    const long = Array.from({ length: 60 }, (_, i) => `Đoạn ${i}: ${"chuyển đổi số ".repeat(8)}`).join(
      "\n\n",
    );
    const messages = renderOaReply(
      { text: long, choices: [{ id: "a", label: "x".repeat(150) }], choiceToken: "t" },
      words,
    );
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.text!.length).toBeLessThanOrEqual(2_000);
    expect(messages.slice(0, -1).every((m) => !m.attachment)).toBe(true);
    const last = messages.at(-1)!.attachment!;
    expect("buttons" in last.payload && last.payload.buttons[0]!.title.length).toBe(100);
  });

  it("anonymous chats and token-less choices get the numbered list instead of buttons", () => {
    const messages = renderOaReply(
      {
        text: "Chọn:",
        choices: [
          { id: "a", label: "Một" },
          { id: "b", label: "Hai" },
        ],
        choiceToken: "t",
      },
      words,
      { buttons: false },
    );
    expect(messages).toEqual([{ text: "Chọn:\n1. Một\n2. Hai" }]);
  });
});

describe("signature and events", () => {
  it("verifies exactly the documented MAC and names the candidate that matched", () => {
    const raw = Buffer.from(
      '{"app_id":"a1","event_name":"user_send_text","timestamp":"1700000000000","recipient":{"id":"oa9"}}',
    );
    const body = JSON.parse(raw.toString()) as Record<string, unknown>;
    const candidates = macCandidates({ secretKey: "sk", appSecret: "as" });
    expect(candidates.map((c) => c.name)).toEqual([
      "app_id+ZALO_OA_SECRET_KEY",
      "oa_id+ZALO_OA_SECRET_KEY",
      "app_id+ZALO_OA_APP_SECRET",
      "oa_id+ZALO_OA_APP_SECRET",
    ]);
    expect(
      verifySignature(`mac=${computeMac("a1", raw, "1700000000000", "sk")}`, raw, body, candidates)?.name,
    ).toBe("app_id+ZALO_OA_SECRET_KEY");
    expect(
      verifySignature(`mac=${computeMac("oa9", raw, "1700000000000", "as")}`, raw, body, candidates)?.name,
    ).toBe("oa_id+ZALO_OA_APP_SECRET");
    // Upper-case hex and no "mac=" prefix are tolerated; HMAC is not what Zalo sends.
    expect(
      verifySignature(computeMac("a1", raw, "1700000000000", "sk").toUpperCase(), raw, body, candidates),
    ).toBeDefined();
    expect(
      verifySignature(
        `mac=${createHmac("sha256", "sk").update(`a1${raw.toString()}1700000000000`).digest("hex")}`,
        raw,
        body,
        candidates,
      ),
    ).toBeUndefined();
    expect(macCandidates({ secretKey: "same", appSecret: "same" })).toHaveLength(2);
  });

  it("keeps ids as strings, reads attachments into evidence, and tells events apart", () => {
    const big = "7788990011223344556677";
    expect(
      oaEventToInbound({
        event_name: "user_send_image",
        sender: { id: big },
        message: {
          msg_id: "x1",
          attachments: [{ type: "image", payload: { url: "https://cdn/x.jpg", size: "2048" } }],
        },
        timestamp: "1700000000000",
      }),
    ).toEqual({
      kind: "message",
      event: "user_send_image",
      message: {
        channel: "zalo_oa",
        chatId: big,
        userId: big,
        messageId: "x1",
        at: 1700000000000,
        media: { kind: "photo", url: "https://cdn/x.jpg", size: 2048 },
      },
    });
    expect(
      oaEventToInbound({
        event_name: "user_send_file",
        sender: { id: "1" },
        message: {
          msg_id: "x2",
          attachments: [{ type: "file", payload: { url: "https://cdn/r.pdf", name: "bao-cao.pdf" } }],
        },
      }),
    ).toMatchObject({ message: { media: { kind: "document", fileName: "bao-cao.pdf" } } });
    expect(
      oaEventToInbound({
        event_name: "user_send_image",
        sender: { id: "1" },
        message: { msg_id: "x3", attachments: [] },
      }),
    ).toMatchObject({ kind: "invalid" });
    expect(oaEventToInbound({ event_name: "something_new" })).toEqual({
      kind: "ignored",
      event: "something_new",
      reason: "unknown_event",
    });
    expect(oaEventToInbound({ nope: true })).toMatchObject({ kind: "invalid" });
  });
});

describe("the OA sender", () => {
  let fake: FakeZaloOa;
  let redis: Redis;
  let prefix: string;
  let client: OaClient;
  let refreshed = 0;
  const make = (windows: Pick<OaWindows, "check"> = { check: async () => "free" }) =>
    createOaAdapter({
      client,
      windows,
      download: plainDownload,
      i18n,
      langOf: async () => "vi",
      redis,
      prefix,
      logger,
    });

  beforeAll(async () => {
    fake = await new FakeZaloOa().start();
    redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
    const token = fake.issuePair().access;
    client = new OaClient({
      apiRoot: fake.url,
      tokens: {
        accessToken: async () => token,
        afterRejection: async () => {
          refreshed++;
          return token;
        },
      },
    });
  });
  afterAll(async () => {
    redis?.disconnect();
    await fake?.stop();
  });
  beforeEach(() => {
    prefix = `oas${randomBytes(4).toString("hex")}`;
    refreshed = 0;
  });

  it("maps every code of Zalo's error table to what the outbound worker should do", async () => {
    const expected: Record<OaErrorHandling, (err: unknown) => boolean> = {
      retry: (e) => e instanceof OaApiError,
      backoff: (e) => e instanceof RetryAfterError && e.retryAfterMs === OA_BACKOFF_MS,
      refresh: (e) => e instanceof OaApiError && refreshed === 1,
      reauth: (e) => e instanceof OaApiError && e.handling === "reauth",
      unreachable: (e) => e instanceof RecipientUnreachableError,
      night: (e) => e instanceof PermanentSendError,
      permanent: (e) => e instanceof PermanentSendError,
    };
    const adapter = make();
    const userId = "44001";
    fake.lastInteraction.set(userId, Date.now());
    for (const [code, { handling }] of Object.entries(OA_ERROR_TABLE)) {
      refreshed = 0;
      // A refresh code is retried once by the client after refreshing: both attempts refused.
      fake.failNext(
        "/v3.0/oa/message/cs",
        { error: Number(code), message: "scripted" },
        handling === "refresh" ? 2 : 1,
      );
      const err = await adapter.send(userId, { text: "Kính chào" }, { key: `k${code}`, index: 0 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(expected[handling](err), `code ${code} (${handling}) gave ${String(err)}`).toBe(true);
    }
    // An error envelope over HTTP 200 is an error; an HTTP 5xx is a network-class failure (retried).
    fake.failNext("/v3.0/oa/message/cs", { error: -1, message: "server busy", httpStatus: 502 });
    await expect(adapter.send(userId, { text: "x" }, { key: "k5xx", index: 0 })).rejects.toMatchObject({
      name: "OaNetworkError",
    });
  });

  it("a reply split in parts resumes after a failure without sending a part twice", async () => {
    const adapter = make();
    const userId = "44002";
    fake.lastInteraction.set(userId, Date.now());
    const long = Array.from({ length: 40 }, (_, i) => `Đoạn ${i}: ${"chuyển đổi số ".repeat(8)}`).join(
      "\n\n",
    );
    const parts = renderOaReply({ text: long }, words).length;
    expect(parts).toBeGreaterThan(1);
    // The second part hits Zalo's call limit (-32): the worker is told to wait, then retries.
    const before = fake.sentTo(userId).length;
    fake.failNext("/v3.0/oa/message/cs", { error: -32, message: "reached limit call api" }, 1, 1);
    await expect(adapter.send(userId, { text: long }, { key: "split", index: 0 })).rejects.toBeInstanceOf(
      RetryAfterError,
    );
    expect(fake.sentTo(userId).length - before).toBe(1);
    await adapter.send(userId, { text: long }, { key: "split", index: 0 });
    const texts = fake
      .sentTo(userId)
      .slice(before)
      .map((s) => s.text);
    expect(texts).toHaveLength(parts);
    expect(new Set(texts).size).toBe(parts); // no part twice
    await adapter.send(userId, { text: long }, { key: "split", index: 0 }); // a job re-run after success: nothing again
    expect(fake.sentTo(userId).length - before).toBe(parts);
  });

  it("sends an image as a media template after uploading it", async () => {
    const adapter = make();
    const userId = "44003";
    fake.lastInteraction.set(userId, Date.now());
    await adapter.send(
      userId,
      { text: "Biểu đồ tiến độ", media: { url: `${fake.url}/media/photo.jpg`, caption: "Tiến độ tháng 11" } },
      { key: "img", index: 0 },
    );
    expect(fake.callsTo("/v2.0/oa/upload/image").at(-1)!.error).toBe(0);
    const sent = fake.sentTo(userId);
    expect(sent[0]!.attachment).toMatchObject({
      type: "template",
      payload: {
        template_type: "media",
        elements: [{ media_type: "image", attachment_id: expect.stringMatching(/^att/) }],
      },
    });
    expect(sent.map((s) => s.text).filter(Boolean)).toEqual(["Tiến độ tháng 11", "Biểu đồ tiến độ"]);
  });

  it("downloads evidence at once with the size and type rules", async () => {
    const photo = await fetchOaEvidence(
      plainDownload,
      { kind: "photo", url: `${fake.url}/media/photo.jpg` },
      1024 * 1024,
    );
    expect(photo.mime).toBe("image/jpeg");
    const pdf = await fetchOaEvidence(
      plainDownload,
      { kind: "document", url: `${fake.url}/media/report.pdf`, fileName: "bao-cao.pdf" },
      1024 * 1024,
    );
    expect(pdf).toMatchObject({ mime: "application/pdf", fileName: "bao-cao.pdf" });
    const reason = (p: Promise<unknown>) =>
      p.then(
        () => "ok",
        (e: unknown) => (e instanceof MediaRejectedError ? e.reason : String(e)),
      );
    expect(
      await reason(
        fetchOaEvidence(plainDownload, { kind: "photo", url: `${fake.url}/media/report.pdf` }, 1024 * 1024),
      ),
    ).toBe("bad_type");
    expect(
      await reason(
        fetchOaEvidence(plainDownload, { kind: "photo", url: `${fake.url}/media/page.html` }, 1024 * 1024),
      ),
    ).toBe("bad_type");
    expect(
      await reason(
        fetchOaEvidence(plainDownload, { kind: "photo", url: `${fake.url}/media/big.jpg` }, 1024 * 1024),
      ),
    ).toBe("too_large");
    expect(
      await reason(
        fetchOaEvidence(
          plainDownload,
          { kind: "photo", url: `${fake.url}/media/photo.jpg`, size: 5 * 1024 * 1024 },
          1024 * 1024,
        ),
      ),
    ).toBe("too_large");
    expect(
      await reason(
        fetchOaEvidence(plainDownload, { kind: "photo", url: `${fake.url}/media/missing.jpg` }, 1024 * 1024),
      ),
    ).toBe("unavailable");
    expect(
      await reason(fetchOaEvidence(plainDownload, { kind: "photo", url: "file:///etc/passwd" }, 1024 * 1024)),
    ).toBe("unavailable");
  });

  it("knows the windows: free within 48 h without asking Zalo, billed to 7 days, closed after — asking the quota API when late", async () => {
    const windows = new OaWindows({ redis, prefix, client });
    const quota = () => fake.callsTo("/v3.0/oa/quota/message").length;
    const at = (userId: string, ageMs: number) => fake.lastInteraction.set(userId, Date.now() - ageMs);
    await windows.recordInteraction("w1", Date.now() - 3_600_000);
    const q0 = quota();
    expect(await windows.check("w1")).toBe("free");
    expect(quota()).toBe(q0);
    at("w2", 3 * DAY);
    expect(await windows.check("w2")).toBe("billed");
    at("w3", 8 * DAY);
    expect(await windows.check("w3")).toBe("closed");
    expect(quota()).toBe(q0 + 2);
    // Our record says 9 days, but the user wrote yesterday (record lost an event): Zalo's answer wins.
    await windows.recordInteraction("w4", Date.now() - 9 * DAY);
    at("w4", DAY);
    expect(await windows.check("w4")).toBe("free");
    // A closed window never reaches the send API.
    const adapter = make(windows);
    at("w5", 10 * DAY);
    const cs = fake.callsTo("/v3.0/oa/message/cs").length;
    await expect(adapter.send("w5", { text: "Kết quả" }, { key: "late", index: 0 })).rejects.toBeInstanceOf(
      RecipientUnreachableError,
    );
    expect(fake.callsTo("/v3.0/oa/message/cs").length).toBe(cs);
  });
});
