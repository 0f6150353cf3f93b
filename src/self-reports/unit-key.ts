/**
 * The grouping key of a unit name: people type the same unit many ways ("UBND xã Tân Trào",
 * "Ủy ban nhân dân xã Tân Trào", "ubnd xa tan trao"), and the figures must add them up together.
 */
import { fold } from "../i18n/fold.js";

const SPELLED_OUT: Array<[RegExp, string]> = [
  [/\buy ban nhan dan\b/g, "ubnd"],
  [/\bhoi dong nhan dan\b/g, "hdnd"],
  [/\bthanh pho\b/g, "tp"],
  [/\bthi tran\b/g, "tt"],
];

/** @example unitKey("Ủy ban nhân dân  xã Tân Trào.") // "ubnd xa tan trao" */
export function unitKey(unit: string): string {
  let s = fold(unit);
  for (const [re, short] of SPELLED_OUT) s = s.replace(re, short);
  return s.slice(0, 200);
}
