/**
 * The self-report flow end to end through the web chat: "tự đánh giá" → TD-code, owner-only
 * status, "thống kê" and the natural question about one's unit; and the flow file agrees with the
 * indicators file it asks about.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadIndicators } from "../../src/self-reports/indicators.js";
import { submitSelfReport } from "../../src/self-reports/submission.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);

const all = (replies: Array<{ text: string }>) => replies.map((r) => r.text).join("\n");

describe("flows/self-report.yaml", () => {
  it("asks every indicator of indicators.yaml, with the same answers, only of its respondents", () => {
    const flow = parse(readFileSync(`${ROOT}flows/self-report.yaml`, "utf8")) as {
      steps: Array<{
        id: string;
        prompt: string;
        options?: Array<{ id: string; label: string }>;
        when?: { step: string; in?: string[] };
      }>;
    };
    for (const ind of indicators.all) {
      const step = flow.steps.find((s) => s.id === ind.id);
      expect(step, ind.id).toBeDefined();
      expect(step!.prompt).toBe(ind.question);
      expect(step!.options).toEqual(ind.options.map((o) => ({ id: o.id, label: o.label })));
      expect(step!.when).toEqual({ step: "respondent", in: ind.respondents });
      if (ind.askWhen.length)
        expect(flow.steps.find((s) => s.id === `${ind.id}_when`)?.when).toEqual({
          step: ind.id,
          in: ind.askWhen,
        });
    }
  });
});

describe("an official self-reports through the web chat", () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("goes from “tự đánh giá” to a TD-YYYY-NNNNNN code, sees its status (owner only) and the unit's progress", async () => {
    const user = new WebchatUser(t.url);
    const start = await user.ask("tự đánh giá");
    expect(all(start)).toContain("Nghị định 13/2023");
    await user.ask("đồng ý");
    await user.ask("1"); // cán bộ, công chức, viên chức
    await user.ask("cap xa");
    await user.ask("yen son");
    const basic = await user.ask("UBND xã Kim Phú");
    expect(all(basic)).toContain("kỹ năng số cơ bản");
    await user.ask("đã tập huấn");
    await user.ask("06/2025");
    await user.ask("3"); // data analysis: not yet (no "when" question)
    await user.ask("đã có");
    const summary = await user.ask("chưa");
    expect(all(summary)).toContain("UBND xã Kim Phú");
    const done = await user.ask("xác nhận");
    const code = /TD-\d{4}-\d{6}/.exec(all(done))?.[0];
    expect(code, all(done)).toBeDefined();

    const row = await t.database.db.selfReport.findUniqueOrThrow({
      where: { code: code! },
      include: { person: true },
    });
    expect(row).toMatchObject({
      respondentType: "official",
      level: "commune",
      localityId: "tq-yen-son",
      unit: "UBND xã Kim Phú",
      unitKey: "ubnd xa kim phu",
      current: true,
      status: "submitted",
      consentVersion: "nd13-2023-sr1",
      indicators: { basic_skills: true, data_skills: false, work_identity: true, digital_signature: false },
      answers: {
        basic_skills: "done",
        basic_skills_when: "06/2025",
        data_skills: "not_yet",
        work_identity: "yes",
        digital_signature: "no",
      },
    });
    expect(row.person!.externalId).toBe(user.chatId);
    const outbox = await t.database.db.outbox.findMany({ where: { topic: "selfreport.submitted" } });
    expect(outbox.map((o) => o.payload)).toContainEqual({ selfReportId: row.id, code });

    const status = await user.ask(`/trangthai ${code}`);
    expect(status[0]!.text).toContain(code);
    expect(status[0]!.text).toContain("báo cáo hiện hành");
    const stranger = new WebchatUser(t.url);
    const other = await stranger.ask(`trạng thái ${code}`);
    expect(other[0]!.text).not.toContain("UBND xã Kim Phú");
    expect(other[0]!.text).toContain("Không tìm thấy");

    // One report: no percentages yet.
    const few = await user.ask("thống kê");
    expect(all(few)).toContain("chưa đủ 5 báo cáo để hiển thị tỉ lệ");
    expect(all(few)).not.toMatch(/\d+%/);

    // Five colleagues report too (4 trained, 1 not): 5 of 6 trained.
    for (let i = 0; i < 5; i++) {
      const p = await t.database.db.person.create({
        data: { channel: "webchat", externalId: `colleague-${i}`, chatId: `colleague-${i}` },
      });
      await submitSelfReport(t.database.db, indicators, {
        personId: p.id,
        idempotencyKey: `colleague-${i}`,
        respondentType: "official",
        level: "commune",
        unit: "Ủy ban nhân dân xã Kim Phú",
        answers: {
          basic_skills: i < 4 ? "done" : "not_yet",
          data_skills: "done",
          work_identity: "yes",
          digital_signature: "yes",
        },
        consentVersion: "v1",
        consentAt: new Date(),
      });
    }
    const stats = all(await user.ask("/thongke"));
    expect(stats).toContain("Đơn vị: UBND xã Kim Phú (cấp xã) — dựa trên 6 báo cáo tự khai");
    expect(stats).toContain("Kỹ năng số cơ bản: 83,3% (chỉ tiêu 100%, còn thiếu 16,7 điểm)");
    expect(stats).toContain("Phân tích, khai thác dữ liệu: 83,3% (chỉ tiêu 50%, đã đạt)");
    expect(stats).toContain("tự khai báo");

    const answer = all(await user.ask("Đơn vị tôi đạt bao nhiêu phần trăm kỹ năng số?"));
    expect(answer).toContain("Kỹ năng số cơ bản đạt 83,3%");
    expect(answer).toContain("chỉ tiêu 100%");
    expect(answer).toContain("dựa trên 6 báo cáo tự khai");
  });

  it("supersedes the earlier report when the same person reports again", async () => {
    const user = new WebchatUser(t.url);
    await user.ask("/menu"); // the engine creates the person on the first message
    const person = await t.database.db.person.findUniqueOrThrow({
      where: { channel_externalId: { channel: "webchat", externalId: user.chatId } },
    });
    const first = await submitSelfReport(t.database.db, indicators, {
      personId: person.id,
      idempotencyKey: `first-${user.chatId}`,
      respondentType: "citizen",
      level: "commune",
      unit: "Xã Hòa Phú",
      answers: {
        citizen_identity: "no",
        health_record: "no",
        online_services: "no",
        household_address: "no",
        household_smartphone: "no",
        student_record: "none",
      },
      consentVersion: "v1",
      consentAt: new Date(),
    });

    await user.ask("/tudanhgia");
    await user.ask("đồng ý");
    await user.ask("2"); // người dân, hộ gia đình
    await user.ask("cấp xã");
    await user.ask("chiêm hóa");
    await user.ask("Xã Hòa Phú");
    for (let i = 0; i < 6; i++) await user.ask("1");
    const done = all(await user.ask("xác nhận"));
    const second = /TD-\d{4}-\d{6}/.exec(done)![0];
    expect(done).toContain(first.code); // "this report replaces your previous one (TD-…)"

    const rows = await t.database.db.selfReport.findMany({
      where: { personId: person.id },
      orderBy: { createdAt: "asc" },
    });
    expect(rows.map((r) => [r.code, r.current])).toEqual([
      [first.code, false],
      [second, true],
    ]);
    expect(rows[1]!.indicators).toEqual({
      citizen_identity: true,
      health_record: true,
      online_services: true,
      household_address: true,
      household_smartphone: true,
      student_record: true,
    });
    const old = all(await user.ask(`/trangthai ${first.code}`));
    expect(old).toContain("đã được thay bằng báo cáo mới hơn");
  });
});
