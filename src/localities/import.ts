/**
 * Reads a locality list from CSV or XLSX, as an admin exports it from a spreadsheet. Columns (the
 * header row names them, Vietnamese or English, any order): ma/id, ten/name, ten_en/name_en,
 * loai/kind, ten_khac/aliases (separated by ";"), hieu_luc/active (1/0, có/không). Every bad row is
 * reported with its line number; nothing is imported unless every row is good.
 */
import { newWorkbook } from "../spreadsheet/workbook.js";
import {
  LOCALITY_KINDS,
  LocalityImportError,
  localityInputSchema,
  type LocalityInput,
} from "./localities.js";

const HEADERS: Record<string, keyof LocalityInput> = {
  ma: "id",
  id: "id",
  code: "id",
  ten: "name",
  name: "name",
  ten_vi: "name",
  ten_en: "nameEn",
  name_en: "nameEn",
  "ten tieng anh": "nameEn",
  loai: "kind",
  kind: "kind",
  cap: "kind",
  ten_khac: "aliases",
  aliases: "aliases",
  "ten khac": "aliases",
  hieu_luc: "active",
  active: "active",
  "hieu luc": "active",
  ap_dung_cho: "levels",
  levels: "levels",
  "ap dung cho": "levels",
};
/** Vietnamese kind words accepted in the "loai" column. */
const KIND_WORDS: Record<string, (typeof LOCALITY_KINDS)[number]> = {
  tinh: "province",
  huyen: "district",
  "thanh pho": "city",
  xa: "commune",
  phuong: "ward",
  "dac khu": "special",
  khac: "other",
  "thi tran": "commune",
  "thi xa": "city",
};

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .trim();

/** Parses CSV text (comma or semicolon, quoted fields, UTF-8 with or without BOM). */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/, "");
  const firstLine = src.split(/\r?\n/, 1)[0] ?? "";
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows.filter((r) => r.some((f) => f.trim()));
}

/** The cell texts of the first worksheet of an XLSX file. */
export async function parseXlsx(bytes: Buffer): Promise<string[][]> {
  const wb = await newWorkbook();
  await wb.xlsx.load(bytes as never);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const rows: string[][] = [];
  ws.eachRow((r) => {
    const cells: string[] = [];
    r.eachCell({ includeEmpty: true }, (c, col) => (cells[col - 1] = c.text ?? ""));
    rows.push(Array.from(cells, (v) => v ?? ""));
  });
  return rows.filter((r) => r.some((f) => f.trim()));
}

/** Turns a table (header row first) into validated rows, or throws LocalityImportError listing every problem. */
export function rowsToLocalities(table: string[][]): LocalityInput[] {
  const [header, ...body] = table;
  if (!header) throw new LocalityImportError(["the file is empty"]);
  const cols = header.map(
    (h) => HEADERS[fold(h).replace(/\s+/g, " ")] ?? HEADERS[fold(h).replace(/\s+/g, "_")],
  );
  if (!cols.includes("id") || !cols.includes("name") || !cols.includes("kind"))
    throw new LocalityImportError([
      "the header row needs at least the columns ma, ten, loai (or id, name, kind)",
    ]);
  const problems: string[] = [];
  const out: LocalityInput[] = [];
  body.forEach((cells, i) => {
    const raw: Record<string, unknown> = {};
    cols.forEach((k, j) => {
      if (!k) return;
      const v = (cells[j] ?? "").trim();
      if (k === "aliases")
        raw.aliases = v
          ? v
              .split(";")
              .map((s) => s.trim())
              .filter(Boolean)
          : [];
      else if (k === "levels")
        raw.levels = v
          ? v
              .split(";")
              .map(
                (s) =>
                  ({
                    tinh: "province",
                    "cap tinh": "province",
                    huyen: "district",
                    "cap huyen": "district",
                    xa: "commune",
                    "cap xa": "commune",
                  })[fold(s)] ?? fold(s),
              )
              .filter(Boolean)
          : [];
      else if (k === "active")
        raw.active = v === "" ? true : ["1", "co", "yes", "true", "x"].includes(fold(v));
      else if (k === "kind") raw.kind = KIND_WORDS[fold(v)] ?? fold(v);
      else if (k === "nameEn") raw.nameEn = v || undefined;
      else raw[k] = v;
    });
    const parsed = localityInputSchema.safeParse(raw);
    if (parsed.success) out.push(parsed.data);
    else
      problems.push(
        `dòng ${i + 2}: ${parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join(", ")}`,
      );
  });
  if (problems.length) throw new LocalityImportError(problems);
  if (!out.length) throw new LocalityImportError(["the file has no rows below the header"]);
  return out;
}
