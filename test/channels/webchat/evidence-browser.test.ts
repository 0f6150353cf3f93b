/**
 * The web chat as a citizen uses it on a phone, in a real headless Chromium (Debian's, driven by
 * playwright-core): a nomination with a photo uploaded from the page, seen by a reviewer in the
 * admin detail page; a reload that keeps both sides; a message typed offline; and the page's
 * accessibility and layout promises.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../support/browser.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { addReviewer } from "../../../src/review/reviewers.js";
import { createLoginLink } from "../../../src/review/login-links.js";

/** A real, decodable JPEG of noise (~200 KB), drawn by the browser itself. */
async function noiseJpeg(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement("canvas");
    c.width = 480;
    c.height = 360;
    const ctx = c.getContext("2d")!;
    const img = ctx.createImageData(c.width, c.height);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 2654435761) % 251;
    ctx.putImageData(img, 0, 0);
    return c.toDataURL("image/jpeg", 0.95);
  });
  return Buffer.from(dataUrl.split(",")[1]!, "base64");
}

const botTexts = (page: Page) => page.locator(".msg.bot").allTextContents();
async function waitForBot(page: Page, pattern: RegExp, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (src) =>
      [...document.querySelectorAll(".msg.bot")].some((e) => new RegExp(src).test(e.textContent ?? "")),
    pattern.source,
    { timeout },
  );
}
async function type(page: Page, text: string, expectReply: RegExp): Promise<void> {
  await page.fill("#text", text);
  await page.click("#send");
  await waitForBot(page, expectReply);
}

