/**
 * The local web chat in a real headless browser (Debian's chromium, playwright-core): a citizen
 * opens the page, sees the menu, taps a choice and asks a question without diacritics.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../support/browser.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";

describe("the web chat in a browser", () => {
  let t: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestSystem();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("greets with the menu, follows a tapped choice and answers a typed question", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 780 }, locale: "vi-VN" });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(t.url);
    // The page sends /start on first visit: the menu arrives as buttons.
    const firstChoice = page.locator(".choices button").first();
    await firstChoice.waitFor({ timeout: 15_000 });
    const botCount = await page.locator(".msg.bot").count();
    await page
      .locator(".choices button", { hasText: /Hỏi đáp/ })
      .first()
      .click();
    await page.waitForFunction((n) => document.querySelectorAll(".msg.bot").length > n, botCount, {
      timeout: 15_000,
    });

    await page.fill("#text", "chi tieu ho so cong viec cap xa");
    await page.click("#send");
    await page.waitForFunction(
      () => [...document.querySelectorAll(".msg.bot")].some((e) => e.textContent?.includes("60%")),
      undefined,
      { timeout: 15_000 },
    );
    // What the user typed is shown as text, never as HTML.
    await page.fill("#text", "<img src=x onerror=alert(1)>");
    await page.click("#send");
    await expect(
      page.locator(".msg.me").last().locator("span:not(.sr-only)").first().textContent(),
    ).resolves.toBe("<img src=x onerror=alert(1)>");
    expect(await page.locator(".msg img").count()).toBe(0);
    expect(errors, errors.join("\n")).toEqual([]);
  });

  it("labels every line of the log in the conversation's language, earlier lines too", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 780 }, locale: "vi-VN" });
    await page.goto(t.url);
    await page.locator(".choices button").first().waitFor({ timeout: 15_000 });
    const labels = () => page.locator(".msg.me > .sr-only").allTextContents();
    await page.fill("#text", "chi tieu cap xa");
    await page.click("#send");
    await page.waitForFunction(() => document.documentElement.lang === "vi");
    await page.fill("#text", "what are the commune-level targets?");
    await page.click("#send");
    // The reply in English switches the page; the Vietnamese line before it is relabelled.
    await page.waitForFunction(() => document.documentElement.lang === "en", undefined, { timeout: 15_000 });
    expect(new Set((await labels()).map((l) => l.trim()))).toEqual(new Set(["You:"]));
    await page.fill("#text", "chỉ tiêu cấp huyện là gì?");
    await page.click("#send");
    await page.waitForFunction(() => document.documentElement.lang === "vi", undefined, { timeout: 15_000 });
    expect(new Set((await labels()).map((l) => l.trim()))).toEqual(new Set(["Bạn:"]));
    expect(
      new Set((await page.locator(".msg.bot > .sr-only").allTextContents()).map((l) => l.trim())).size,
    ).toBe(1);
  });
});
