/**
 * The admin panel's progress page and its exports: reviewers only, SVG bars against target lines,
 * unit names escaped, and CSV/XLSX files that open and hold exactly the progress table's rows.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret, SESSION_COOKIE } from "../../src/admin/auth.js";
import { EXPORT_HEADERS } from "../../src/self-reports/export.js";
import { loadIndicators } from "../../src/self-reports/indicators.js";
import { progressTable, type ProgressRow } from "../../src/self-reports/progress.js";
import { submitSelfReport } from "../../src/self-reports/submission.js";
import { startTestSystem, type TestSystem } from "../support/system.js";
import { generateReports } from "./generated-reports.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);

/** A minimal RFC 4180 parser: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else if (c !== "\r") field += c;
  }
  return rows;
}

/** What an export row may show: below 5 reports only the number of reports (the small-count rule). */
const asCells = (r: ProgressRow) =>
  r.share === null
    ? [r.reports, null, null, null, r.target, null]
    : [r.reports, r.respondents, r.met, r.share, r.target, r.gap];

let t: TestSystem;
let cookie: string;
let rows: ProgressRow[];

beforeAll(async () => {
  t = await startTestSystem();
  const db = t.database.db;
  await generateReports(db, { count: 2_000, units: 40 });
  const p = await db.person.create({ data: { channel: "webchat", externalId: "x", chatId: "x" } });
  await submitSelfReport(db, indicators, {
    personId: p.id,
    idempotencyKey: "x",
    respondentType: "official",
    level: "district",
    unit: '<script>alert(1)</script>, "Sở"',
    answers: { basic_skills: "done" },
    consentVersion: "v1",
    consentAt: new Date(),
  });
  const reviewer = await db.reviewer.create({ data: { name: "Lan", role: "reviewer" } });
  const sid = randomBytes(24).toString("hex");
  await db.adminSession.create({
    data: {
      idHash: hashSecret(sid),
      reviewerId: reviewer.id,
      csrfToken: "c",
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  cookie = `${SESSION_COOKIE}=${sid}`;
  rows = await progressTable(db, indicators);
});
afterAll(async () => {
  await t?.stop();
});

describe("the admin progress page", () => {
  it("is for signed-in reviewers only", async () => {
    for (const path of ["/admin/progress", "/admin/progress/export.csv", "/admin/progress/export.xlsx"]) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(401);
    }
  });

  it("shows each level's bars against the target lines, says the figures are self-reported, and escapes unit names", async () => {
    const res = await fetch(`${t.url}/admin/progress`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("<svg");
    expect(page).toContain("Chỉ tiêu 100%");
    expect(page).toMatch(/stroke-dasharray/); // the target line
    expect(page).toContain("tự khai báo");
    for (const level of ["Cấp tỉnh", "Cấp huyện", "Cấp xã"]) expect(page).toContain(level);
    expect(page).not.toContain("<script>alert(1)</script>");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("shows one unit with its monthly trend", async () => {
    const unit = rows.find((r) => r.unitKey !== null && r.share !== null)!;
    const res = await fetch(
      `${t.url}/admin/progress?level=${unit.level}&unit=${encodeURIComponent(unit.unitKey!)}`,
      { headers: { cookie } },
    );
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain(unit.unit!);
    expect(page).toContain(`Dựa trên <b>${unit.reports}</b> báo cáo tự khai`);
    expect(page).toContain("Diễn biến theo tháng");
  });

  it("exports CSV with a BOM, Vietnamese headers and exactly the progress table's rows", async () => {
    const res = await fetch(`${t.url}/admin/progress/export.csv`, { headers: { cookie } });
    expect(res.headers.get("content-type")).toContain("text/csv");
    const buf = Buffer.from(await res.arrayBuffer());
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const parsed = parseCsv(buf.toString("utf8").slice(1));
    expect(parsed[0]).toEqual([...EXPORT_HEADERS]);
    const body = parsed.slice(1);
    expect(body).toHaveLength(rows.length);
    body.forEach((cells, i) => {
      const r = rows[i]!;
      expect(cells.slice(3, 9)).toEqual(asCells(r).map((v) => (v === null ? "" : String(v))));
      expect(cells[9]).toContain("tự khai báo");
    });
    const odd = body.find((c) => c[1]!.includes("<script>"))!;
    expect(odd[1]).toBe('<script>alert(1)</script>, "Sở"');
  });

  it("shows no answer-derived figure for a unit with fewer than 5 reports (one report: no 'respondents=1, met=1')", async () => {
    const res = await fetch(`${t.url}/admin/progress/export.csv`, { headers: { cookie } });
    const body = parseCsv((await res.text()).replace(/^\uFEFF/, "")).slice(1);
    const lone = body.filter((c) => c[1]!.includes("<script>"));
    expect(lone.length).toBeGreaterThan(0);
    for (const cells of lone) {
      expect(cells[3]).toBe("1"); // how many reports: allowed
      expect(cells.slice(4, 7)).toEqual(["", "", ""]); // respondents, met, share
      expect(cells[8]).toBe(""); // gap
    }
  });

  it("exports XLSX that exceljs opens, with the same rows", async () => {
    const res = await fetch(`${t.url}/admin/progress/export.xlsx`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("Tiến độ")!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([...EXPORT_HEADERS]);
    expect(ws.rowCount).toBe(rows.length + 1);
    rows.forEach((r, i) => {
      const values = (ws.getRow(i + 2).values as unknown[]).slice(1);
      const expected = asCells(r);
      for (let k = 0; k < expected.length; k++) expect(values[3 + k] ?? null).toEqual(expected[k]);
    });
    const hidden = rows.findIndex((r) => r.share === null);
    expect(hidden).toBeGreaterThanOrEqual(0);
    expect(String(ws.getRow(hidden + 2).getCell(10).value)).toContain("Chưa đủ 5 báo cáo");
  });
});
