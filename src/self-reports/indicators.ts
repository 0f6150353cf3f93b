/**
 * The self-report indicators as data (flows/self-report/indicators.yaml): which respondents answer
 * them, which answers count as "met", and the plan's target per level. Content owners edit the YAML;
 * this module refuses to start on a malformed file rather than count the wrong thing.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";

export const RESPONDENT_TYPES = ["official", "citizen", "business"] as const;
export type RespondentType = (typeof RESPONDENT_TYPES)[number];
export const LEVELS = ["province", "district", "commune"] as const;
export type Level = (typeof LEVELS)[number];

const text = z.object({ vi: z.string().min(1), en: z.string().min(1) });
const id = z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, "short lowercase ASCII id (it travels in button data)");

/** The question and answer labels are locale keys, shared with the flow's steps (flows/self-report.yaml). */
const localeKey = z
  .string()
  .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, "must be a locale key like selfreport.ask.basic_skills");
const optionSchema = z.object({ id, label: localeKey, counts: z.enum(["met", "not_met", "not_applicable"]) });
const targetSchema = z.object({
  levels: z.array(z.enum(LEVELS)).min(1),
  percent: z.number().min(0).max(100),
  /** Verbatim from the plan (test/self-reports/indicators.test.ts checks it against the seed text). */
  quote: z.string().min(10),
});

const indicatorSchema = z
  .object({
    id,
    respondents: z.array(z.enum(RESPONDENT_TYPES)).min(1),
    label: text,
    question: localeKey,
    options: z.array(optionSchema).min(2),
    /** Options after which the flow asks "when?" (month/year), kept in the answers, not in the figures. */
    askWhen: z.array(id).default([]),
    keywords: z.array(z.string().min(2)).default([]),
    /** A verbatim passage of the plan that frames an indicator without a per-person target. */
    context: z.string().min(10).optional(),
    targets: z.array(targetSchema).default([]),
  })
  .superRefine((ind, ctx) => {
    const optionIds = new Set(ind.options.map((o) => o.id));
    if (optionIds.size !== ind.options.length)
      ctx.addIssue({ code: "custom", message: `${ind.id}: duplicate option ids` });
    if (!ind.options.some((o) => o.counts === "met"))
      ctx.addIssue({ code: "custom", message: `${ind.id}: no option counts as met` });
    for (const w of ind.askWhen)
      if (!optionIds.has(w))
        ctx.addIssue({ code: "custom", message: `${ind.id}: askWhen names unknown option ${w}` });
    const seen = new Set<Level>();
    for (const t of ind.targets)
      for (const l of t.levels) {
        if (seen.has(l)) ctx.addIssue({ code: "custom", message: `${ind.id}: two targets for level ${l}` });
        seen.add(l);
      }
  });

const fileSchema = z.object({ indicators: z.array(indicatorSchema).min(1) }).superRefine((f, ctx) => {
  const ids = f.indicators.map((i) => i.id);
  const dup = ids.find((x, i) => ids.indexOf(x) !== i);
  if (dup) ctx.addIssue({ code: "custom", message: `indicator ${dup} is defined twice` });
});

export type Indicator = z.infer<typeof indicatorSchema>;
export type IndicatorOption = z.infer<typeof optionSchema>;

/** Thrown at start-up when indicators.yaml is malformed. */
export class IndicatorsError extends Error {
  override name = "IndicatorsError";
}

export interface IndicatorSet {
  all: readonly Indicator[];
  byId(id: string): Indicator | undefined;
  /** The indicators a respondent answers, in the file's order. */
  forRespondent(type: RespondentType): Indicator[];
  /** The plan's target for an indicator at a level, or undefined when the plan sets none there. */
  target(indicatorId: string, level: Level): { percent: number; quote: string } | undefined;
  /** Targets as rows for SQL (indicator, level, percent): the progress query joins against them. */
  targetRows(): Array<{ indicator: string; level: Level; percent: number }>;
}

/** Builds an IndicatorSet from already-parsed YAML (tests use it for small fixtures). */
export function indicatorSetFrom(data: unknown, source = "indicators"): IndicatorSet {
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success)
    throw new IndicatorsError(
      `${source}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const all = parsed.data.indicators;
  const map = new Map(all.map((i) => [i.id, i]));
  return {
    all,
    byId: (x) => map.get(x),
    forRespondent: (type) => all.filter((i) => i.respondents.includes(type)),
    target(indicatorId, level) {
      const t = map.get(indicatorId)?.targets.find((t) => t.levels.includes(level));
      return t && { percent: t.percent, quote: t.quote };
    },
    targetRows: () =>
      all.flatMap((i) =>
        i.targets.flatMap((t) => t.levels.map((level) => ({ indicator: i.id, level, percent: t.percent }))),
      ),
  };
}

/** Refuses indicators whose question or answer labels are missing from locales/ (checked once at start-up). */
export function checkIndicatorLocales(set: IndicatorSet, i18n: { has(key: string): boolean }): void {
  const missing = set.all
    .flatMap((i) => [i.question, ...i.options.map((o) => o.label)])
    .filter((k) => !i18n.has(k));
  if (missing.length)
    throw new IndicatorsError(`indicators: locale keys missing: ${[...new Set(missing)].join(", ")}`);
}

/** @example const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`) */
export function loadIndicators(path: string): IndicatorSet {
  return indicatorSetFrom(parse(readFileSync(path, "utf8")), path);
}

/**
 * Turns one respondent's answers (indicator id → option id) into what the figures count
 * (indicator id → met). Not-applicable answers and unanswered indicators are left out, so they
 * never dilute a unit's share.
 */
export function scoreAnswers(
  set: IndicatorSet,
  type: RespondentType,
  answers: Record<string, string>,
): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const ind of set.forRespondent(type)) {
    const opt = ind.options.find((o) => o.id === answers[ind.id]);
    if (!opt || opt.counts === "not_applicable") continue;
    out[ind.id] = opt.counts === "met";
  }
  return out;
}
