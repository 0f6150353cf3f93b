/**
 * The grouping key of a unit name: people type the same unit many ways ("UBND xã Tân Trào",
 * "Ủy ban nhân dân xã Tân Trào", "ubnd xa tan trao"), and the figures must add them up together.
 */

const SPELLED_OUT: Array<[RegExp, string]> = [
  [/\buy ban nhan dan\b/g, "ubnd"],
  [/\bhoi dong nhan dan\b/g, "hdnd"],
  [/\bthanh pho\b/g, "tp"],
  [/\bthi tran\b/g, "tt"],
];

/** @example unitKey("Ủy ban nhân dân  xã Tân Trào.") // "ubnd xa tan trao" */
export function unitKey(unit: string): string {
  let s = unit
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
  for (const [re, short] of SPELLED_OUT) s = s.replace(re, short);
  return s.slice(0, 200);
}
