/**
 * How self-reports plug into the conversation engine: the "self-report" flow's submission hook,
 * the "TD-" status lookup (owner only), "/thongke" (alias "thống kê"), and a middleware that
 * answers "đơn vị tôi đạt bao nhiêu phần trăm kỹ năng số?" with the unit's figure.
 */
import type { InboundMessage, Reply } from "../channels/types.js";
import type { ConversationPlugin, FlowHooks, StatusLookup } from "../conversation/extensions.js";
import type { Middleware } from "../conversation/pipeline.js";
import type { Answer } from "../conversation/session.js";
import type { Db } from "../db/client.js";
import { langSchema, type Translator } from "../i18n/locales.js";
import {
  LEVELS,
  RESPONDENT_TYPES,
  type IndicatorSet,
  type Level,
  type RespondentType,
} from "./indicators.js";
import { progressMessage } from "./progress-message.js";
import { matchProgressQuestion } from "./progress-question.js";
import { submitSelfReport } from "./submission.js";

export const SELF_REPORT_CODE_PREFIX = "TD";
/** The flow file's `submit` name (flows/self-report.yaml). */
export const SELF_REPORT_FLOW = "self-report";

export interface SelfReportPluginDeps {
  indicators: IndicatorSet;
}

/** Thrown when the flow's answers lack a step the submission needs: a flow file out of step with the code. */
export class SelfReportAnswersError extends Error {
  override name = "SelfReportAnswersError";
}

function required(answers: Record<string, Answer>, id: string): Answer {
  const a = answers[id];
  if (!a || a.skipped) throw new SelfReportAnswersError(`self-report answer ${id} is missing`);
  return a;
}

const dateOf = (d: Date, lang: string) =>
  d.toLocaleDateString(lang === "vi" ? "vi-VN" : "en-GB", { timeZone: "Asia/Ho_Chi_Minh" });

/** @example engine.use(createSelfReportPlugin({ indicators })) */
export function createSelfReportPlugin(deps: SelfReportPluginDeps): ConversationPlugin {
  const { indicators } = deps;

  const hooks: FlowHooks = {
    async submit(ctx) {
      const a = ctx.answers;
      const consent = required(a, "consent");
      const respondentType = required(a, "respondent").optionId as RespondentType;
      const level = required(a, "level").optionId as Level;
      if (!RESPONDENT_TYPES.includes(respondentType) || !LEVELS.includes(level))
        throw new SelfReportAnswersError("unknown respondent type or level");
      const locality = a.locality && !a.locality.skipped ? a.locality : undefined;
      const answers: Record<string, string> = {};
      for (const ind of indicators.forRespondent(respondentType)) {
        const ans = a[ind.id];
        if (ans?.optionId && !ans.skipped) answers[ind.id] = ans.optionId;
        const when = a[`${ind.id}_when`];
        if (when && !when.skipped && typeof when.value === "string") answers[`${ind.id}_when`] = when.value;
      }
      // A name matching no listed place keeps its "khác: …" marker (in the value) for the reviewer.
      if (locality) answers.locality = locality.optionId === null ? String(locality.value) : locality.display;
      const res = await submitSelfReport(ctx.db, indicators, {
        personId: ctx.personId,
        idempotencyKey: ctx.idempotencyKey,
        respondentType,
        level,
        localityId: locality?.optionId ?? null,
        unit: String(required(a, "unit").value),
        answers,
        consentVersion: consent.version ?? "unknown",
        consentAt: new Date(consent.at ?? ctx.now.getTime()),
        now: ctx.now,
      });
      ctx.logger.info(
        { selfReportId: res.id, code: res.code, duplicate: res.duplicate },
        "self-report submitted",
      );
      const replies: Reply[] = [{ text: ctx.i18n.t(ctx.lang, "selfreport.done", { code: res.code }) }];
      if (res.supersededCode)
        replies[0]!.text += `\n${ctx.i18n.t(ctx.lang, "selfreport.superseded", { previous: res.supersededCode })}`;
      return { code: res.code, replies };
    },
  };

  // Only the owner learns anything about a code: someone else's code reads as "not found".
  const status: StatusLookup = async (code, ctx) => {
    const r = await ctx.db.selfReport.findFirst({
      where: { code, personId: ctx.personId },
      select: { code: true, status: true, current: true, unit: true, level: true, createdAt: true },
    });
    if (!r) return null;
    const t = (key: string, vars?: Record<string, string | number>) => ctx.i18n.t(ctx.lang, key, vars);
    const text = t("selfreport.status.text", {
      code: r.code,
      date: dateOf(r.createdAt, ctx.lang),
      unit: r.unit,
      level: t(`selfreport.level_name.${r.level}`),
      status: t(`selfreport.status.${r.status}`),
    });
    return {
      text: `${text}\n${t(r.current ? "selfreport.status.current" : "selfreport.status.superseded")}`,
    };
  };

  return {
    flowHooks: { [SELF_REPORT_FLOW]: hooks },
    statusLookups: { [SELF_REPORT_CODE_PREFIX]: status },
    submissions: async (ctx) => {
      const rows = await ctx.db.selfReport.findMany({
        where: { personId: ctx.personId },
        orderBy: { createdAt: "desc" },
        take: 20,
        select: { code: true, unit: true, status: true, createdAt: true },
      });
      const t = (key: string, vars?: Record<string, string | number>) => ctx.i18n.t(ctx.lang, key, vars);
      return rows.map((r) => ({
        code: r.code,
        at: r.createdAt,
        text: t("selfreport.status.line", {
          code: r.code,
          unit: r.unit,
          date: dateOf(r.createdAt, ctx.lang),
          status: t(`selfreport.status.${r.status}`),
        }),
      }));
    },
    commands: {
      "/thongke": {
        words: "selfreport.words.stats",
        menu: { label: "conversation.menu.stats", order: 40 },
        run: async (_args, ctx) => [
          {
            text: await progressMessage(
              { db: ctx.db, indicators, i18n: ctx.i18n },
              { personId: ctx.personId, lang: ctx.lang },
            ),
          },
        ],
      },
    },
  };
}

export interface ProgressQuestionMiddlewareDeps {
  db: Db;
  indicators: IndicatorSet;
  i18n: Translator;
  /** Whether the chat waits for a flow step's answer (then the text is that answer; see Engine.isAnsweringStep). */
  answeringStep?: (msg: InboundMessage) => Promise<boolean>;
}

/**
 * Answers "đơn vị tôi đạt bao nhiêu phần trăm kỹ năng số?" before the engine (which would send it
 * to the knowledge base, where the plan's targets are, but not the unit's figures).
 *
 * @example middlewares.push(createProgressQuestionMiddleware({ db, indicators, i18n }))
 */
export function createProgressQuestionMiddleware(deps: ProgressQuestionMiddlewareDeps): Middleware {
  return async (msg: InboundMessage, next) => {
    if (!msg.text || msg.choice) return next();
    const q = matchProgressQuestion(msg.text, deps.indicators);
    if (!q || (await deps.answeringStep?.(msg))) return next();
    const person = await deps.db.person.findUnique({
      where: { channel_externalId: { channel: msg.channel, externalId: msg.userId } },
      select: { id: true, language: true },
    });
    const lang = langSchema.catch("vi").parse(person?.language ?? "vi");
    if (!person) return [{ text: deps.i18n.t(lang, "selfreport.progress.none") }];
    return [{ text: await progressMessage(deps, { personId: person.id, lang }, q.indicatorId) }];
  };
}
