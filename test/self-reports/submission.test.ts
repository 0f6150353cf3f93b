/**
 * Submitting a self-report: one current report per person (a new one supersedes the old, history
 * kept), queued for review through the outbox, idempotent, and flagged reports leave the figures.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transition } from "../../src/review/transitions.js";
import { loadIndicators } from "../../src/self-reports/indicators.js";
import { progressTable } from "../../src/self-reports/progress.js";
import { submitSelfReport, type SelfReportInput } from "../../src/self-reports/submission.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

let n = 0;
async function person(): Promise<string> {
  n++;
  const p = await t.db.person.create({ data: { channel: "webchat", externalId: `p${n}`, chatId: `c${n}` } });
  return p.id;
}

function official(
  personId: string,
  unit: string,
  basic: "done" | "planned" | "not_yet",
  extra: Partial<SelfReportInput> = {},
): SelfReportInput {
  return {
    personId,
    idempotencyKey: `run-${personId}-${Math.random()}`,
    respondentType: "official",
    level: "commune",
    unit,
    answers: { basic_skills: basic, data_skills: "not_yet", work_identity: "yes", digital_signature: "no" },
    consentVersion: "v1",
    consentAt: new Date(),
    ...extra,
  };
}

const basicRow = async (unitKey: string) =>
  (await progressTable(t.db, indicators, { level: "commune", unitKey })).find(
    (r) => r.indicator === "basic_skills" && r.unitKey === unitKey,
  );

describe("submitting a self-report", () => {
  it("gets a TD-YYYY-NNNNNN code and a selfreport.submitted outbox row in the same transaction", async () => {
    const res = await submitSelfReport(
      t.db,
      indicators,
      official(await person(), "UBND xã Kim Bình", "done"),
    );
    expect(res.code).toMatch(/^TD-\d{4}-\d{6}$/);
    const row = await t.db.selfReport.findUniqueOrThrow({ where: { code: res.code } });
    expect(row).toMatchObject({
      current: true,
      status: "submitted",
      unitKey: "ubnd xa kim binh",
      indicators: { basic_skills: true, data_skills: false, work_identity: true, digital_signature: false },
    });
    const outbox = await t.db.outbox.findMany({ where: { topic: "selfreport.submitted" } });
    expect(outbox.map((o) => o.payload)).toContainEqual({ selfReportId: res.id, code: res.code });
  });

  it("returns the first report when the same confirmation is retried", async () => {
    const input = official(await person(), "UBND xã Kim Bình", "done");
    const a = await submitSelfReport(t.db, indicators, input);
    const b = await submitSelfReport(t.db, indicators, input);
    expect(b).toMatchObject({ id: a.id, code: a.code, duplicate: true });
    expect(await t.db.selfReport.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
  });

  it("supersedes the person's previous report: the figures count only the new one, the old one stays as history", async () => {
    const unit = "Ủy ban nhân dân xã Hùng Lợi";
    const people = await Promise.all([1, 2, 3, 4, 5].map(() => person()));
    for (const p of people) await submitSelfReport(t.db, indicators, official(p, unit, "not_yet"));
    expect(await basicRow("ubnd xa hung loi")).toMatchObject({
      reports: 5,
      respondents: 5,
      met: 0,
      share: 0,
      gap: 100,
    });

    const second = await submitSelfReport(t.db, indicators, official(people[0]!, "UBND xã Hùng Lợi", "done"));
    expect(second.supersededCode).toMatch(/^TD-/);
    expect(await basicRow("ubnd xa hung loi")).toMatchObject({
      reports: 5,
      respondents: 5,
      met: 1,
      share: 20,
      target: 100,
      gap: 80,
    });
    const history = await t.db.selfReport.findMany({
      where: { personId: people[0] },
      orderBy: { createdAt: "asc" },
    });
    expect(history.map((h) => h.current)).toEqual([false, true]);
  });

  it("excludes a flagged report from the figures; verifying one keeps it counted", async () => {
    const unit = "UBND xã Yên Nguyên";
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(
        (await submitSelfReport(t.db, indicators, official(await person(), unit, i < 3 ? "done" : "not_yet")))
          .id,
      );
    expect(await basicRow("ubnd xa yen nguyen")).toMatchObject({ reports: 6, met: 3, share: 50 });

    const verified = await transition(t.db, {
      subject: "self_report",
      id: ids[1]!,
      action: "verify",
      actor: { label: "Lan" },
    });
    expect(verified.ok).toBe(true);
    expect(await basicRow("ubnd xa yen nguyen")).toMatchObject({ reports: 6, met: 3 });

    const flagged = await transition(t.db, {
      subject: "self_report",
      id: ids[0]!,
      action: "flag",
      actor: { label: "Lan" },
      note: "số liệu không thực",
    });
    expect(flagged.ok).toBe(true);
    expect(await basicRow("ubnd xa yen nguyen")).toMatchObject({
      reports: 5,
      respondents: 5,
      met: 2,
      share: 40,
      gap: 60,
    });
  });

  it("hides the unit's percentage once flags leave it with fewer than 5 reports", async () => {
    const unit = "UBND xã Phúc Ninh";
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await submitSelfReport(t.db, indicators, official(await person(), unit, "done"))).id);
    expect((await basicRow("ubnd xa phuc ninh"))?.share).toBe(100);
    await transition(t.db, { subject: "self_report", id: ids[0]!, action: "flag", actor: { label: "Lan" } });
    expect(await basicRow("ubnd xa phuc ninh")).toMatchObject({ reports: 4, met: 4, share: null, gap: null });
  });
});
