/**
 * The leaderboard in the chat: "xếp hạng", "bảng xếp hạng", "đơn vị nào dẫn đầu" (with or without
 * diacritics) and /xephang show the leading units of every level; "xếp hạng cấp xã" (or
 * /xephang xa) one level. Wording in locales/<lang>/leaderboard.yaml.
 */
import type { ConversationPlugin, PersonContext } from "../conversation/extensions.js";
import type { Lang, Translator } from "../i18n/locales.js";
import { normalizeVietnamese } from "../knowledge/index.js";
import { LEVELS, type IndicatorSet, type Level } from "../self-reports/indicators.js";
import { leaderboard, type LeaderboardEntry } from "./ranking.js";

export const LEADERBOARD_COMMAND = "/xephang";
/** Leading units shown per level in the chat (the full table is on the admin page). */
const TOP = 5;

const pct = (v: number, lang: Lang) =>
  v.toLocaleString(lang === "vi" ? "vi-VN" : "en-US", { maximumFractionDigits: 1 });

/** @example engine.use(createLeaderboardPlugin({ db, indicators, i18n })) */
export function createLeaderboardPlugin(deps: {
  indicators: IndicatorSet;
  i18n: Translator;
}): ConversationPlugin {
  const { indicators, i18n } = deps;
  const words = (key: string) =>
    (["vi", "en"] as Lang[]).flatMap((l) =>
      i18n
        .t(l, key)
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean),
    );
  const levelNames = Object.fromEntries(
    LEVELS.map((l) => [l, words(`leaderboard.level_words.${l}`)]),
  ) as Record<Level, string[]>;

  function levelOf(args: string): Level | undefined {
    const n = normalizeVietnamese(args);
    return n ? LEVELS.find((l) => levelNames[l].some((w) => normalizeVietnamese(w) === n)) : undefined;
  }

  function section(ctx: PersonContext, level: Level, entries: LeaderboardEntry[]): string {
    const t = (key: string, vars?: Record<string, string | number>) =>
      i18n.t(ctx.lang, `leaderboard.${key}`, vars);
    const ranked = entries.filter((e) => e.rank !== null);
    const unranked = entries.length - ranked.length;
    const lines = [t(`level.${level}`)];
    if (!ranked.length) lines.push(t("none_ranked"));
    for (const e of ranked.slice(0, TOP))
      lines.push(
        t("line", { rank: e.rank!, unit: e.unit, score: pct(e.score!, ctx.lang), reports: e.reports }),
      );
    if (unranked) lines.push(t("unranked", { count: unranked }));
    return lines.join("\n");
  }

  const show = (only?: Level) => async (_args: string, ctx: PersonContext) => {
    const level = only ?? levelOf(_args);
    const board = await leaderboard(ctx.db, indicators, level ? { level } : {});
    const t = (key: string, vars?: Record<string, string | number>) =>
      i18n.t(ctx.lang, `leaderboard.${key}`, vars);
    if (!board.length) return [{ text: t("empty") }];
    const levels = level ? [level] : LEVELS.filter((l) => board.some((e) => e.level === l));
    return [
      {
        text: [
          t("title"),
          ...levels.map((l) =>
            section(
              ctx,
              l,
              board.filter((e) => e.level === l),
            ),
          ),
          t("footer"),
        ].join("\n\n"),
      },
    ];
  };

  const commands: NonNullable<ConversationPlugin["commands"]> = {
    [LEADERBOARD_COMMAND]: { run: show(), words: "leaderboard.words" },
  };
  // "xếp hạng cấp xã": one level (word lists leaderboard.words_level.<level>).
  for (const level of LEVELS)
    commands[`${LEADERBOARD_COMMAND}_${level}`] = {
      run: show(level),
      words: `leaderboard.words_level.${level}`,
    };
  return { commands };
}
