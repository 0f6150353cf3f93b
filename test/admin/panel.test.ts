import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { addReviewer } from "../../src/review/reviewers.js";
import { createLoginLink } from "../../src/review/login-links.js";
import { eventually, submitNomination } from "../review/fixtures.js";

/** A browser-less signed-in reviewer: keeps the session cookie and reads CSRF tokens from pages. */
async function signIn(
  t: TestSystem,
  reviewerId: string,
): Promise<{
  cookie: string;
  get(path: string): Promise<Response>;
  post(path: string, form: Record<string, string>): Promise<Response>;
  csrf(path?: string): Promise<string>;
}> {
  const { url } = await createLoginLink(t.system.db, reviewerId, t.url, { label: "cli" });
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(303);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const get = (path: string) => fetch(`${t.url}${path}`, { headers: { cookie }, redirect: "manual" });
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${t.url}${path}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
      redirect: "manual",
    });
  const csrf = async (path = "/admin") =>
    (await (await get(path)).text()).match(/name="_csrf" value="([^"]+)"/)![1]!;
  return { cookie, get, post, csrf };
}

describe("the web admin panel", () => {
  let t: TestSystem;
  let reviewer: { id: string; name: string };
  let admin: { id: string; name: string };

  beforeAll(async () => {
    t = await startTestSystem();
    reviewer = await addReviewer(t.system.db, { name: "Lê Thu Hà" });
    admin = await addReviewer(t.system.db, { name: "Quản trị Sở Nội vụ", role: "admin" });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("accepts a sign-in link once, sets an httpOnly SameSite cookie, and refuses it the second time", async () => {
    const { url } = await createLoginLink(t.system.db, reviewer.id, t.url, { label: "cli" });
    const first = await fetch(url, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/admin");
    const setCookie = first.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^cds_admin=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const again = await fetch(url, { redirect: "manual" });
    expect(again.status).toBe(401);
    expect(again.headers.get("set-cookie")).toBeNull();
    // Only the hash is stored.
    const token = new URL(url).searchParams.get("token")!;
    expect(await t.system.db.loginToken.count({ where: { tokenHash: token } })).toBe(0);
  });

  it("refuses a sign-in link older than 15 minutes", async () => {
    const { url } = await createLoginLink(
      t.system.db,
      reviewer.id,
      t.url,
      { label: "cli" },
      new Date(Date.now() - 16 * 60_000),
    );
    expect((await fetch(url, { redirect: "manual" })).status).toBe(401);
  });

  it("refuses every admin route to a visitor without a session", async () => {
    const n = await submitNomination(t.system.db);
    const gets = [
      "/admin",
      "/admin/",
      `/admin/n/${n.code}`,
      `/admin/n/${n.code}/files/00000000-0000-0000-0000-000000000000`,
      "/admin/audit",
      "/admin/export.csv",
      "/admin/export.xlsx",
      "/admin/questions",
      "/admin/reviewers",
      "/admin/deletions",
      "/admin/queues/",
      "/admin/queues/api/queues",
      "/admin/progress",
    ];
    for (const path of gets) {
      const res = await fetch(`${t.url}${path}`, { redirect: "manual" });
      expect(res.status, path).toBe(401);
      expect(await res.text(), path).not.toContain(n.code);
    }
    const posts = [
      `/admin/n/${n.code}/approve`,
      `/admin/n/${n.code}/publishable`,
      "/admin/reviewers",
      "/admin/reviewers/remove",
      "/admin/reviewers/link",
      "/admin/deletions/00000000-0000-0000-0000-000000000000/erase",
      "/admin/logout",
      "/admin/sr/TD-2026-000001/verify",
    ];
    for (const path of posts) {
      const res = await fetch(`${t.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "_csrf=x",
        redirect: "manual",
      });
      expect(res.status, path).toBe(401);
    }
    expect((await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe(
      "submitted",
    );
  });

  it("keeps reviewer management, deletions and the queue dashboard for admins", async () => {
    const r = await signIn(t, reviewer.id);
    for (const path of ["/admin/reviewers", "/admin/deletions", "/admin/queues/"])
      expect((await r.get(path)).status, path).toBe(403);
    const a = await signIn(t, admin.id);
    for (const path of ["/admin/reviewers", "/admin/deletions", "/admin/queues/"])
      expect((await a.get(path)).status, path).toBe(200);
  });

  it("rejects a form posted without the session's CSRF token", async () => {
    const n = await submitNomination(t.system.db);
    const r = await signIn(t, reviewer.id);
    expect((await r.post(`/admin/n/${n.code}/approve`, {})).status).toBe(403);
    expect((await r.post(`/admin/n/${n.code}/approve`, { _csrf: "forged-token-forged-token" })).status).toBe(
      403,
    );
    expect((await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe(
      "submitted",
    );
    // The first press only asks: "Duyệt hồ sơ …? Người gửi sẽ được báo ngay", and changes nothing.
    const asked = await r.post(`/admin/n/${n.code}/approve`, { _csrf: await r.csrf() });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain(`Duyệt hồ sơ ${n.code}?`);
    expect((await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe(
      "submitted",
    );
    const ok = await r.post(`/admin/n/${n.code}/approve`, { _csrf: await r.csrf(), confirm: "1" });
    expect(ok.status).toBe(303);
    expect((await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe("approved");
  });

  it("shows a nominee called <script> as text on the queue and the detail page", async () => {
    const n = await submitNomination(t.system.db, {
      nomineeName: `<script>alert("x")</script>`,
      achievements: `<img src=x onerror=alert(1)>`,
    });
    const r = await signIn(t, reviewer.id);
    for (const path of ["/admin", `/admin/n/${n.code}`]) {
      const body = await (await r.get(path)).text();
      expect(body, path).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
      expect(body, path).not.toContain("<script>");
      expect(body, path).not.toContain("<img src=x");
    }
  });

  it("rejects with a note from the panel, notifies the submitter with it and records the audit row", async () => {
    const n = await submitNomination(t.system.db, {
      channel: "webchat",
      chatId: "00000000-0000-4000-8000-00000000a001",
    });
    const r = await signIn(t, reviewer.id);
    const csrf = await r.csrf();
    expect(
      (await r.post(`/admin/n/${n.code}/reject`, { _csrf: csrf, note: "" })).headers.get("location"),
    ).toContain("notice=decision.note_required");
    expect(
      (await r.post(`/admin/n/${n.code}/reject`, { _csrf: csrf, note: "Chưa có minh chứng về kết quả" }))
        .status,
    ).toBe(200); // the confirmation
    expect(await t.system.db.auditLog.count({ where: { subjectId: n.id } })).toBe(0);
    expect(
      (
        await r.post(`/admin/n/${n.code}/reject`, {
          _csrf: csrf,
          note: "Chưa có minh chứng về kết quả",
          confirm: "1",
        })
      ).status,
    ).toBe(303);
    const audit = await t.system.db.auditLog.findFirstOrThrow({ where: { subjectId: n.id } });
    expect(audit).toMatchObject({
      action: "reject",
      actor: reviewer.name,
      fromStatus: "submitted",
      toStatus: "rejected",
      note: "Chưa có minh chứng về kết quả",
    });
    const page = await (await r.get(`/admin/audit?code=${n.code}`)).text();
    expect(page).toContain("Chưa có minh chứng về kết quả");
    // A second decision is refused and says who decided.
    const second = await r.post(`/admin/n/${n.code}/approve`, { _csrf: csrf, confirm: "1" });
    const shown = await (await r.get(second.headers.get("location")!)).text();
    expect(shown).toContain("thao tác không được thực hiện");
    expect(shown).toContain(`bởi ${reviewer.name}`);
  });

  it("exports the filtered list as CSV with a BOM and Vietnamese headers, and defuses formulas", async () => {
    await submitNomination(t.system.db, { nomineeName: '=HYPERLINK("http://evil")', locality: "Lâm Bình" });
    const r = await signIn(t, reviewer.id);
    const bytes = Buffer.from(
      await (await r.get(`/admin/export.csv?locality=${encodeURIComponent("Lâm Bình")}`)).arrayBuffer(),
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString("utf8");
    expect(csv).toContain("Mã hồ sơ,Ngày gửi,Loại");
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv.trim().split("\r\n")).toHaveLength(2);
    const xlsx = await r.get("/admin/export.xlsx");
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe("PK");
  });

  it("serves evidence images only to signed-in reviewers", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    const n = await submitNomination(t.system.db, {
      attachments: [{ mime: "image/png", fileName: "giay-khen.png", data: png }],
    });
    const a = await t.system.db.attachment.findFirstOrThrow({ where: { nominationId: n.id } });
    expect((await fetch(`${t.url}/admin/n/${n.code}/files/${a.id}`, { redirect: "manual" })).status).toBe(
      401,
    );
    const r = await signIn(t, reviewer.id);
    const res = await r.get(`/admin/n/${n.code}/files/${a.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(await (await r.get(`/admin/n/${n.code}`)).text()).toContain(
      `<img src="/admin/n/${n.code}/files/${a.id}"`,
    );
  });

  it("lets an admin erase a requester's personal data and confirms it to them", async () => {
    const n = await submitNomination(t.system.db, {
      channel: "webchat",
      chatId: "00000000-0000-4000-8000-00000000a002",
    });
    const req = await t.system.db.deletionRequest.create({
      data: { personId: n.personId, channel: "webchat", chatId: "00000000-0000-4000-8000-00000000a002" },
    });
    const a = await signIn(t, admin.id);
    // First the list of exactly what will go; nothing is erased yet.
    const listed = await a.post(`/admin/deletions/${req.id}/erase`, {
      _csrf: await a.csrf("/admin/deletions"),
    });
    expect(listed.status).toBe(200);
    expect(await listed.text()).toMatch(/Họ tên và số điện thoại người đề cử.*trong 1 hồ sơ đề cử/s);
    expect((await t.system.db.deletionRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe(
      "requested",
    );
    const res = await a.post(`/admin/deletions/${req.id}/erase`, {
      _csrf: await a.csrf("/admin/deletions"),
      confirm: "1",
    });
    expect(res.status).toBe(303);
    const row = await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({
      nominatorName: "[đã xóa]",
      nominatorPhone: "[đã xóa]",
      nomineeName: "[đã xóa]",
    });
    expect(row.erasedAt).not.toBeNull();
    await eventually(
      async () => (await t.system.db.auditLog.count({ where: { subjectId: req.id, action: "erase" } })) === 1,
    );
    expect(
      (
        await a.post(`/admin/deletions/${req.id}/erase`, {
          _csrf: await a.csrf("/admin/deletions"),
          confirm: "1",
        })
      ).headers.get("location"),
    ).toContain("notice=deletions.not_pending");
  });

  // Last: it locks this test client's IP out of signing in for the window.
  it("locks out an address after ten failed sign-ins, but never refuses a valid link", async () => {
    // Earlier tests already spent two failures of this address.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push(
        (await fetch(`${t.url}/admin/login?token=${"x".repeat(43)}${i}`, { redirect: "manual" })).status,
      );
    expect(statuses.filter((s) => s === 401)).toHaveLength(8);
    expect(statuses.slice(8)).toEqual([429, 429]);
    // A colleague behind the same NAT with a real link still gets in.
    const { url } = await createLoginLink(t.system.db, reviewer.id, t.url, { label: "cli" });
    expect((await fetch(url, { redirect: "manual" })).status).toBe(303);
    expect((await fetch(`${t.url}/admin/login?token=${"y".repeat(43)}`, { redirect: "manual" })).status).toBe(
      429,
    );
  });
});
