/**
 * The web chat's HTTP side: the transcript keeps both sides, reads are long-polled (no 0.7 s
 * polling), and evidence uploads get the same size and magic-byte checks as Telegram and Zalo —
 * behind the same chat cookie and limits as messages.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, WebchatUser, type TestSystem } from "../../support/system.js";
import { jpegBytes } from "../../support/fake-zalo.js";

const MAX = 64 * 1024;
const cid = () => randomBytes(8).toString("hex");

describe("the web chat API", () => {
  let t: TestSystem;
  beforeAll(async () => {
    // Limits high enough for a file of quick requests from one address (the limits have their own test below).
    t = await startTestSystem({ EVIDENCE_MAX_BYTES: String(MAX), WEBCHAT_PER_IP_PER_MINUTE: "6000" });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const read = async (chat: WebchatUser, since = 0, wait = 0) => {
    const res = await chat.request(`/chat/api/messages?since=${since}&wait=${wait}`);
    return (
      (await res.json()) as {
        messages: Array<{
          seq: number;
          from: string;
          text: string;
          choice?: unknown;
          file?: { mime: string; size: number; name?: string };
        }>;
      }
    ).messages;
  };
  const say = (chat: WebchatUser, body: Record<string, unknown>) =>
    chat.request("/chat/api/messages", { method: "POST", body: { clientMessageId: cid(), ...body } });
  const upload = (chat: WebchatUser, bytes: Buffer, name: string, clientMessageId = cid()) =>
    chat.upload(bytes, name, clientMessageId);

  it("keeps both sides of the conversation, the person's choices included", async () => {
    const chatId = new WebchatUser(t.url);
    await say(chatId, { text: "/start" });
    await expect.poll(async () => (await read(chatId)).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const menu = (await read(chatId)).find(
      (m) => m.from === "bot" && (m as { choices?: unknown[] }).choices,
    )! as unknown as { choiceToken: string; choices: Array<{ id: string; label: string }> };
    await say(chatId, {
      choice: { token: menu.choiceToken, id: menu.choices[0]!.id },
      label: menu.choices[0]!.label,
    });
    await say(chatId, { text: "chỉ tiêu cấp xã" });
    await expect
      .poll(async () => (await read(chatId)).filter((m) => m.from === "user").length, { timeout: 10_000 })
      .toBe(2);
    const mine = (await read(chatId)).filter((m) => m.from === "user");
    // The page's own "/start" is not something the person wrote.
    expect(mine.map((m) => m.text)).toEqual([menu.choices[0]!.label, "chỉ tiêu cấp xã"]);
    expect(mine[0]!.choice).toEqual({ token: menu.choiceToken, id: menu.choices[0]!.id });
  });

  it("holds a read open until something arrives (long polling), and returns empty after the wait", async () => {
    const chatId = new WebchatUser(t.url);
    const started = Date.now();
    const waiting = read(chatId, 0, 10);
    await new Promise((r) => setTimeout(r, 600));
    await say(chatId, { text: "xin chào" });
    const got = await waiting;
    const took = Date.now() - started;
    expect(got.length).toBeGreaterThan(0);
    expect(took).toBeGreaterThanOrEqual(500);
    expect(took).toBeLessThan(8_000);
    const last = got.at(-1)!.seq;
    const idleStart = Date.now();
    expect(await read(chatId, last + 1_000, 1)).toEqual([]);
    expect(Date.now() - idleStart).toBeGreaterThanOrEqual(900);
  });

  it("accepts an image or a PDF by its bytes, refuses other types (415) and files above EVIDENCE_MAX_BYTES (413)", async () => {
    const chatId = new WebchatUser(t.url);
    expect((await upload(chatId, jpegBytes(2_000), "giay-khen.jpg")).status).toBe(202);
    expect(
      (await upload(chatId, Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), "bien-ban.pdf")).status,
    ).toBe(202);
    // A web page renamed to .jpg is not an image; a ZIP is not accepted on the web chat.
    expect(
      (await upload(chatId, Buffer.from("<html><script>alert(1)</script></html>"), "anh.jpg")).status,
    ).toBe(415);
    expect((await upload(chatId, Buffer.from("PK\u0003\u0004xxxxxxxx"), "ho-so.docx")).status).toBe(415);
    const big = await upload(chatId, jpegBytes(MAX + 1), "lon.jpg");
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: "too_large", maxBytes: MAX });
    expect((await upload(chatId, Buffer.alloc(0), "rong.jpg")).status).toBe(400);
    await expect
      .poll(async () => (await read(chatId)).filter((m) => m.file).map((m) => [m.file!.name, m.file!.mime]), {
        timeout: 10_000,
      })
      .toEqual([
        ["giay-khen.jpg", "image/jpeg"],
        ["bien-ban.pdf", "application/pdf"],
      ]);
  });

  it("takes a retried upload (same clientMessageId) once", async () => {
    const chatId = new WebchatUser(t.url);
    const id = cid();
    expect(await (await upload(chatId, jpegBytes(1_000), "a.jpg", id)).json()).toMatchObject({
      status: "queued",
    });
    expect(await (await upload(chatId, jpegBytes(1_000), "a.jpg", id)).json()).toMatchObject({
      status: "duplicate",
    });
    await expect
      .poll(async () => (await read(chatId)).filter((m) => m.file).length, { timeout: 10_000 })
      .toBe(1);
  });
});

describe("web chat uploads behind the guard", () => {
  let t: TestSystem;
  beforeAll(async () => {
    // 12 a minute: a burst of 5 requests, then one every 5 s.
    t = await startTestSystem({ EVIDENCE_MAX_BYTES: String(MAX), WEBCHAT_PER_IP_PER_MINUTE: "12" });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("refuses an upload without the chat's cookie (401) and a forged one, before reading the file", async () => {
    const bare = await fetch(`${t.url}/chat/api/upload?clientMessageId=${cid()}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: new Uint8Array(jpegBytes(1_000)),
    });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ error: "no_chat", message: expect.any(String) });
    const forged = await fetch(`${t.url}/chat/api/upload?clientMessageId=${cid()}`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        cookie: "cds_chat=00000000-0000-4000-8000-000000000000.forged",
      },
      body: new Uint8Array(jpegBytes(1_000)),
    });
    expect(forged.status).toBe(401);
  });

  it("counts uploads against the per-address message limit (429 with a polite message)", async () => {
    const chat = new WebchatUser(t.url);
    const statuses: number[] = [];
    let refusal: { error?: string; message?: string } = {};
    for (let i = 0; i < 10 && !statuses.includes(429); i++) {
      const res = await chat.upload(jpegBytes(1_000), `anh-${i}.jpg`);
      statuses.push(res.status);
      if (res.status === 429) refusal = (await res.json()) as typeof refusal;
    }
    expect(statuses[0]).toBe(202);
    expect(statuses).toContain(429);
    expect(refusal).toMatchObject({ error: "rate_limited", message: expect.stringMatching(/\S/) });
  });
});
