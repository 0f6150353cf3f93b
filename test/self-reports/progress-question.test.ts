/**
 * Which messages are questions about one's own unit's figures (answered from the self-reports)
 * and which are not (left to the knowledge base, which knows the plan's targets).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadIndicators } from "../../src/self-reports/indicators.js";
import { matchProgressQuestion } from "../../src/self-reports/progress-question.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);

describe("a question about my unit's progress", () => {
  it.each([
    ["Đơn vị tôi đạt bao nhiêu phần trăm kỹ năng số?", "basic_skills"],
    ["don vi toi dat bao nhieu phan tram ky nang so", "basic_skills"],
    ["Cơ quan mình tỉ lệ phân tích dữ liệu được bao nhiêu %?", "data_skills"],
    ["xã tôi bao nhiêu phần trăm hộ có địa chỉ số", "household_address"],
    ["What share of my unit has a digital signature?", "digital_signature"],
  ])("%s → %s", (text, indicator) => {
    expect(matchProgressQuestion(text, indicators)).toEqual({ indicatorId: indicator });
  });

  it("without an indicator asks for the whole summary", () => {
    expect(matchProgressQuestion("Đơn vị của tôi đạt bao nhiêu phần trăm rồi?", indicators)).toEqual({
      indicatorId: undefined,
    });
  });

  it.each([
    "Chỉ tiêu kỹ năng số cấp xã là bao nhiêu phần trăm?",
    "đơn vị tôi cần làm gì để được khen thưởng",
    "UBND xã Kim Phú",
  ])("is not: %s", (text) => {
    expect(matchProgressQuestion(text, indicators)).toBeNull();
  });
});
