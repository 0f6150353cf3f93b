/**
 * The nomination flow's hooks for the conversation engine: the plan's criterion after the category,
 * the duplicate-nominee warning, the daily limit, the submission, "/trangthai DC-…" and its
 * withdrawal, the submitter's list for "hồ sơ của tôi", evidence storage, and the published
 * examples ("Gương điển hình"). The flow's steps themselves live in flows/nomination.yaml.
 */
import type {
  CommandSpec,
  ConversationPlugin,
  FlowHooks,
  PersonContext,
  StatusLookup,
} from "../conversation/extensions.js";
import type { Db } from "../db/client.js";
import { SubmissionRefusedError } from "../conversation/extensions.js";
import type { Answer } from "../conversation/session.js";
import { NOMINATION_CATEGORIES, type Knowledge, type NominationCategory } from "../knowledge/index.js";
import { nominationStatusFor, publishedExamples, withdrawNomination } from "./lookup.js";
import {
  DailyLimitError,
  discardPendingEvidence,
  recentNominationOfSameNominee,
  storePendingEvidence,
  submissionsToday,
  submitNomination,
  NOMINATION_CODE_PREFIX,
} from "./submissions.js";

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
  db: Db;
  knowledge: Knowledge;
  maxSubmissionsPerDay: number;
}

function required(answers: Record<string, Answer>, id: string): Answer {
  const a = answers[id];
  if (!a || a.skipped) throw new Error(`nomination answer ${id} is missing`);
  return a;
}

/**
 * @example engine.use(createNominationPlugin({ db, knowledge, maxSubmissionsPerDay: config.maxSubmissionsPerDay }))
 */
export function createNominationPlugin(deps: NominationPluginDeps): ConversationPlugin {
  const hooks: FlowHooks = {
    async canStart(ctx) {
      const n = await submissionsToday(ctx.db, ctx.personId, ctx.now);
      return n >= deps.maxSubmissionsPerDay
        ? { key: "nomination.daily_limit", vars: { max: deps.maxSubmissionsPerDay } }
        : undefined;
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
        if (dup)
          return {
            warning: {
              id: `duplicate:${dup.code}`,
              text: ctx.i18n.t(ctx.lang, "nomination.duplicate_warning", { code: dup.code }),
            },
          };
      }
      return undefined;
    },

    async submit(ctx) {
      const a = ctx.answers;
      const consent = required(a, NOMINATION_STEPS.consent);
      const category = required(a, NOMINATION_STEPS.category).optionId as NominationCategory;
      if (!NOMINATION_CATEGORIES.includes(category))
        throw new Error(`unknown nomination category ${category}`);
      const unit = NOMINATION_STEPS.nomineeUnit.map((id) => a[id]).find((x) => x && !x.skipped);
      const locality = required(a, NOMINATION_STEPS.locality);
      const evidence =
        (a[NOMINATION_STEPS.evidence]?.value as
          | Array<{ kind: "attachment" | "link"; ref: string }>
          | null
          | undefined) ?? [];
      try {
        const { code } = await submitNomination(
          ctx.db,
          {
            personId: ctx.personId,
            idempotencyKey: ctx.idempotencyKey,
            category,
            nomineeName: String(required(a, NOMINATION_STEPS.nomineeName).value),
            nomineeUnit: unit ? String(unit.value) : "",
            // A name matching no listed place keeps its "khác: …" marker (in the value) for the reviewer.
            locality: locality.optionId === null ? String(locality.value) : locality.display,
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
        if (err instanceof DailyLimitError)
          throw new SubmissionRefusedError("nomination.daily_limit", { max: err.limit });
        throw err;
      }
    },
  };

  const date = (d: Date, ctx: PersonContext) =>
    d.toLocaleDateString(ctx.lang === "vi" ? "vi-VN" : "en-GB", { timeZone: "Asia/Ho_Chi_Minh" });
  const statusName = (status: string, ctx: PersonContext) =>
    ctx.i18n.t(ctx.lang, `nomination.status_name.${status}`);

  const status: StatusLookup = async (code, ctx) => {
    const s = await nominationStatusFor(ctx.db, code, ctx.personId);
    if (!s) return null;
    return {
      text: ctx.i18n.t(ctx.lang, "nomination.status", {
        code: s.code,
        status: statusName(s.status, ctx),
        date: date(s.createdAt, ctx),
      }),
      withdrawable: s.withdrawable,
    };
  };

  const examples: CommandSpec = {
    words: "nomination.words.examples",
    menu: { label: "conversation.menu.examples", order: 50 },
    async run(_args, ctx) {
      const t = (key: string, vars?: Record<string, string | number>) => ctx.i18n.t(ctx.lang, key, vars);
      const rows = await publishedExamples(ctx.db, 5);
      if (!rows.length) return [{ text: t("conversation.examples.none") }];
      const lines = rows.map((r, i) => {
        const short =
          [...r.achievements].length > 220
            ? `${[...r.achievements].slice(0, 217).join("")}…`
            : r.achievements;
        return t("conversation.examples.item", {
          n: i + 1,
          name: r.nomineeName,
          unit: r.nomineeUnit,
          category: t(`nomination.category.${r.category}`),
          achievements: short,
        });
      });
      return [{ text: [t("conversation.examples.title"), ...lines].join("\n\n") }];
    },
  };

  return {
    flowHooks: { nomination: hooks },
    statusLookups: { [NOMINATION_CODE_PREFIX]: status },
    withdrawals: {
      [NOMINATION_CODE_PREFIX]: async (code, ctx) => {
        const s = await nominationStatusFor(ctx.db, code, ctx.personId);
        return s ? (await withdrawNomination(ctx.db, s.id, ctx.personId)).ok : false;
      },
    },
    submissions: async (ctx) => {
      const rows = await ctx.db.nomination.findMany({
        where: { personId: ctx.personId, erasedAt: null },
        orderBy: { createdAt: "desc" },
        take: 20,
        select: { code: true, nomineeName: true, status: true, createdAt: true },
      });
      return rows.map((r) => ({
        code: r.code,
        at: r.createdAt,
        text: ctx.i18n.t(ctx.lang, "nomination.mine_line", {
          code: r.code,
          name: r.nomineeName,
          date: date(r.createdAt, ctx),
          status: statusName(r.status, ctx),
        }),
      }));
    },
    evidence: {
      store: (file) => storePendingEvidence(deps.db, file),
      discard: async (ids) => void (await discardPendingEvidence(deps.db, ids)),
    },
    commands: { "/guongdienhinh": examples },
  };
}
