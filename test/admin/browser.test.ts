/**
 * The panel in a real headless browser (Debian's chromium, driven by playwright-core): what a
 * reviewer does on a normal working day. With REVIEW_SCREENSHOT=1 it also refreshes
 * docs/img/review-queue.png for the reviewer's guide.
 */
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { addReviewer } from "../../src/review/reviewers.js";
import { createLoginLink } from "../../src/review/login-links.js";
import { decideNomination } from "../../src/review/decisions.js";
import { submitNomination } from "../review/fixtures.js";

describe("a reviewer in a real browser", () => {
  let t: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestSystem({ PUBLIC_URL: "http://thidua.example.vn" }); // no "PUBLIC_URL unset" banner in the screenshot
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("signs in with a link, opens the queue, approves a nomination and finds it in the audit log", async () => {
    const db = t.system.db;
    const lan = await addReviewer(db, { name: "Nguyễn Thị Lan", role: "admin" });
    const ha = await addReviewer(db, { name: "Lê Thu Hà" });
    const day = (d: number) => new Date(Date.now() - d * 86_400_000);
    const target = await submitNomination(db, {
      nomineeName: "Hoàng Văn Hùng",
      nomineeUnit: "UBND xã Kim Bình",
      locality: "Chiêm Hóa",
      category: "commune",
      createdAt: day(3),
      achievements: "Xã đầu tiên của huyện có 100% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến.",
    });
    await submitNomination(db, {
      nomineeName: "Công ty CP Chè Mỹ Lâm",
      nomineeUnit: "Công ty CP Chè Mỹ Lâm",
      locality: "Yên Sơn",
      category: "business",
      createdAt: day(2),
    });
    const claimed = await submitNomination(db, {
      nomineeName: "Trần Thị Thu",
      nomineeUnit: "Trường THCS Phan Thiết",
      locality: "TP Tuyên Quang",
      category: "official_initiative",
      createdAt: day(2),
    });
    await decideNomination(db, { nominationId: claimed.id, action: "claim", reviewer: ha });
    const asked = await submitNomination(db, {
      nomineeName: "Ma Văn Dũng",
      nomineeUnit: "Thôn Nà Khà",
      locality: "Na Hang",
      category: "citizen",
      createdAt: day(1),
    });
    await decideNomination(db, {
      nominationId: asked.id,
      action: "request_info",
      reviewer: ha,
      note: "Đề nghị bổ sung xác nhận của UBND xã.",
    });
    await submitNomination(db, {
      nomineeName: "Phòng Nội vụ huyện Hàm Yên",
      nomineeUnit: "UBND huyện Hàm Yên",
      locality: "Hàm Yên",
      category: "district",
      createdAt: day(0.2),
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const { url } = await createLoginLink(db, lan.id, t.url, { label: "cli" });
    await page.goto(url);
    expect(new URL(page.url()).pathname).toBe("/admin");
    await expect(page.locator("h1").textContent()).resolves.toBe("Hàng đợi hồ sơ");
    await expect(page.locator("tbody").first().textContent()).resolves.toContain("Hoàng Văn Hùng");

    if (process.env.REVIEW_SCREENSHOT) {
      mkdirSync("docs/img", { recursive: true });
      await page.screenshot({ path: "docs/img/review-queue.png", fullPage: true });
    }

    await page.click(`a[href="/admin/n/${target.code}"]`);
    await page.waitForURL(`**/admin/n/${target.code}`);
    await page.click('form[action$="/approve"] button');
    await page.click('.confirm button[type="submit"]'); // "Duyệt hồ sơ …? Người gửi sẽ được báo ngay"
    await page.waitForURL(/notice=/);
    await expect(page.locator(".notice").textContent()).resolves.toContain("Đã duyệt");

    await page.click('nav a[href="/admin/audit"]');
    await page.waitForURL("**/admin/audit");
    const row = page.locator("tr", { hasText: target.code }).first();
    await expect(row.textContent()).resolves.toContain("Nguyễn Thị Lan");
    await expect(row.textContent()).resolves.toContain("Duyệt");
    expect((await db.nomination.findUniqueOrThrow({ where: { id: target.id } })).status).toBe("approved");
    await page.close();
  });
});
