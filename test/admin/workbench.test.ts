/**
 * The workbench's rules over HTTP, against the real system: localities matched however they are
 * typed, an admin who cannot remove themselves or the last admin, the idle timeout, exports and
 * their audit rows, the signed-out page in words, the PUBLIC_URL warning, evidence links behind an
 * off-site warning, and the panel free of English codes.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { signInAs } from "../support/admin-session.js";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { submitNomination } from "../review/fixtures.js";
import { addReviewer, removeReviewer, ReviewerError } from "../../src/review/reviewers.js";
import { decideNomination } from "../../src/review/decisions.js";
import { foldLocality, localityLookupFromFile, managedLocalityLookup } from "../../src/review/localities.js";
import { setLocalityActive, upsertLocalities } from "../../src/localities/index.js";
import { AUDIT_ACTIONS } from "../../src/admin/audit-filters.js";
import { TRANSITIONS } from "../../src/review/transitions.js";
import { QUESTION_TRANSITIONS } from "../../src/questions/transitions.js";
import { performAction } from "../../src/review/audit.js";
import { hashSecret, SESSION_COOKIE } from "../../src/admin/auth.js";
import { randomBytes, randomUUID } from "node:crypto";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LOCALITIES = `${ROOT}flows/data/localities.yaml`;

describe("canonical localities", () => {
  const lookup = localityLookupFromFile(LOCALITIES);
  it("finds every locality by its name and each alias, with or without diacritics, case or an administrative prefix", () => {
    for (const l of lookup.list()) {
      for (const text of [l.name, ...l.aliases]) {
        for (const variant of [
          text,
          text.toUpperCase(),
          foldLocality(text),
          `Huyện ${text}`,
          `  ${foldLocality(text)}  `,
        ]) {
          expect(lookup.resolve(variant)?.id, `${variant} → ${l.id}`).toBe(l.id);
        }
      }
    }
    expect(lookup.resolve("Huyện Na Hang")?.name).toBe("Huyện Na Hang");
    expect(lookup.resolve("son duong")?.name).toBe("Huyện Sơn Dương");
    expect(lookup.resolve("son duonh")?.name).toBe("Huyện Sơn Dương"); // one typo
    for (const other of ["Hà Nội", "Quận 1", "xyz", "", "na"])
      expect(lookup.resolve(other), other).toBeUndefined();
  });
});

describe("the workbench over HTTP", () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem();
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("tells a signed-out visitor what to do in words, and warns when PUBLIC_URL is unset", async () => {
    const res = await fetch(`${t.url}/admin`);
    expect(res.status).toBe(401);
    const page = await res.text();
    expect(page).toContain("nhắn <b>/dangnhap</b> cho bot");
    expect(page).not.toContain("npm");
    const admin = await addReviewer(t.system.db, { name: "QT Cảnh báo", role: "admin" });
    const a = await signInAs(t, admin.id);
    expect(await (await a.get("/admin")).text()).toContain("Chưa cấu hình địa chỉ công khai (PUBLIC_URL)");
  });

  it("ends a session idle for more than 60 minutes, and keeps one that was used recently", async () => {
    const r = await addReviewer(t.system.db, { name: "Người duyệt Idle" });
    const session = async (idleMinutes: number) => {
      const sid = randomBytes(24).toString("hex");
      await t.system.db.adminSession.create({
        data: {
          idHash: hashSecret(sid),
          reviewerId: r.id,
          csrfToken: "c",
          expiresAt: new Date(Date.now() + 3_600_000 * 6),
          lastSeenAt: new Date(Date.now() - idleMinutes * 60_000),
        },
      });
      return {
        sid,
        status: (await fetch(`${t.url}/admin`, { headers: { cookie: `${SESSION_COOKIE}=${sid}` } })).status,
      };
    };
    expect((await session(59)).status).toBe(200);
    const idle = await session(61);
    expect(idle.status).toBe(401);
    expect(await t.system.db.adminSession.count({ where: { idHash: hashSecret(idle.sid) } })).toBe(0);
  });

  it("never lets an admin remove themselves, nor anyone remove the last admin", async () => {
    const db = t.system.db;
    await db.reviewer.updateMany({ where: { role: "admin" }, data: { active: false } });
    const only = await addReviewer(db, { name: "QT Duy Nhất", role: "admin" });
    const a = await signInAs(t, only.id);
    const res = await a.post(`/admin/reviewers/${only.id}/remove`, {
      _csrf: await a.csrf("/admin/reviewers"),
      confirm: "1",
    });
    expect(res.headers.get("location")).toContain("notice=reviewers.self");
    expect(await (await a.get("/admin/reviewers")).text()).toContain("(quý anh/chị)");
    await expect(removeReviewer(db, only.name, { label: "cli" })).rejects.toMatchObject({
      reason: "last_admin",
    } satisfies Partial<ReviewerError>);
    expect((await db.reviewer.findUniqueOrThrow({ where: { id: only.id } })).active).toBe(true);
    // With a second admin, either may remove the other (after confirming).
    const second = await addReviewer(db, { name: "QT Thứ Hai", role: "admin" });
    expect(
      (await a.post(`/admin/reviewers/${second.id}/remove`, { _csrf: await a.csrf("/admin/reviewers") }))
        .status,
    ).toBe(200);
    expect((await db.reviewer.findUniqueOrThrow({ where: { id: second.id } })).active).toBe(true);
    expect(
      (
        await a.post(`/admin/reviewers/${second.id}/remove`, {
          _csrf: await a.csrf("/admin/reviewers"),
          confirm: "1",
        })
      ).headers.get("location"),
    ).toContain("notice=reviewers.removed");
    expect((await db.reviewer.findUniqueOrThrow({ where: { id: second.id } })).active).toBe(false);
  });

  it("records every export in the audit log, and exports the log itself in Vietnamese", async () => {
    const db = t.system.db;
    const r = await addReviewer(db, { name: "Người duyệt Xuất" });
    const n = await submitNomination(db, { locality: "na hang" });
    await decideNomination(db, { nominationId: n.id, action: "approve", reviewer: r });
    const a = await signInAs(t, r.id);
    const csv = await (await a.get("/admin/export.csv?view=all")).text();
    expect(csv).toContain("Huyện Na Hang"); // the canonical name, not the typed one
    const xlsx = await a.get(`/admin/audit.xlsx?reviewer=${r.id}`);
    expect(xlsx.status).toBe(200);
    const rows = await db.auditLog.findMany({
      where: { reviewerId: r.id, action: { in: ["export", "audit_export"] } },
      orderBy: { id: "asc" },
    });
    expect(rows.map((x) => x.action)).toEqual(["export", "audit_export"]);
    expect(rows[0]!.note).toMatch(/hồ sơ, tệp CSV/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const cells = wb.worksheets[0]!.getSheetValues().flat().map(String).join(" ");
    expect(cells).toContain("Duyệt");
    expect(cells).toContain("Người duyệt Xuất");
    expect(cells).not.toMatch(/\bapprove\b/);
  });

  it("reads the queue's localities from the managed table: an import is found however typed, a retired one leaves the dropdown but keeps its name", async () => {
    const db = t.system.db;
    const lookup = managedLocalityLookup(db, { maxAgeMs: 0 });
    await lookup.refresh();
    expect(lookup.resolve("na hang")?.name).toBe("Huyện Na Hang"); // seeded from the shipped list
    expect(lookup.resolve("Bình Thuận Mới")).toBeUndefined();
    await upsertLocalities(
      db,
      [
        {
          id: "tq-binh-thuan-moi",
          name: "Xã Bình Thuận Mới",
          kind: "commune",
          aliases: ["binh thuan moi"],
          levels: [],
          active: true,
        },
      ],
      { actor: "test", source: "test import" },
    );
    await lookup.refresh();
    expect(lookup.resolve("binh thuan moi")?.id).toBe("tq-binh-thuan-moi");
    expect(lookup.resolve("Bình Thuận Mới")?.id).toBe("tq-binh-thuan-moi"); // without its "Xã"
    expect(lookup.list().map((l) => l.id)).toContain("tq-binh-thuan-moi");
    await setLocalityActive(db, "tq-binh-thuan-moi", false, "test");
    await lookup.refresh();
    expect(lookup.list().map((l) => l.id)).not.toContain("tq-binh-thuan-moi");
    expect(lookup.byId("tq-binh-thuan-moi")?.name).toBe("Xã Bình Thuận Mới");
  });

  it("shows the questions', localities', announcements' and leaderboard's rows in the audit log in Vietnamese", async () => {
    const db = t.system.db;
    const admin = await addReviewer(db, { name: "QT Nhật ký chung", role: "admin" });
    const actor = { reviewerId: admin.id, label: admin.name };
    // As the questions inbox, the locality pages and the announcements page write them (through performAction).
    await performAction(db, actor, { type: "question", id: randomUUID() }, "claim", async () => ({
      value: undefined,
      audit: { fromStatus: "new", toStatus: "claimed" },
    }));
    await performAction(db, actor, { type: "faq_entry", id: randomUUID() }, "faq_publish", async () => ({
      value: undefined,
      audit: { toStatus: "published" },
    }));
    await performAction(db, actor, { type: "locality", id: "tq-na-hang" }, "retire", async () => ({
      value: undefined,
      audit: {},
    }));
    await performAction(db, actor, { type: "announcement", id: randomUUID() }, "schedule", async () => ({
      value: undefined,
      audit: {},
    }));
    const a = await signInAs(t, admin.id);
    const res = await a.get(`/admin/audit?reviewer=${admin.id}`);
    expect(res.status).toBe(200);
    const text = (await res.text()).replace(/<[^>]+>/g, " ");
    for (const words of [
      "Nhận trả lời câu hỏi",
      "Mới",
      "Đang trả lời",
      "Đăng câu hỏi thường gặp",
      "Đã đăng",
      "Ngừng dùng địa bàn",
      "Hẹn giờ gửi thông báo",
    ])
      expect(text, words).toContain(words);
    expect(text).not.toMatch(/\b(claim|claimed|faq_publish|published|retire|schedule)\b/);
    const xlsx = await a.get(`/admin/audit.xlsx?reviewer=${admin.id}`);
    expect(xlsx.status).toBe(200);
  });

  it("finds nominations by code, nominee or unit typed with or without diacritics, and claims several at once", async () => {
    const db = t.system.db;
    const r = await addReviewer(db, { name: "Người duyệt Tìm" });
    const other = await addReviewer(db, { name: "Người duyệt Khác" });
    const hung = await submitNomination(db, {
      nomineeName: "Hoàng Văn Hùng Tìm",
      nomineeUnit: "UBND xã Kim Bình Tìm",
    });
    const second = await submitNomination(db, { nomineeName: "Đặng Thị Đào Tìm" });
    const taken = await submitNomination(db, { nomineeName: "Lý Văn Tìm" });
    const a = await signInAs(t, r.id);
    const codesFor = async (q: string) =>
      [
        ...(await (await a.get(`/admin?q=${encodeURIComponent(q)}`)).text()).matchAll(
          /href="\/admin\/n\/(DC-\d{4}-\d{6})"/g,
        ),
      ].map((m) => m[1]);
    expect(await codesFor("hoang van hung tim")).toEqual([hung.code]);
    expect(await codesFor("HOÀNG VĂN")).toContain(hung.code);
    expect(await codesFor("kim binh tim")).toEqual([hung.code]);
    expect(await codesFor("dang thi dao")).toEqual([second.code]);
    expect(await codesFor(hung.code.slice(-6))).toEqual([hung.code]);
    expect(await codesFor("100%_")).toEqual([]); // LIKE wildcards are text
    // Bulk claim: one of the three was taken meanwhile; the other two are mine.
    await decideNomination(db, { nominationId: taken.id, action: "claim", reviewer: other });
    const res = await fetch(`${t.url}/admin/claim`, {
      method: "POST",
      headers: { cookie: a.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([
        ["_csrf", await a.csrf()],
        ["code", hung.code],
        ["code", second.code],
        ["code", taken.code],
      ]).toString(),
      redirect: "manual",
    });
    expect(res.headers.get("location")).toContain("notice=queue.bulk_claimed");
    expect(await (await a.get(res.headers.get("location")!)).text()).toContain(
      "Đã nhận xử lý 2/3 hồ sơ đã chọn",
    );
    const rows = await db.nomination.findMany({
      where: { id: { in: [hung.id, second.id, taken.id] } },
      select: { id: true, claimedById: true },
    });
    expect(Object.fromEntries(rows.map((x) => [x.id, x.claimedById]))).toEqual({
      [hung.id]: r.id,
      [second.id]: r.id,
      [taken.id]: other.id,
    });
  });

  it("opens an evidence link only through an off-site warning, with rel=noopener noreferrer", async () => {
    const db = t.system.db;
    const r = await addReviewer(db, { name: "Người duyệt Liên kết" });
    const n = await submitNomination(db);
    const att = await db.attachment.create({
      data: { nominationId: n.id, kind: "link", url: "https://drive.example.vn/minh-chung?id=42" },
    });
    const a = await signInAs(t, r.id);
    expect(await (await a.get(`/admin/n/${n.code}`)).text()).toContain(
      `href="/admin/n/${n.code}/links/${att.id}"`,
    );
    const warning = await (await a.get(`/admin/n/${n.code}/links/${att.id}`)).text();
    expect(warning).toContain("Liên kết này dẫn ra ngoài hệ thống");
    expect(warning).toContain(
      `href="https://drive.example.vn/minh-chung?id=42" target="_blank" rel="noopener noreferrer"`,
    );
  });

  it("answers invalid forms in Vietnamese from the server (no browser-language validation bubbles)", async () => {
    const db = t.system.db;
    const admin = await addReviewer(db, { name: "QT Kiểm Tra", role: "admin" });
    const a = await signInAs(t, admin.id);
    const reviewers = await (await a.get("/admin/reviewers")).text();
    const n = await submitNomination(db);
    const detail = await (await a.get(`/admin/n/${n.code}`)).text();
    for (const page of [reviewers, detail])
      expect(page).not.toMatch(/\srequired[\s>]|\spattern=|\sminlength=/);
    const shown = async (res: Response) =>
      (await (await a.get(res.headers.get("location")!)).text()).match(
        /<div class="notice[^"]*" role="status">([^<]*)</,
      )?.[1];
    expect(
      await shown(
        await a.post("/admin/reviewers", {
          _csrf: await a.csrf("/admin/reviewers"),
          name: "Người Mới",
          telegramId: "12ab",
        }),
      ),
    ).toContain("Telegram ID chỉ gồm chữ số");
    expect(await db.reviewer.count({ where: { name: "Người Mới" } })).toBe(0);
    expect(
      await shown(
        await a.post("/admin/reviewers", {
          _csrf: await a.csrf("/admin/reviewers"),
          name: "",
          telegramId: "",
        }),
      ),
    ).toBe("Họ tên phải có từ 1 đến 120 ký tự.");
    expect(
      await shown(await a.post(`/admin/n/${n.code}/reject`, { _csrf: await a.csrf(), note: "  " })),
    ).toContain("Vui lòng ghi lý do");
    await decideNomination(db, { nominationId: n.id, action: "approve", reviewer: admin });
    const short = await a.post(`/admin/n/${n.code}/showcase`, {
      _csrf: await a.csrf(),
      summary: "ngắn",
      confirm: "1",
    });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("Tóm tắt công khai cần từ 10 đến 220 ký tự");
    const long = await a.post(`/admin/n/${n.code}/showcase`, {
      _csrf: await a.csrf(),
      summary: "x".repeat(221),
      confirm: "1",
    });
    expect(long.status).toBe(400);
    expect((await db.nomination.findUniqueOrThrow({ where: { id: n.id } })).publishable).toBe(false);
  });

  it("shows no English code on the panel's pages", async () => {
    const db = t.system.db;
    const admin = await addReviewer(db, { name: "QT Ngôn Ngữ", role: "admin" });
    const n = await submitNomination(db);
    await decideNomination(db, {
      nominationId: n.id,
      action: "request_info",
      reviewer: admin,
      note: "Bổ sung minh chứng",
    });
    const a = await signInAs(t, admin.id);
    const codes =
      /\b(claim|release|approve|reject|request_info|answer|withdraw|takeover|submitter|submitted|in_review|needs_info|commune|district|province|reviewer_add|sign_in|login_link_issue)\b/;
    for (const path of [
      "/admin",
      "/admin?view=all",
      `/admin/n/${n.code}`,
      "/admin/audit",
      "/admin/reviewers",
      "/admin/deletions",
    ]) {
      const page = await (await a.get(path)).text();
      // Visible text only: attributes (URLs such as /approve, css classes) are not read by reviewers.
      const text = page.replace(/<style>[\s\S]*?<\/style>/g, "").replace(/<[^>]+>/g, " ");
      expect(text.match(codes)?.[0], path).toBeUndefined();
    }
    // The system queues' dashboard (bull-board, in English) carries a Vietnamese title and a way back.
    const board = await (await a.get("/admin/queues/")).text();
    expect(board).toContain("Hàng đợi hệ thống");
    expect(board).toContain("← Về trang quản trị");
  });
});

describe("the audit log's wording", () => {
  it("has Vietnamese and English words for every action any code writes", () => {
    const vi = parse(readFileSync(`${ROOT}locales/vi/admin.yaml`, "utf8")).admin.audit.actions as Record<
      string,
      string
    >;
    const en = parse(readFileSync(`${ROOT}locales/en/admin.yaml`, "utf8")).admin.audit.actions as Record<
      string,
      string
    >;
    // Every action named in a performAction call, plus every transition.
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) =>
        statSync(join(dir, f)).isDirectory()
          ? f === "generated"
            ? []
            : walk(join(dir, f))
          : f.endsWith(".ts")
            ? [join(dir, f)]
            : [],
      );
    const written = new Set<string>(Object.keys(TRANSITIONS));
    for (const file of walk(`${ROOT}src`)) {
      const src = readFileSync(file, "utf8");
      for (const m of src.matchAll(/performAction\([\s\S]{0,300}?\},\s*"([a-z_]+)"/g)) written.add(m[1]!);
      // The pages' small audit(reviewer, id, "action") helpers (both results of a conditional action), and the actions of a loop over routes.
      for (const m of src.matchAll(
        /\baudit\([^,()]+,\s*[^,()]+(?:\([^()]*\))?,\s*([^)]*?)(?:,\s*[^,)]*)?\)/g,
      ))
        for (const q of m[1]!.matchAll(/(?:^|[?:]\s*)"([a-z_]+)"/g)) written.add(q[1]!);
      for (const m of src.matchAll(/for \(const action of \[([^\]]+)\]/g))
        if (/\baudit\(/.test(src)) for (const q of m[1]!.matchAll(/"([a-z_]+)"/g)) written.add(q[1]!);
    }
    // The questions inbox records its transitions, and the FAQ its faq_* actions, through recordAction (→ performAction).
    for (const action of Object.keys(QUESTION_TRANSITIONS)) written.add(action);
    for (const m of readFileSync(`${ROOT}src/faq/store.ts`, "utf8").matchAll(
      /(?:snapshot\(tx, |changeStatus\(deps, )[^"\n]*?"([a-z]+)"/g,
    ))
      written.add(`faq_${m[1]!}`);
    expect(written.size).toBeGreaterThan(15);
    for (const action of written) {
      expect(AUDIT_ACTIONS as readonly string[], action).toContain(action);
      expect(vi[action], action).toBeTruthy();
      expect(en[action], action).toBeTruthy();
    }
  });
});
