/**
 * The reviewer's workbench on a phone (390×844) in a real Chromium: confirming, cancelling and
 * approving; taking over a colleague's claim (who is told on Telegram and in the panel); an
 * answered information request coming back first with "có cập nhật"; filtering by a locality typed
 * differently from the stored name; paging past 500 items; reading the audit log in Vietnamese; and
 * publishing a "gương điển hình" after editing its summary. With REVIEW_SCREENSHOT=1 it refreshes
 * the phone screenshots in docs/img/ used by the reviewer's guide.
 */
import { mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { addReviewer } from "../../src/review/reviewers.js";
import { createLoginLink } from "../../src/review/login-links.js";
import { answerInfoRequest, decideNomination } from "../../src/review/decisions.js";
import { publishedExamples } from "../../src/nominations/lookup.js";
import { eventually, submitNomination } from "../review/fixtures.js";
import { generateReports } from "../self-reports/generated-reports.js";

const PHONE = { width: 390, height: 844 };
const shots = process.env.REVIEW_SCREENSHOT === "1";

describe("the reviewer's workbench on a phone", () => {
  let t: TestSystem;
  let fake: FakeTelegram;
  let browser: Browser;
  const LAN_CHAT = "700100";

  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    // PUBLIC_URL set (plain http, so cookies stay usable on the test's http address): no warning banner in the screenshots.
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: "123:abc",
      TELEGRAM_WEBHOOK_SECRET: "s3cret-s3cret",
      TELEGRAM_API_ROOT: fake.url,
      PUBLIC_URL: "http://thidua.example.vn",
    });
    browser = await launchChromium();
    if (shots) mkdirSync("docs/img", { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await fake?.stop();
  });

  async function signIn(reviewerId: string): Promise<Page> {
    const page = await browser.newPage({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const { url } = await createLoginLink(t.system.db, reviewerId, t.url, { label: "cli" });
    await page.goto(url);
    expect(new URL(page.url()).pathname).toBe("/admin");
    return page;
  }

  it("does a reviewer's day on a phone", async () => {
    const db = t.system.db;
    const lan = await addReviewer(db, {
      name: "Nguyễn Thị Lan",
      role: "admin",
      channel: "telegram",
      externalId: LAN_CHAT,
    });
    const binh = await addReviewer(db, { name: "Lê Văn Bình" });
    const day = (d: number) => new Date(Date.now() - d * 86_400_000);
    const target = await submitNomination(db, {
      nomineeName: "Hoàng Văn Hùng",
      nomineeUnit: "UBND xã Kim Bình",
      locality: "Chiêm Hóa",
      category: "commune",
      createdAt: day(30),
      achievements: "Xã đầu tiên của huyện có 100% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến.",
    });
    const held = await submitNomination(db, {
      nomineeName: "Trần Thị Thu",
      nomineeUnit: "Trường THCS Phan Thiết",
      locality: "TP Tuyên Quang",
      category: "official_initiative",
      createdAt: day(29),
    });
    await decideNomination(db, { nominationId: held.id, action: "claim", reviewer: lan });
    const naHang = await submitNomination(db, {
      nomineeName: "Ma Văn Dũng",
      nomineeUnit: "Thôn Nà Khà",
      locality: "na hang",
      category: "citizen",
      createdAt: day(28),
    });
    const sonDuong = await submitNomination(db, {
      nomineeName: "HTX Chè Tân Trào",
      nomineeUnit: "HTX Chè Tân Trào",
      locality: "Sơn Dương",
      category: "business",
      createdAt: day(27),
    });
    await db.nomination.update({
      where: { id: sonDuong.id },
      data: { localityId: "tq-son-duong", locality: "Huyện Sơn Dương" },
    });
    const asked = await submitNomination(db, {
      nomineeName: "Phòng Nội vụ huyện Hàm Yên",
      nomineeUnit: "UBND huyện Hàm Yên",
      locality: "Hàm Yên",
      category: "district",
      createdAt: day(26),
    });
    const showcase = await submitNomination(db, {
      nomineeName: "Nông Thị Mai",
      nomineeUnit: "UBND xã Thượng Lâm",
      locality: "Lâm Bình",
      category: "commune",
      createdAt: day(25),
      achievements: "Hướng dẫn 1.200 người dân cài VNeID; số điện thoại liên hệ 0912 345 678.",
    });
    await decideNomination(db, { nominationId: showcase.id, action: "approve", reviewer: lan });
    // Volume: 520 more waiting nominations (one statement), so the queue has to page.
    const person = await db.person.create({
      data: { channel: "webchat", externalId: randomUUID(), chatId: randomUUID() },
    });
    await db.nomination.createMany({
      data: Array.from({ length: 520 }, (_, i) => ({
        code: `DC-2025-${String(100_000 + i).padStart(6, "0")}`,
        idempotencyKey: randomUUID(),
        personId: person.id,
        category: "citizen" as const,
        nomineeName: `Người dân số ${i}`,
        nomineeUnit: "Thôn Bản",
        locality: "Yên Sơn",
        achievements: "…",
        nominatorName: "Ẩn danh",
        nominatorPhone: "0900000000",
        relation: "Hàng xóm",
        consentVersion: "v1",
        consentAt: new Date(),
        createdAt: new Date(Date.now() - 20 * 86_400_000 + i * 60_000),
      })),
    });

    const page = await signIn(binh.id);
    await expect(page.locator("h1").textContent()).resolves.toBe("Hàng đợi hồ sơ");
    // The default view is "cần xử lý", oldest first.
    await expect(page.locator("select[name=view]").inputValue()).resolves.toBe("todo");
    await expect(page.locator("table.queue tbody tr").first().textContent()).resolves.toContain(target.code);
    if (shots) await page.screenshot({ path: "docs/img/queue-phone.png" });

    // --- confirm, cancel, approve ---
    await page.click(`a[href="/admin/n/${target.code}"]`);
    await page.waitForURL(`**/admin/n/${target.code}`);
    if (shots) await page.screenshot({ path: "docs/img/detail-phone.png", fullPage: true });
    // Approving and destructive buttons are far apart on the phone.
    const approveBox = (await page.locator('form[action$="/approve"] button').boundingBox())!;
    const rejectBox = (await page.locator('form[action$="/reject"] button').boundingBox())!;
    expect(rejectBox.y - (approveBox.y + approveBox.height)).toBeGreaterThan(100);
    await page.click('form[action$="/approve"] button');
    await expect(page.locator(".confirm .question").textContent()).resolves.toBe(
      `Duyệt hồ sơ ${target.code}?`,
    );
    await expect(page.locator(".confirm").textContent()).resolves.toContain("Người gửi sẽ được báo ngay");
    await page.click("text=Hủy, quay lại");
    await page.waitForURL(`**/admin/n/${target.code}`);
    expect((await db.nomination.findUniqueOrThrow({ where: { id: target.id } })).status).toBe("submitted");
    await page.click('form[action$="/approve"] button');
    await page.click('.confirm button[type="submit"]');
    await page.waitForURL(/notice=decision.updated/);
    await expect(page.locator(".notice").textContent()).resolves.toContain("Đã duyệt");
    expect((await db.nomination.findUniqueOrThrow({ where: { id: target.id } })).status).toBe("approved");

    // --- another reviewer's claim: shown, refused, taken over explicitly, the holder told ---
    await page.goto(`${t.url}/admin/n/${held.code}`);
    await expect(page.locator(".card.held").textContent()).resolves.toContain("Nguyễn Thị Lan xử lý từ");
    expect(await page.locator('form[action$="/approve"]').count()).toBe(0);
    await page.click('form[action$="/takeover"] button');
    await expect(page.locator(".confirm .question").textContent()).resolves.toBe(
      `Nhận lại hồ sơ ${held.code} từ Nguyễn Thị Lan?`,
    );
    await page.click('.confirm button[type="submit"]');
    await page.waitForURL(/notice=decision.taken_over/);
    expect((await db.nomination.findUniqueOrThrow({ where: { id: held.id } })).claimedById).toBe(binh.id);
    // Lan also gets the review cards in her chat; the takeover notice is its own message.
    const told = await eventually(async () =>
      fake.callsOf("sendMessage", LAN_CHAT).find((c) => String(c.body.text).includes("đã nhận lại hồ sơ")),
    );
    expect(String(told.body.text)).toBe(
      `Lê Văn Bình đã nhận lại hồ sơ ${held.code} mà anh/chị đang xử lý trên trang quản trị. Anh/chị không cần xử lý hồ sơ này nữa.`,
    );
    const lanPage = await signIn(lan.id);
    await expect(lanPage.locator(".notice").first().textContent()).resolves.toContain(
      `Lê Văn Bình đã nhận lại hồ sơ ${held.code}`,
    );
    await lanPage.close();

    // --- an answered information request comes back to its holder, first, marked ---
    await decideNomination(db, {
      nominationId: asked.id,
      action: "request_info",
      reviewer: binh,
      note: "Đề nghị bổ sung quyết định khen thưởng.",
    });
    await answerInfoRequest(db, { nominationId: asked.id, text: "Quyết định số 12/QĐ-UBND" });
    await page.goto(`${t.url}/admin`);
    const first = page.locator("table.queue tbody tr").first();
    await expect(first.textContent()).resolves.toContain(asked.code);
    await expect(first.textContent()).resolves.toContain("có cập nhật");

    // --- locality typed differently from the stored name ---
    await page.click("summary:has-text('Bộ lọc khác')");
    await page.fill("input[name=locality]", "son duong");
    await page.click('.filters-body button[type="submit"]');
    await page.waitForURL(/locality=son/);
    const sonRows = await page.locator("table.queue tbody tr").allTextContents();
    expect(sonRows.length).toBe(1);
    expect(sonRows[0]).toContain(sonDuong.code);
    expect(sonRows[0]).toContain("Huyện Sơn Dương");
    await page.fill("input[name=locality]", "Huyện Na Hang");
    await page.click('.filters-body button[type="submit"]');
    await page.waitForURL(/locality=Huy/);
    const naRows = await page.locator("table.queue tbody tr").allTextContents();
    expect(naRows.length).toBe(1);
    expect(naRows[0]).toContain(naHang.code);
    expect(naRows[0]).toContain("Huyện Na Hang"); // stored as typed ("na hang"), shown canonical

    // --- paging past 500 ---
    await page.goto(`${t.url}/admin?view=all`);
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      for (const c of await page.locator("table.queue tbody tr td:nth-child(2) a").allTextContents())
        seen.add(c);
      const next = page.locator('a[rel="next"]');
      if (!(await next.count())) break;
      await next.click();
      await page.waitForLoadState();
    }
    expect(seen.size).toBe(await db.nomination.count());
    expect(seen.size).toBeGreaterThan(500);

    // --- the audit log, in Vietnamese, filtered ---
    await page.goto(`${t.url}/admin/audit`);
    const log = (await page.locator("table tbody").textContent()) ?? "";
    for (const words of [
      "Duyệt",
      "Nhận lại từ người khác",
      "Người gửi bổ sung",
      "Yêu cầu bổ sung",
      "Lê Văn Bình",
      "Người gửi",
    ])
      expect(log).toContain(words);
    for (const code of ["approve", "takeover", "request_info", "claim", "submitter", "answer"])
      expect(log).not.toMatch(new RegExp(`\\b${code}\\b`));
    await page.selectOption("select[name=action]", "takeover");
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL(/action=takeover/);
    const takeovers = await page.locator("table tbody tr").allTextContents();
    expect(takeovers).toHaveLength(1);
    expect(takeovers[0]).toContain(held.code);

    // --- "gương điển hình": preview, edit, publish, withdraw ---
    await page.goto(`${t.url}/admin/n/${showcase.code}`);
    await page.click(`a[href="/admin/n/${showcase.code}/showcase"]`);
    await page.waitForURL(`**/showcase`);
    await expect(page.locator("textarea[name=summary]").inputValue()).resolves.toContain("0912 345 678");
    const edited = "Hướng dẫn 1.200 người dân xã Thượng Lâm cài đặt và sử dụng VNeID.";
    await page.fill("textarea[name=summary]", edited);
    await page.click("text=Xem trước");
    await expect(page.locator(".public-preview").textContent()).resolves.toContain(edited);
    expect((await db.nomination.findUniqueOrThrow({ where: { id: showcase.id } })).publishable).toBe(false);
    await page.click("text=Giới thiệu công khai");
    await page.waitForURL(/notice=decision.published/);
    const shown = await publishedExamples(db);
    expect(shown.find((e) => e.code === showcase.code)?.achievements).toBe(edited);
    await page.click('form[action$="/unpublish"] button');
    await page.click('.confirm button[type="submit"]');
    await page.waitForURL(/notice=decision.unpublished/);
    expect((await db.nomination.findUniqueOrThrow({ where: { id: showcase.id } })).publishable).toBe(false);

    if (shots) {
      await generateReports(db, { count: 2_000, units: 40 });
      await page.goto(`${t.url}/admin/progress?level=district`);
      await page.screenshot({ path: "docs/img/progress-phone.png" });
    }
    await page.close();
  }, 120_000);
});
