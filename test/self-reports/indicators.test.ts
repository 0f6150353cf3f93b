/**
 * The indicators file is the plan's word: every target and context quote is a verbatim passage of
 * Plan 154, and a malformed file is refused at load.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadLocales } from "../../src/i18n/locales.js";
import {
  checkIndicatorLocales,
  IndicatorsError,
  indicatorSetFrom,
  loadIndicators,
  scoreAnswers,
} from "../../src/self-reports/indicators.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The plan's text as shipped in the repository (provenance: flows/source/README.md). */
const SEED = `${ROOT}flows/source/ke-hoach-154.txt`;
const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);

describe("self-report indicators", () => {
  it("quote the plan verbatim", () => {
    const plan = readFileSync(SEED, "utf8");
    const quotes = indicators.all.flatMap((i) => [
      ...i.targets.map((t) => t.quote),
      ...(i.context ? [i.context] : []),
    ]);
    expect(quotes.length).toBeGreaterThan(10);
    for (const q of quotes) expect(plan, q).toContain(q);
  });

  it("cover what the plan asks of officials, citizens and businesses, with the plan's targets", () => {
    expect(indicators.forRespondent("official").map((i) => i.id)).toEqual([
      "basic_skills",
      "data_skills",
      "work_identity",
      "digital_signature",
    ]);
    expect(indicators.forRespondent("citizen").map((i) => i.id)).toEqual([
      "citizen_identity",
      "health_record",
      "online_services",
      "household_address",
      "household_smartphone",
      "student_record",
    ]);
    expect(indicators.forRespondent("business").map((i) => i.id)).toEqual([
      "digital_products",
      "network_security",
    ]);
    expect(indicators.target("basic_skills", "commune")?.percent).toBe(100);
    expect(indicators.target("data_skills", "province")?.percent).toBe(50);
    expect(indicators.target("citizen_identity", "district")?.percent).toBe(100);
    expect(indicators.target("citizen_identity", "province")).toBeUndefined();
    expect(indicators.target("student_record", "commune")).toBeUndefined();
  });

  it("have their questions and answers in both languages", () => {
    const i18n = loadLocales(`${ROOT}locales`);
    expect(() => checkIndicatorLocales(indicators, i18n)).not.toThrow();
    expect(i18n.t("vi", indicators.byId("basic_skills")!.question)).toContain("kỹ năng số cơ bản");
    expect(() =>
      checkIndicatorLocales(indicators, { has: (k) => k !== "selfreport.answer.trained" }),
    ).toThrow(/selfreport.answer.trained/);
  });

  it("count only 'met' answers as met and leave not-applicable answers out of the figures", () => {
    expect(
      scoreAnswers(indicators, "citizen", {
        citizen_identity: "level2",
        health_record: "unknown",
        student_record: "none",
      }),
    ).toEqual({ citizen_identity: true, health_record: false });
    expect(
      scoreAnswers(indicators, "official", {
        basic_skills: "planned",
        basic_skills_when: "12/2026",
        citizen_identity: "level2",
      }),
    ).toEqual({ basic_skills: false });
  });

  it("refuse a file where no answer counts as met, or a level has two targets", () => {
    const base = {
      id: "x",
      respondents: ["official"],
      label: { vi: "a", en: "a" },
      question: "selfreport.ask.x",
    };
    expect(() =>
      indicatorSetFrom({
        indicators: [
          {
            ...base,
            options: [
              { id: "a", counts: "not_met", label: "selfreport.answer.a" },
              { id: "b", counts: "not_met", label: "selfreport.answer.b" },
            ],
          },
        ],
      }),
    ).toThrow(IndicatorsError);
    const opts = [
      { id: "a", counts: "met", label: "selfreport.answer.a" },
      { id: "b", counts: "not_met", label: "selfreport.answer.b" },
    ];
    const target = { levels: ["commune"], percent: 100, quote: "0123456789ab" };
    expect(() =>
      indicatorSetFrom({ indicators: [{ ...base, options: opts, targets: [target, target] }] }),
    ).toThrow(/two targets/);
  });
});
