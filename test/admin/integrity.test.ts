/**
 * Admin actions that cannot be forged (issue 16, finding 2 and 7): an admin cannot obtain another
 * reviewer's sign-in link, the queue dashboard cannot add jobs or show personal data, notices
 * cannot carry an attacker's text, malformed ids are 404, and every state change leaves exactly
 * one audit row written by the one door.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addReviewer } from "../../src/review/reviewers.js";
import { performAction, redactAuditNotes } from "../../src/review/audit.js";
import { signInAs } from "../support/admin-session.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { SECRET } from "../channels/telegram/updates.js";
import { eventually, submitNomination } from "../review/fixtures.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LAN_CHAT = 7_200_001;

describe("admin actions that cannot be forged", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  let lan: { id: string; name: string };
  let admin: { id: string; name: string };

  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: "123:abc",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
    });
    lan = await addReviewer(t.system.db, {
      name: "Nguyễn Thị Lan",
      channel: "telegram",
      externalId: String(LAN_CHAT),
    });
    admin = await addReviewer(t.system.db, { name: "Quản trị Sở Nội vụ", role: "admin" });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("sends a reviewer's sign-in link only to that reviewer's own chat; the admin never sees it, and issuance and sign-in are audited with the issuer", async () => {
    const a = await signInAs(t, admin.id);
    // The old way: a page showing the link to the admin. Gone.
    expect(
      (await a.post("/admin/reviewers/link", { _csrf: await a.csrf("/admin/reviewers"), name: lan.name }))
        .status,
    ).toBe(404);
    const res = await a.post(`/admin/reviewers/${lan.id}/send-link`, {
      _csrf: await a.csrf("/admin/reviewers"),
    });
    expect(res.status).toBe(303);
    const shown = await (await a.get(res.headers.get("location")!)).text();
    expect(shown).not.toContain("token=");
    expect(shown).toContain("Đã gửi đường dẫn đăng nhập");
    const sent = await eventually(async () =>
      fake.callsOf("sendMessage", LAN_CHAT).find((c) => String(c.body.text).includes("/admin/login?token=")),
    );
    expect(String(sent.body.text)).toContain(admin.name);
    const url = String(sent.body.text).match(/https?:\/\/\S+/)![0];
    const issued = await t.system.db.auditLog.findFirstOrThrow({
      where: { subjectId: lan.id, action: "login_link_issue" },
      orderBy: { id: "desc" },
    });
    expect(issued).toMatchObject({ reviewerId: admin.id, actor: admin.name, subjectType: "reviewer" });
    // Lan signs in with it: the audit row is Lan's, and names who issued the link.
    const signIn = await fetch(`${t.url}/admin/login?token=${new URL(url).searchParams.get("token")}`, {
      redirect: "manual",
    });
    expect(signIn.status).toBe(303);
    const row = await t.system.db.auditLog.findFirstOrThrow({
      where: { subjectId: lan.id, action: "sign_in" },
      orderBy: { id: "desc" },
    });
    expect(row).toMatchObject({ reviewerId: lan.id, actor: lan.name });
    expect(row.note).toContain(admin.name);
  });

  it("refuses to send a link to a reviewer without a chat of their own", async () => {
    const nochat = await addReviewer(t.system.db, { name: "Không có Telegram" });
    const a = await signInAs(t, admin.id);
    const res = await a.post(`/admin/reviewers/${nochat.id}/send-link`, {
      _csrf: await a.csrf("/admin/reviewers"),
    });
    expect(res.headers.get("location")).toContain("notice=reviewers.link_no_chat");
    expect(await t.system.db.loginToken.count({ where: { reviewerId: nochat.id } })).toBe(0);
  });

  it("keeps the queue dashboard read-only and free of personal data", async () => {
    const inbound = t.system.inbound.queue.queues[0]!;
    await inbound.add(
      "message",
      {
        channel: "webchat",
        chatId: "c1",
        userId: "c1",
        messageId: "m1",
        at: Date.now(),
        text: "Số điện thoại của tôi là 0912345678",
      },
      { delay: 3_600_000, jobId: "probe-1" },
    );
    const a = await signInAs(t, admin.id);
    const csrf = await a.csrf();
    const before = await inbound.count();
    // Adding a job (what once approved a nomination as another reviewer) is refused, with or without CSRF.
    for (const headers of [{}, { "x-csrf-token": csrf }] as Array<Record<string, string>>) {
      const add = await fetch(`${t.url}/admin/queues/api/queues/${inbound.name}/add`, {
        method: "POST",
        headers: { cookie: a.cookie, "content-type": "application/json", ...headers },
        body: JSON.stringify({ name: "message", data: { channel: "telegram", chatId: "1", text: "/start" } }),
      });
      expect(add.status).toBeGreaterThanOrEqual(400);
    }
    for (const path of [
      `/api/queues/${inbound.name}/probe-1/retry/failed`,
      `/api/queues/${inbound.name}/probe-1/promote`,
      `/api/queues/${inbound.name}/clean/delayed`,
    ]) {
      const res = await fetch(`${t.url}/admin/queues${path}`, {
        method: "PUT",
        headers: { cookie: a.cookie, "x-csrf-token": csrf },
      });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
    }
    expect(await inbound.count()).toBe(before);
    expect(await inbound.getJob("probe-1")).toBeTruthy();
    // Reading works, without the message text.
    const one = await a.get(`/admin/queues/api/queues/${inbound.name}/probe-1`);
    expect(one.status).toBe(200);
    const body = await one.text();
    expect(body).toContain("probe-1");
    expect(body).not.toContain("0912345678");
    const list = await (
      await a.get(`/admin/queues/api/queues?activeQueue=${inbound.name}&status=delayed&page=1`)
    ).text();
    expect(list).not.toContain("0912345678");
    // The admin's navigation links it while it is mounted.
    expect(await (await a.get("/admin")).text()).toContain('href="/admin/queues/"');
    // Reviewers who are not admins do not see it at all.
    const r = await signInAs(t, lan.id);
    expect((await r.get("/admin/queues/")).status).toBe(403);
    expect(await (await r.get("/admin")).text()).not.toContain('href="/admin/queues/"');
  });

  it("shows only notices the panel wrote: no attacker text from the URL", async () => {
    const a = await signInAs(t, admin.id);
    const evil = "Hồ sơ của quý vị bị hủy, gọi 1900-EVIL";
    for (const path of [
      `/admin?msg=${encodeURIComponent(evil)}`,
      `/admin?msg=${encodeURIComponent(evil)}&err=1`,
      `/admin?notice=${encodeURIComponent(evil)}`,
      `/admin?notice=decision.updated&code=${encodeURIComponent(evil)}&status=${encodeURIComponent(evil)}`,
      `/admin?notice=toString`,
      `/admin/reviewers?notice=__proto__`,
    ]) {
      const page = await (await a.get(path)).text();
      expect(page, path).not.toContain("1900-EVIL");
    }
    const ok = await (
      await a.get("/admin?notice=decision.updated&code=DC-2026-000001&status=approved")
    ).text();
    expect(ok).toContain("Đã cập nhật hồ sơ DC-2026-000001: Đã duyệt.");
  });

  it("answers 404, not 500, for every malformed id, before touching the database", async () => {
    const n = await submitNomination(t.system.db);
    const a = await signInAs(t, admin.id);
    const csrf = await a.csrf();
    const bad = [
      "x",
      "------------------------------------",
      "00000000-0000-0000-0000-00000000000g",
      "DC-2026-1",
      "%27%20or%201%3D1--",
      "a".repeat(300),
    ];
    for (const id of bad) {
      for (const path of [`/admin/n/${id}`, `/admin/n/${n.code}/files/${id}`])
        expect((await a.get(path)).status, path).toBe(404);
      for (const path of [
        `/admin/n/${id}/approve`,
        `/admin/sr/${id}/verify`,
        `/admin/deletions/${id}/erase`,
        `/admin/reviewers/${id}/remove`,
        `/admin/reviewers/${id}/send-link`,
      ]) {
        expect((await a.post(path, { _csrf: csrf })).status, path).toBe(404);
      }
    }
    expect((await a.post(`/admin/n/${n.code}/no-such-action`, { _csrf: csrf })).status).toBe(404);
    expect((await a.post(`/admin/sr/TD-2026-000001/delete`, { _csrf: csrf })).status).toBe(404);
    expect((await t.system.db.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe(
      "submitted",
    );
  });

  it("writes exactly one audit row, by the acting admin, for every change made from the panel", async () => {
    const a = await signInAs(t, admin.id);
    const n = await submitNomination(t.system.db);
    const count = () => t.system.db.auditLog.count();
    let before = await count();
    await a.post(`/admin/n/${n.code}/approve`, { _csrf: await a.csrf() }); // the confirmation page: no row
    expect(await count()).toBe(before);
    await a.post(`/admin/n/${n.code}/approve`, { _csrf: await a.csrf(), confirm: "1" });
    expect(await count()).toBe(before + 1);
    before = await count();
    await a.post(`/admin/n/${n.code}/showcase`, {
      _csrf: await a.csrf(),
      summary: "Một gương điển hình của xã.",
      confirm: "1",
    });
    expect(await count()).toBe(before + 1);
    before = await count();
    await a.post("/admin/reviewers", {
      _csrf: await a.csrf("/admin/reviewers"),
      name: "Người duyệt mới",
      role: "reviewer",
    });
    const added = await t.system.db.reviewer.findUniqueOrThrow({ where: { name: "Người duyệt mới" } });
    await a.post(`/admin/reviewers/${added.id}/remove`, {
      _csrf: await a.csrf("/admin/reviewers"),
      confirm: "1",
    });
    expect(await count()).toBe(before + 2);
    const rows = await t.system.db.auditLog.findMany({
      where: { subjectId: { in: [n.id, added.id] } },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => r.action)).toEqual(["approve", "publish", "reviewer_add", "reviewer_remove"]);
    for (const r of rows) expect(r).toMatchObject({ reviewerId: admin.id, actor: admin.name });
    // A lost race changes nothing and writes nothing.
    before = await count();
    await a.post(`/admin/n/${n.code}/approve`, { _csrf: await a.csrf(), confirm: "1" });
    expect(await count()).toBe(before);
  });

  it("keeps the audit log append-only: no update or delete, a redaction changes only the note and keeps its hash", async () => {
    const { auditId } = await performAction(
      t.system.db,
      { label: "test" },
      { type: "reviewer", id: lan.id },
      "probe",
      async () => ({ value: undefined, audit: { note: "Nguyễn Văn Bí Mật 0912345678" } }),
    );
    await expect(
      t.system.db.$executeRawUnsafe(`update "AuditLog" set note = 'x' where id = ${auditId}`),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.system.db.$executeRawUnsafe(`delete from "AuditLog" where id = ${auditId}`),
    ).rejects.toThrow(/append-only/);
    // Even with the redaction switch set by hand, nothing but the note may change.
    await expect(
      t.system.db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`select set_config('cds.audit_redaction', 'on', true)`);
        await tx.$executeRawUnsafe(
          `update "AuditLog" set actor = 'someone else', "noteHash" = 'x', "redactedAt" = now() where id = ${auditId}`,
        );
      }),
    ).rejects.toThrow(/append-only/);
    const n = await t.system.db.$transaction((tx) =>
      redactAuditNotes(tx, [{ type: "reviewer", id: lan.id }]),
    );
    expect(n).toBeGreaterThanOrEqual(1);
    const row = await t.system.db.auditLog.findUniqueOrThrow({ where: { id: auditId! } });
    expect(row).toMatchObject({ actor: "test", action: "probe", note: "[đã xóa theo yêu cầu]" });
    expect(row.noteHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.redactedAt).not.toBeNull();
    const { createHash } = await import("node:crypto");
    expect(row.noteHash).toBe(createHash("sha256").update("Nguyễn Văn Bí Mật 0912345678").digest("hex"));
  });
});

describe("the one door", () => {
  it("is the only code that writes AuditLog (walks every source file)", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name !== "generated") walk(path);
        } else if (/\.ts$/.test(name) && !path.endsWith(join("review", "audit.ts"))) {
          const text = readFileSync(path, "utf8");
          if (
            /auditLog\s*\.\s*(create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany)\b/.test(
              text,
            ) ||
            /(insert\s+into|update|delete\s+from)\s+"AuditLog"/i.test(text)
          )
            offenders.push(path.slice(ROOT.length));
        }
      }
    };
    walk(join(ROOT, "src"));
    expect(offenders).toEqual([]);
  });

  it("leaves the dashboard out when QUEUE_DASHBOARD_ENABLED=false", async () => {
    const t = await startTestSystem({ QUEUE_DASHBOARD_ENABLED: "false" });
    try {
      const admin = await addReviewer(t.system.db, { name: "Quản trị", role: "admin" });
      const a = await signInAs(t, admin.id);
      expect((await a.get("/admin/queues/")).status).toBe(404);
      const home = await a.get("/admin");
      expect(home.status).toBe(200);
      // No link to a page that is not there.
      expect(await home.text()).not.toContain('href="/admin/queues/"');
    } finally {
      await t.stop();
    }
  });
});
