/**
 * The leaderboard as CSV (UTF-8 with BOM, for Excel) and XLSX for the emulation council. The
 * privacy rule holds in the files: a unit under 5 reports has its count, no percentage, no rank.
 */
import { newWorkbook } from "../spreadsheet/workbook.js";
import type { IndicatorSet } from "../self-reports/indicators.js";
import { LEVEL_NAMES } from "../self-reports/export.js";
import type { LeaderboardEntry } from "./ranking.js";

const TOO_FEW = "Chưa đủ 5 báo cáo: chưa xếp hạng";
const NOTHING_SCORED = "Chưa có chỉ số đủ người trả lời: chưa xếp hạng";

function table(board: LeaderboardEntry[], indicators: IndicatorSet): Array<Array<string | number | null>> {
  const ids = indicators.all.map((i) => i.id);
  const header = [
    "Cấp",
    "Hạng",
    "Cơ quan, đơn vị",
    "Số báo cáo",
    "Mức đạt chỉ tiêu (%)",
    ...ids.map((id) => `${indicators.byId(id)!.label.vi} (%)`),
    "Ghi chú",
  ];
  const rows = board.map((e) => [
    LEVEL_NAMES[e.level],
    e.rank,
    /^[=+\-@\t\r]/.test(e.unit) ? `'${e.unit}` : e.unit,
    e.reports,
    e.score,
    ...ids.map((id) => e.shares[id] ?? null),
    e.rank === null ? (e.reports < 5 ? TOO_FEW : NOTHING_SCORED) : "Số liệu tự khai báo",
  ]);
  return [header, ...rows];
}

const csvField = (v: string | number | null) =>
  v === null ? "" : /[",\r\n;]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);

/** @example res.type("text/csv").send(leaderboardCsv(board, indicators)) */
export function leaderboardCsv(board: LeaderboardEntry[], indicators: IndicatorSet): string {
  return `\uFEFF${table(board, indicators)
    .map((r) => r.map(csvField).join(","))
    .join("\r\n")}\r\n`;
}

/** @example res.send(await leaderboardXlsx(board, indicators, "2026-11")) */
export async function leaderboardXlsx(
  board: LeaderboardEntry[],
  indicators: IndicatorSet,
  title: string,
): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = "Bot Thi đua Chuyển đổi số";
  const ws = wb.addWorksheet(`Xếp hạng ${title}`.slice(0, 31));
  const [header, ...rows] = table(board, indicators);
  ws.addRow(header!);
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: "frozen", ySplit: 1 }];
  for (const r of rows) ws.addRow(r);
  ws.columns.forEach((c, i) => (c.width = i === 2 ? 36 : i === header!.length - 1 ? 40 : 12));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
