/**
 * ExcelJS, loaded on the first spreadsheet a process builds or reads. Exports and imports are rare
 * (an official clicking "download" or "import"), while ExcelJS and its dependencies (jszip, pako,
 * saxes, archiver…) cost every process several MB of heap from start-up: the worker processes never
 * touch a spreadsheet at all.
 */
import type ExcelJS from "exceljs";

let loading: Promise<typeof ExcelJS> | undefined;

/** @example const wb = await newWorkbook(); wb.addWorksheet("Tiến độ") */
export async function newWorkbook(): Promise<ExcelJS.Workbook> {
  loading ??= import("exceljs").then((m) => m.default);
  const lib = await loading;
  return new lib.Workbook();
}
