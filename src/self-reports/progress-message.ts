/**
 * The progress figures as a few short chat lines for the person's own unit and level (what
 * "/thongke" and "đơn vị tôi đạt bao nhiêu phần trăm kỹ năng số?" answer). Every figure says it is
 * self-reported and how many reports it rests on; under 5 reports there are no percentages.
 */
import type { Db } from "../db/client.js";
import type { Lang, Translator } from "../i18n/locales.js";
import type { IndicatorSet, Level, RespondentType } from "./indicators.js";
import { PRIVACY_MIN_REPORTS, progressTable } from "./progress.js";

export interface ProgressMessageDeps {
  db: Db;
  indicators: IndicatorSet;
  i18n: Translator;
}

const fmt = (lang: Lang, n: number) =>
  n.toLocaleString(lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 1 });

/** The unit of the person's current report, or null when they have none. */
async function currentUnit(
  db: Db,
  personId: string,
): Promise<{ level: Level; unitKey: string; unit: string; respondentType: RespondentType } | null> {
  const r = await db.selfReport.findFirst({
    where: { personId, current: true },
    select: { level: true, unitKey: true, unit: true, respondentType: true },
  });
  return r;
}

/**
 * The unit summary; with `indicatorId`, the one-sentence answer about that indicator.
 *
 * @example await progressMessage(deps, { personId, lang: "vi" }) // "Đơn vị: UBND xã A (cấp xã) — dựa trên 37 báo cáo tự khai: ..."
 */
export async function progressMessage(
  deps: ProgressMessageDeps,
  who: { personId: string; lang: Lang },
  indicatorId?: string,
): Promise<string> {
  const { db, indicators, i18n } = deps;
  const { lang } = who;
  const t = (key: string, vars?: Record<string, string | number>) =>
    i18n.t(lang, `selfreport.progress.${key}`, vars);
  const mine = await currentUnit(db, who.personId);
  if (!mine) return t("none");
  const rows = (await progressTable(db, indicators, { level: mine.level, unitKey: mine.unitKey })).filter(
    (r) => r.unitKey !== null,
  );
  // The name as the asker typed it: the tally keeps whichever spelling of the unit came last.
  const unit = mine.unit;
  const level = i18n.t(lang, `selfreport.level_name.${mine.level}`);
  const name = (id: string) => indicators.byId(id)?.label[lang] ?? id;

  if (indicatorId) {
    const r = rows.find((x) => x.indicator === indicatorId);
    const respondents = r?.respondents ?? 0;
    if (!r || r.share === null)
      return `${t("answer_too_few", { unit, level, indicator: name(indicatorId), respondents })}\n${t("footer")}`;
    const vars = {
      unit,
      level,
      indicator: name(indicatorId),
      share: fmt(lang, r.share),
      target: r.target ?? "",
      respondents,
    };
    return `${t(r.target === null ? "answer_no_target" : "answer", vars)}\n${t("footer")}`;
  }

  const reports = rows[0]?.reports ?? 0;
  if (reports < PRIVACY_MIN_REPORTS) return `${t("too_few", { reports })}\n${t("footer")}`;
  // The indicators of the person's own kind of respondent: an official is not shown household figures.
  const own = new Set(indicators.forRespondent(mine.respondentType).map((i) => i.id));
  const lines = rows
    .filter((r) => own.has(r.indicator))
    .map((r) => {
      const vars = {
        indicator: name(r.indicator),
        share: r.share === null ? "" : fmt(lang, r.share),
        target: r.target ?? "",
        gap: r.gap === null ? "" : fmt(lang, r.gap),
      };
      if (r.share === null) return t("indicator_too_few", vars);
      if (r.target === null) return t("line_no_target", vars);
      return t(r.gap === 0 ? "line_reached" : "line", vars);
    });
  return [t("header", { unit, level, reports }), ...lines, t("footer")].join("\n");
}