describe("the web chat in a browser, as a product", () => {
  let t: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestSystem({ EVIDENCE_MAX_BYTES: String(2 * 1024 * 1024) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("nominates with a photo uploaded from the page (progress, thumbnail), keeps both sides on reload, and the reviewer sees the photo", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: "vi-VN" });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: t.url });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(t.url);
    await page.locator(".choices button").first().waitFor({ timeout: 15_000 });

    await type(page, "đề cử", /Bước 1\/11/);
    await page
      .locator(".choices button", { hasText: /Đồng ý/ })
      .last()
      .click();
    await waitForBot(page, /Bước 2\/11/);
    await type(page, "8", /Bước 3\/11/);
    await type(page, "Nguyễn Văn Bền", /Bước 4\/11/);
    await type(page, "Thôn Làng Ngòi", /Bước 5\/11/);
    await type(page, "yen son", /Bước 6\/11/);
    await type(
      page,
      "Hướng dẫn hơn 200 hộ dân trong thôn cài đặt VNeID mức 2 và thanh toán không dùng tiền mặt.",
      /Bước 7\/11/,
    );

    // A slow uplink (2G-like), so the progress bar is visible while the photo goes up.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 50,
      downloadThroughput: -1,
      uploadThroughput: 64 * 1024,
    });
    const photo = await noiseJpeg(page);
    expect(photo.length).toBeGreaterThan(100_000);
    await page.setInputFiles("#file", { name: "giay-khen.jpg", mimeType: "image/jpeg", buffer: photo });
    await page.locator(".msg.me progress").waitFor({ state: "attached", timeout: 5_000 });
    await expect(page.locator(".msg.me .file img").last().getAttribute("alt")).resolves.toBe("giay-khen.jpg");
    await waitForBot(page, /minh chứng 1\/5/, 30_000);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    expect(await page.locator(".msg.me progress").count()).toBe(0);

    await type(page, "xong", /Bước 8\/11/);
    await type(page, "Trần Thị Bình", /Bước 9\/11/);
    await type(page, "0912 345 678", /Bước 10\/11/);
    await type(page, "người dân cùng địa bàn", /xác nhận/i);
    await page
      .locator(".choices button", { hasText: /Xác nhận gửi/ })
      .last()
      .click();
    await waitForBot(page, /DC-\d{4}-\d{6}/);
    const code = (await botTexts(page)).join("\n").match(/DC-\d{4}-\d{6}/)![0];

    // The reference code has a copy button, and copying is announced.
    await page.locator(".copy", { hasText: code }).click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(code);
    await expect.poll(() => page.locator("#status").textContent()).toContain(code);

    // Reload: both sides are there, the photo's thumbnail too, and only the latest question's buttons can be pressed.
    const before = { bot: await page.locator(".msg.bot").count(), me: await page.locator(".msg.me").count() };
    await page.reload();
    await page.waitForFunction((n) => document.querySelectorAll(".msg.bot").length >= n, before.bot, {
      timeout: 15_000,
    });
    expect(await page.locator(".msg.me").count()).toBe(before.me);
    await expect(page.locator(".msg.me").first().textContent()).resolves.toContain("đề cử");
    expect(await page.locator(".msg.me .file img").count()).toBe(1);
    const groups = await page
      .locator(".choices")
      .evaluateAll((gs) =>
        gs.map((g) => [...g.querySelectorAll("button")].some((b) => !(b as HTMLButtonElement).disabled)),
      );
    expect(groups.length).toBeGreaterThan(3);
    expect(groups.slice(0, -1).every((enabled) => !enabled)).toBe(true);
    expect(groups.at(-1)).toBe(true);
    expect(
      await page.locator('.choices button[aria-pressed="true"]', { hasText: /Xác nhận gửi/ }).count(),
    ).toBe(1);

    // The reviewer opens the nomination: the photo is there and loads.
    const reviewer = await addReviewer(t.system.db, { name: "Nguyễn Thị Lan", role: "admin" });
    const admin = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await admin.goto((await createLoginLink(t.system.db, reviewer.id, t.url, { label: "cli" })).url);
    await admin.goto(`${t.url}/admin/n/${code}`);
    const img = admin.locator(`img[src^="/admin/n/${code}/files/"]`);
    await img.waitFor({ timeout: 10_000 });
    await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBe(480);
    const row = await t.system.db.nomination.findUniqueOrThrow({
      where: { code },
      include: { attachments: true },
    });
    expect(row.attachments.map((a) => [a.fileName, a.mime, a.size])).toEqual([
      ["giay-khen.jpg", "image/jpeg", photo.length],
    ]);
    // The upload's holding row was taken over by the conversation: nothing is kept twice.
    expect(await t.system.db.attachment.count({ where: { nominationId: null, size: photo.length } })).toBe(0);
    expect(errors, errors.join("\n")).toEqual([]);
    await context.close();
    await admin.close();
  });

  it("marks a message typed while offline as unsent, and sends it on “Gửi lại”", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: "vi-VN" });
    const page = await context.newPage();
    await page.goto(t.url);
    await page.locator(".choices button").first().waitFor({ timeout: 15_000 });
    await context.setOffline(true);
    await page.fill("#text", "chỉ tiêu cấp xã");
    await page.click("#send");
    const mine = page.locator(".msg.me").last();
    await expect.poll(() => mine.getAttribute("class")).toContain("unsent");
    await expect(mine.textContent()).resolves.toContain("Chưa gửi được");
    const bots = await page.locator(".msg.bot").count();
    await context.setOffline(false);
    await mine.locator("button", { hasText: "Gửi lại" }).click();
    await page.waitForFunction((n) => document.querySelectorAll(".msg.bot").length > n, bots, {
      timeout: 20_000,
    });
    await expect.poll(() => mine.getAttribute("class")).not.toContain("unsent");
    // Sent once: after a reload the message is in the transcript exactly once.
    await page.reload();
    await page.locator(".msg.bot").first().waitFor();
    await expect
      .poll(
        async () =>
          (await page.locator(".msg.me").allTextContents()).filter((x) => x.includes("chỉ tiêu cấp xã"))
            .length,
      )
      .toBe(1);
    await context.close();
  });

  it("labels authors for screen readers, keeps 44 px targets and a readable width, and follows the conversation's language", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "vi-VN" });
    await page.goto(t.url);
    await page.locator(".choices button").first().waitFor({ timeout: 15_000 });
    await expect(page.locator("#log").getAttribute("role")).resolves.toBe("log");
    await expect.poll(() => page.locator("#log").getAttribute("aria-live")).toBe("polite");
    await expect(page.locator(".msg.bot .sr-only").first().textContent()).resolves.toContain("Trợ lý");
    for (const box of await page
      .locator(".choices button, #send, #attach")
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height)))
      expect(box).toBeGreaterThanOrEqual(44);
    const width = await page.locator(".app").evaluate((e) => e.getBoundingClientRect().width);
    expect(width).toBeLessThanOrEqual(760);
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("vi");

    await page.fill("#text", "english");
    await page.click("#send");
    await expect.poll(() => page.locator("html").getAttribute("lang"), { timeout: 15_000 }).toBe("en");
    await expect(page.locator("header h1").textContent()).resolves.toBe(
      "Tuyen Quang Digital Transformation Assistant",
    );
    await expect(page.locator("#send").textContent()).resolves.toBe("Send");
    await page.close();
  });
});
