/**
 * The progress table as CSV (UTF-8 with a BOM, so Excel shows Vietnamese diacritics) and XLSX
 * (exceljs), with Vietnamese headers, for the Department's reports. The privacy rule holds in the
 * files too: below 5 reports a row shows how many reports there are and nothing else — the
 * respondents, met and gap columns stay empty, because "1 respondent, 1 met" is one person's answer.
 */
import { newWorkbook } from "../spreadsheet/workbook.js";
import type { IndicatorSet, Level } from "./indicators.js";
import type { ProgressRow } from "./progress.js";

export const LEVEL_NAMES: Record<Level, string> = {
  province: "Cấp tỉnh",
  district: "Cấp huyện",
  commune: "Cấp xã",
};

export const EXPORT_HEADERS = [
  "Cấp",
  "Cơ quan, đơn vị",
  "Chỉ số",
  "Số báo cáo của đơn vị",
  "Số người trả lời",
  "Số đạt",
  "Tỉ lệ đạt (%)",
  "Chỉ tiêu (%)",
  "Còn thiếu (điểm %)",
  "Ghi chú",
] as const;

const ALL_UNITS = "Toàn cấp";
const SELF_REPORTED = "Số liệu tự khai báo";
const TOO_FEW = "Chưa đủ 5 báo cáo để hiển thị tỉ lệ";

/** Neutralises spreadsheet formula injection in text typed by users (unit names). */
function safeCell(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function cells(rows: ProgressRow[], indicators: IndicatorSet): Array<Array<string | number | null>> {
  return rows.map((r) => {
    // The privacy rule hid the share (share === null): hide every figure derived from answers too.
    const hidden = r.share === null;
    return [
      LEVEL_NAMES[r.level],
      r.unitKey === null ? ALL_UNITS : safeCell(r.unit ?? r.unitKey),
      indicators.byId(r.indicator)?.label.vi ?? r.indicator,
      r.reports,
      hidden ? null : r.respondents,
      hidden ? null : r.met,
      r.share,
      r.target,
      hidden ? null : r.gap,
      hidden ? `${SELF_REPORTED}. ${TOO_FEW}` : SELF_REPORTED,
    ];
  });
}

function csvField(v: string | number | null): string {
  if (v === null) return "";
  const s = typeof v === "number" ? String(v) : v;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** @example res.type("text/csv").send(progressCsv(rows, indicators)) */
export function progressCsv(rows: ProgressRow[], indicators: IndicatorSet): string {
  const lines = [
    EXPORT_HEADERS.map(csvField).join(","),
    ...cells(rows, indicators).map((r) => r.map(csvField).join(",")),
  ];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** @example res.send(await progressXlsx(rows, indicators)) */
export async function progressXlsx(rows: ProgressRow[], indicators: IndicatorSet): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = "Bot Thi đua Chuyển đổi số";
  const ws = wb.addWorksheet("Tiến độ");
  ws.addRow([...EXPORT_HEADERS]);
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: "frozen", ySplit: 1 }];
  for (const r of cells(rows, indicators)) ws.addRow(r);
  const widths = [11, 36, 32, 12, 12, 10, 12, 12, 14, 44];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
