/**
 * The nomination flow's hooks for the conversation engine: the plan's criterion after the category,
 * the duplicate-nominee warning, the daily limit, the submission, and "/trangthai DC-…".
 * The flow's steps themselves live in flows/nomination.yaml.
 */
import type { ConversationPlugin, FlowHooks, StatusLookup } from "../conversation/extensions.js";
import { SubmissionRefusedError } from "../conversation/extensions.js";
import type { Answer } from "../conversation/session.js";
import { NOMINATION_CATEGORIES, type Knowledge, type NominationCategory } from "../knowledge/index.js";
import { nominationStatusFor } from "./lookup.js";
import { DailyLimitError, recentNominationOfSameNominee, submissionsToday, submitNomination, NOMINATION_CODE_PREFIX } from "./submissions.js";

/** The steps of flows/nomination.yaml this module reads (a renamed step fails loudly at submit). */
export const NOMINATION_STEPS = {
  consent: "consent",
  category: "category",
  nomineeName: "nominee_name",
  nomineeUnit: ["nominee_unit", "parent_unit"],
  locality: "locality",
  achievements: "achievements",
  evidence: "evidence",
  nominatorName: "nominator_name",
  nominatorPhone: "nominator_phone",
  relation: "relation",
} as const;

export interface NominationPluginDeps {
  knowledge: Knowledge;
  maxSubmissionsPerDay: number;
}

function required(answers: Record<string, Answer>, id: string): Answer {
  const a = answers[id];
  if (!a || a.skipped) throw new Error(`nomination answer ${id} is missing`);
  return a;
}

/**
 * @example engine.use(createNominationPlugin({ knowledge, maxSubmissionsPerDay: config.maxSubmissionsPerDay }))
 */
export function createNominationPlugin(deps: NominationPluginDeps): ConversationPlugin {
  const hooks: FlowHooks = {
    async canStart(ctx) {
      const n = await submissionsToday(ctx.db, ctx.personId, ctx.now);
      return n >= deps.maxSubmissionsPerDay ? { key: "nomination.daily_limit", vars: { max: deps.maxSubmissionsPerDay } } : undefined;
    },

    async afterAnswer(stepId, answers, ctx) {
      if (stepId === NOMINATION_STEPS.category) {
        const category = answers[stepId]?.optionId as NominationCategory | undefined;
        if (!category || !NOMINATION_CATEGORIES.includes(category)) return undefined;
        try {
          return { info: deps.knowledge.criterionFor(category, ctx.lang) };
        } catch {
          return undefined;
        }
      }
      if (stepId === NOMINATION_STEPS.nomineeName) {
        const name = String(answers[stepId]?.value ?? "");
        const dup = await recentNominationOfSameNominee(ctx.db, ctx.personId, name, ctx.now);
        if (dup) return { warning: { id: `duplicate:${dup.code}`, text: ctx.i18n.t(ctx.lang, "nomination.duplicate_warning", { code: dup.code }) } };
      }
      return undefined;
    },

    async submit(ctx) {
      const a = ctx.answers;
      const consent = required(a, NOMINATION_STEPS.consent);
      const category = required(a, NOMINATION_STEPS.category).optionId as NominationCategory;
      if (!NOMINATION_CATEGORIES.includes(category)) throw new Error(`unknown nomination category ${category}`);
      const unit = NOMINATION_STEPS.nomineeUnit.map((id) => a[id]).find((x) => x && !x.skipped);
      const locality = required(a, NOMINATION_STEPS.locality);
      const evidence = (a[NOMINATION_STEPS.evidence]?.value as Array<{ kind: "attachment" | "link"; ref: string }> | null | undefined) ?? [];
      try {
        const { code } = await submitNomination(
          ctx.db,
          {
            personId: ctx.personId,
            idempotencyKey: ctx.idempotencyKey,
            category,
            nomineeName: String(required(a, NOMINATION_STEPS.nomineeName).value),
            nomineeUnit: unit ? String(unit.value) : "",
            locality: locality.display,
            localityId: locality.optionId ?? null,
            achievements: String(required(a, NOMINATION_STEPS.achievements).value),
            nominatorName: String(required(a, NOMINATION_STEPS.nominatorName).value),
            nominatorPhone: String(required(a, NOMINATION_STEPS.nominatorPhone).value),
            relation: required(a, NOMINATION_STEPS.relation).display,
            consentVersion: consent.version ?? "unknown",
            consentAt: new Date(consent.at ?? ctx.now.getTime()),
            attachmentIds: evidence.filter((e) => e.kind === "attachment").map((e) => e.ref),
            links: evidence.filter((e) => e.kind === "link").map((e) => e.ref),
          },
          { maxPerDay: deps.maxSubmissionsPerDay, now: ctx.now },
        );
        return { code, replies: [{ text: ctx.i18n.t(ctx.lang, "nomination.submitted", { code }) }] };
      } catch (err) {
        if (err instanceof DailyLimitError) throw new SubmissionRefusedError("nomination.daily_limit", { max: err.limit });
        throw err;
      }
    },
  };

  const status: StatusLookup = async (code, ctx) => {
    const s = await nominationStatusFor(ctx.db, code, ctx.personId);
    if (!s) return null;
    const date = s.createdAt.toLocaleDateString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh" });
    return {
      text: ctx.i18n.t(ctx.lang, "nomination.status", { code: s.code, status: ctx.i18n.t(ctx.lang, `nomination.status_name.${s.status}`), date }),
      withdrawable: s.withdrawable ? { subject: "nomination", id: s.id } : undefined,
    };
  };

  return { flowHooks: { nomination: hooks }, statusLookups: { [NOMINATION_CODE_PREFIX]: status } };
}
