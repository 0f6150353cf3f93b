/**
 * Recognises a question about one's own unit's figures ("đơn vị tôi đạt bao nhiêu phần trăm kỹ
 * năng số?") and names the indicator it is about, by the indicators' keywords. Kept narrow on
 * purpose: it must name the asker's unit and ask for a share, so ordinary questions about the
 * plan's targets still go to the knowledge base.
 */
import { fold as foldText } from "../i18n/fold.js";
import type { IndicatorSet } from "./indicators.js";

/** Folded text that keeps "%" (a share typed as "60%" is part of the question). */
const fold = (s: string) => foldText(s, "%");

const OWN_UNIT =
  /\b(don vi|co quan|xa|phuong|huyen|so|ubnd|doanh nghiep|htx|hop tac xa) (cua )?(toi|minh|em|chung toi|chung em)\b|\b(my|our) (unit|agency|office|commune|district)\b/;
const ASKS_SHARE =
  /%|\bphan tram\b|\bti le\b|\bty le\b|\bbao nhieu\b|\bdat (duoc )?(muc )?nao\b|\bpercent|\bhow (far|many|much)\b|\bshare\b/;

export interface ProgressQuestion {
  /** The indicator asked about, or undefined for "how is my unit doing" in general. */
  indicatorId?: string;
}

/**
 * @example matchProgressQuestion("Đơn vị tôi đạt bao nhiêu phần trăm kỹ năng số?", indicators) // { indicatorId: "basic_skills" }
 */
export function matchProgressQuestion(text: string, indicators: IndicatorSet): ProgressQuestion | null {
  const q = fold(text);
  if (q.length > 300 || !OWN_UNIT.test(q) || !ASKS_SHARE.test(q)) return null;
  // The longest matching keyword wins: "phân tích dữ liệu" over "dữ liệu", "kỹ năng số cơ bản" over "kỹ năng số".
  let best: { id: string; len: number } | undefined;
  for (const ind of indicators.all)
    for (const k of ind.keywords) {
      const fk = fold(k);
      if (new RegExp(`\\b${fk.replace(/ /g, "\\s+")}\\b`).test(q) && (!best || fk.length > best.len))
        best = { id: ind.id, len: fk.length };
    }
  return { indicatorId: best?.id };
}
