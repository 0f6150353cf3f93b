/**
 * Exports of the filtered review queue for the Department's spreadsheets: CSV (UTF-8 with a BOM,
 * so Excel shows Vietnamese diacritics) and XLSX (exceljs), with Vietnamese headers. Cells that a
 * spreadsheet would run as a formula (= + - @, tab, CR) are prefixed with a quote.
 */
import { newWorkbook } from "../spreadsheet/workbook.js";
import type { Translator } from "../i18n/locales.js";
import type { QueueRow } from "./queue-filters.js";

const HEADERS = [
  "Mã hồ sơ",
  "Ngày gửi",
  "Loại",
  "Người/tập thể được đề cử",
  "Cơ quan, đơn vị",
  "Địa bàn",
  "Thành tích",
  "Số minh chứng",
  "Người đề cử",
  "Điện thoại",
  "Quan hệ",
  "Trạng thái",
  "Người nhận xử lý",
  "Người quyết định",
  "Ngày quyết định",
  "Ghi chú",
  "Công bố",
];

/** Neutralises spreadsheet formula injection. */
export function safeCell(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function vnDate(d: Date | null | undefined): string {
  if (!d) return "";
  return new Intl.DateTimeFormat("vi-VN", {
    timeZone: "Asia/Ho_Chi_Minh",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(d);
}

function rowsOf(rows: QueueRow[], i18n: Translator, localityName: (n: QueueRow) => string): string[][] {
  return rows.map((n) =>
    [
      n.code,
      vnDate(n.createdAt),
      i18n.t("vi", `review.category.${n.category}`),
      n.nomineeName,
      n.nomineeUnit,
      localityName(n),
      n.achievements,
      String(n._count.attachments),
      n.nominatorName,
      n.nominatorPhone,
      n.relation,
      i18n.t("vi", `review.status.${n.status}`),
      n.claimedBy?.name ?? "",
      n.decidedBy?.name ?? "",
      vnDate(n.decidedAt),
      n.decisionNote ?? n.infoRequestNote ?? "",
      n.publishable ? "Có" : "",
    ].map(safeCell),
  );
}

/** @example res.type("text/csv").send(toCsv(rows, i18n)) */
export function toCsv(
  rows: QueueRow[],
  i18n: Translator,
  localityName: (n: QueueRow) => string = (n) => n.locality,
): string {
  const quote = (s: string) => (/[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [HEADERS, ...rowsOf(rows, i18n, localityName)].map((r) => r.map(quote).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export async function toXlsx(
  rows: QueueRow[],
  i18n: Translator,
  localityName: (n: QueueRow) => string = (n) => n.locality,
): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = "Bot Thi đua Chuyển đổi số";
  const ws = wb.addWorksheet("Hồ sơ đề cử");
  ws.addRow(HEADERS).font = { bold: true };
  for (const r of rowsOf(rows, i18n, localityName)) ws.addRow(r);
  ws.columns.forEach((c, i) => (c.width = [16, 17, 24, 28, 28, 20, 50][i] ?? 16));
  ws.views = [{ state: "frozen", ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** One audit row as the log's XLSX export shows it, already in Vietnamese. */
export interface AuditExportRow {
  at: Date;
  code: string | null;
  actor: string;
  action: string;
  transition: string;
  note: string | null;
}

/** The audit log (filtered) as XLSX, with the same Vietnamese wording as the page. */
export async function auditXlsx(rows: AuditExportRow[]): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = "Bot Thi đua Chuyển đổi số";
  const ws = wb.addWorksheet("Nhật ký xử lý");
  ws.addRow(["Thời gian", "Mã", "Người thực hiện", "Thao tác", "Từ → Đến", "Ghi chú"]).font = { bold: true };
  for (const r of rows)
    ws.addRow([vnDate(r.at), r.code ?? "", r.actor, r.action, r.transition, r.note ?? ""].map(safeCell));
  ws.columns.forEach((c, i) => (c.width = [17, 16, 24, 22, 24, 50][i] ?? 16));
  ws.views = [{ state: "frozen", ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
