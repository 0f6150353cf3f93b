/**
 * The web chat's HTTP side: the transcript keeps both sides, reads are long-polled (no 0.7 s
 * polling), and evidence uploads get the same size and magic-byte checks as Telegram and Zalo.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { jpegBytes } from "../../support/fake-zalo.js";

const MAX = 64 * 1024;
const cid = () => randomBytes(8).toString("hex");

describe("the web chat API", () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ EVIDENCE_MAX_BYTES: String(MAX) });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const read = async (chatId: string, since = 0, wait = 0) => {
    const res = await fetch(`${t.url}/chat/api/messages?chatId=${chatId}&since=${since}&wait=${wait}`);
    return ((await res.json()) as { messages: Array<{ seq: number; from: string; text: string; choice?: unknown; file?: { mime: string; size: number; name?: string } }> }).messages;
  };
  const say = (chatId: string, body: Record<string, unknown>) => fetch(`${t.url}/chat/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatId, clientMessageId: cid(), ...body }) });
  const upload = (chatId: string, bytes: Buffer, name: string, clientMessageId = cid()) =>
    fetch(`${t.url}/chat/api/upload?chatId=${chatId}&clientMessageId=${clientMessageId}&name=${encodeURIComponent(name)}&lang=vi`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: new Uint8Array(bytes) });

  it("keeps both sides of the conversation, the person's choices included", async () => {
    const chatId = randomUUID();
    await say(chatId, { text: "/start" });
    await expect.poll(async () => (await read(chatId)).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const menu = (await read(chatId)).find((m) => m.from === "bot" && (m as { choices?: unknown[] }).choices)! as unknown as { choiceToken: string; choices: Array<{ id: string; label: string }> };
    await say(chatId, { choice: { token: menu.choiceToken, id: menu.choices[0]!.id }, label: menu.choices[0]!.label });
    await say(chatId, { text: "chỉ tiêu cấp xã" });
    await expect.poll(async () => (await read(chatId)).filter((m) => m.from === "user").length, { timeout: 10_000 }).toBe(2);
    const mine = (await read(chatId)).filter((m) => m.from === "user");
    // The page's own "/start" is not something the person wrote.
    expect(mine.map((m) => m.text)).toEqual([menu.choices[0]!.label, "chỉ tiêu cấp xã"]);
    expect(mine[0]!.choice).toEqual({ token: menu.choiceToken, id: menu.choices[0]!.id });
  });

  it("holds a read open until something arrives (long polling), and returns empty after the wait", async () => {
    const chatId = randomUUID();
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
    const chatId = randomUUID();
    expect((await upload(chatId, jpegBytes(2_000), "giay-khen.jpg")).status).toBe(202);
    expect((await upload(chatId, Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), "bien-ban.pdf")).status).toBe(202);
    // A web page renamed to .jpg is not an image; a ZIP is not accepted on the web chat.
    expect((await upload(chatId, Buffer.from("<html><script>alert(1)</script></html>"), "anh.jpg")).status).toBe(415);
    expect((await upload(chatId, Buffer.from("PK\u0003\u0004xxxxxxxx"), "ho-so.docx")).status).toBe(415);
    const big = await upload(chatId, jpegBytes(MAX + 1), "lon.jpg");
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: "too_large", maxBytes: MAX });
    expect((await upload(chatId, Buffer.alloc(0), "rong.jpg")).status).toBe(400);
    await expect.poll(async () => (await read(chatId)).filter((m) => m.file).map((m) => [m.file!.name, m.file!.mime]), { timeout: 10_000 }).toEqual([
      ["giay-khen.jpg", "image/jpeg"],
      ["bien-ban.pdf", "application/pdf"],
    ]);
  });

  it("takes a retried upload (same clientMessageId) once", async () => {
    const chatId = randomUUID();
    const id = cid();
    expect(await (await upload(chatId, jpegBytes(1_000), "a.jpg", id)).json()).toMatchObject({ status: "queued" });
    expect(await (await upload(chatId, jpegBytes(1_000), "a.jpg", id)).json()).toMatchObject({ status: "duplicate" });
    await expect.poll(async () => (await read(chatId)).filter((m) => m.file).length, { timeout: 10_000 }).toBe(1);
  });
});
