/**
 * Localities as managed data: seeded from the shipped YAML, imported from CSV/XLSX through the
 * admin panel's real upload route, edited and retired with history; the next nomination uses an
 * import at once (no restart), typed with or without diacritics and "xã"/"phường"; filed
 * nominations keep the name they were filed with; an unknown name is kept as "khác: …".
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeLocalityOptions } from "../../src/localities/index.js";
import { matchChoice } from "../../src/conversation/input.js";
import { normalizeVietnamese } from "../../src/knowledge/index.js";
import { codeIn, fillNominationUntilSummary } from "../support/nomination.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { signInAdmin } from "../announcements/support.js";

const CSV = `\uFEFFma;ten;loai;ten_en;ten_khac;hieu_luc
xa-minh-quang;Xã Minh Quang;xa;Minh Quang Commune;;1
p-minh-xuan;Phường Minh Xuân;phuong;Minh Xuan Ward;;1
xa-thuong-lam;"Xã Thượng Lâm";xã;;Thượng Lâm Lâm Bình;1
tinh-tq;Tỉnh Tuyên Quang;tinh;Tuyen Quang Province;cấp tỉnh;1
`;

describe("localities", () => {
  let t: TestSystem;
  let admin: Awaited<ReturnType<typeof signInAdmin>>;
  beforeAll(async () => {
    t = await startTestSystem();
    admin = await signInAdmin(t.database.db, t.url);
  });
  afterAll(async () => {
    await t?.stop();
  });
  const db = () => t.database.db;
  const upload = async (name: string, bytes: Buffer | string, type: string, retireOthers = false) => {
    const csrf = await admin.csrf("/admin/localities");
    const form = new FormData();
    form.set("file", new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], { type }), name);
    if (retireOthers) form.set("retireOthers", "1");
    const res = await fetch(`${t.url}/admin/localities/import?_csrf=${encodeURIComponent(csrf)}`, {
      method: "POST",
      headers: { cookie: admin.cookie },
      body: form,
    });
    return res;
  };
  const nominate = async (locality: string, nominee: string) => {
    await new Promise((r) => setTimeout(r, 10_050 - (Date.now() % 10_000))); // a fresh flood-protection window
    const u = new WebchatUser(t.url);
    await fillNominationUntilSummary(u, { locality, nominee }, 100);
    const code = codeIn(await u.ask("xác nhận", 500));
    expect(code).toBeTruthy();
    return db().nomination.findUniqueOrThrow({
      where: { code: code! },
      select: { locality: true, localityId: true },
    });
  };

  it("starts from the shipped list, marked as the old (pre-July 2025) one", async () => {
    expect(await db().locality.count({ where: { active: true } })).toBeGreaterThanOrEqual(8);
    expect(await (await admin.get("/admin/localities")).text()).toContain("danh sách CŨ");
  });

  it("an import is used by the very next nomination, without a restart; filed nominations keep their name", async () => {
    const before = await nominate("yen son", "Hà Thị Một");
    expect(before).toEqual({ locality: "yen son", localityId: "tq-yen-son" });

    const res = await upload("xa-phuong.csv", CSV, "text/csv", true);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/4 mới/);
    expect(await db().locality.count({ where: { active: true } })).toBe(4);

    // Typed without diacritics and without "xã": matched to the imported commune.
    expect(await nominate("minh quang", "Hà Thị Hai")).toEqual({
      locality: "minh quang",
      localityId: "xa-minh-quang",
    });
    // A retired (old district) name is no longer matched: kept as typed, as "khác: …".
    expect(await nominate("Yên Sơn", "Hà Thị Ba")).toEqual({ locality: "khác: Yên Sơn", localityId: null });
    // The nomination filed before the import is unchanged.
    expect(
      await db().nomination.findFirst({
        where: { nomineeName: "Hà Thị Một" },
        select: { locality: true, localityId: true },
      }),
    ).toEqual(before);
  }, 90_000);

  it("matches every active locality typed in every usual way", async () => {
    const options = (await activeLocalityOptions(db())).map((o) => ({
      id: o.id,
      label: o.label.vi,
      aliases: [o.label.vi, o.label.en, ...o.aliases],
    }));
    expect(options.length).toBeGreaterThanOrEqual(4);
    for (const o of options) {
      const bare = o.label.replace(/^(xã|phường|tỉnh|thành phố|huyện)\s+/i, "");
      for (const typed of [
        o.label,
        o.label.toLowerCase(),
        normalizeVietnamese(o.label),
        bare,
        normalizeVietnamese(bare),
        `  ${bare.toUpperCase()} `,
      ]) {
        expect(matchChoice(typed, options, { numbers: false })?.id, typed).toBe(o.id);
      }
    }
  });

  it("imports XLSX, refuses a file with bad rows (line numbers, nothing changed), and keeps a history of edits and retirements", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("DM");
    ws.addRow(["ma", "ten", "loai"]);
    ws.addRow(["dk-ly-son", "Đặc khu Thử Nghiệm", "dac khu"]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const ok = await upload(
      "dm.xlsx",
      xlsx,
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(ok.status).toBe(200);
    expect(
      await db().locality.findUnique({ where: { id: "dk-ly-son" }, select: { kind: true, active: true } }),
    ).toEqual({ kind: "special", active: true });

    const count = await db().locality.count();
    const bad = await upload(
      "bad.csv",
      "ma,ten,loai\nok-1,Xã Tốt,xa\n,Không mã,xa\nx-2,Xã Lạ,vu tru\n",
      "text/csv",
    );
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toMatch(/dòng 3/);
    expect(text).toMatch(/dòng 4/);
    expect(await db().locality.count()).toBe(count);

    const csrf = await admin.csrf("/admin/localities");
    expect(
      (
        await admin.post(
          "/admin/localities/xa-minh-quang",
          new URLSearchParams({
            _csrf: csrf,
            name: "Xã Minh Quang",
            kind: "commune",
            aliases: "Minh Quang Chiêm Hóa",
          }),
        )
      ).status,
    ).toBe(303);
    expect(
      (await admin.post("/admin/localities/xa-thuong-lam/retire", new URLSearchParams({ _csrf: csrf })))
        .status,
    ).toBe(303);
    const history = await db().localityChange.findMany({
      where: { localityId: { in: ["xa-minh-quang", "xa-thuong-lam"] } },
      orderBy: { id: "asc" },
      select: { localityId: true, action: true, actor: true },
    });
    expect(history.map((h) => `${h.localityId}:${h.action}`)).toEqual([
      "xa-minh-quang:create",
      "xa-thuong-lam:create",
      "xa-minh-quang:update",
      "xa-thuong-lam:retire",
    ]);
    expect(history.every((h) => h.actor === admin.admin.name)).toBe(true);
    expect(await (await admin.get("/admin/localities/xa-minh-quang")).text()).toContain(
      "Minh Quang Chiêm Hóa",
    );
    expect((await activeLocalityOptions(db())).some((o) => o.id === "xa-thuong-lam")).toBe(false);
  });
});
