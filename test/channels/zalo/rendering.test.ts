import { describe, expect, it } from "vitest";
import { renderZaloText, splitText, ZALO_TEXT_LIMIT } from "../../../src/channels/zalo/rendering.js";

const LEAD = "Vui lòng trả lời bằng số:";
const choices = [
  { id: "ask", label: "Hỏi đáp về phong trào" },
  { id: "nominate", label: "Đề cử" },
  { id: "self", label: "Tự đánh giá" },
];

describe("how a reply looks on Zalo", () => {
  it("shows choices as a numbered list under a lead-in, in one message", () => {
    expect(renderZaloText({ text: "Quý anh/chị muốn làm gì ạ?", choices }, LEAD)).toEqual([
      "Quý anh/chị muốn làm gì ạ?\n\nVui lòng trả lời bằng số:\n1. Hỏi đáp về phong trào\n2. Đề cử\n3. Tự đánh giá",
    ]);
  });

  it("does not repeat the lead-in when the prompt already introduces its list with a colon", () => {
    expect(
      renderZaloText(
        { text: "Quý anh/chị cần hỗ trợ gì? Gõ số thứ tự:", choices: choices.slice(0, 2) },
        LEAD,
      ),
    ).toEqual(["Quý anh/chị cần hỗ trợ gì? Gõ số thứ tự:\n1. Hỏi đáp về phong trào\n2. Đề cử"]);
  });

  it("sends plain text unchanged and nothing for an empty reply", () => {
    expect(renderZaloText({ text: "Cảm ơn quý anh/chị." }, LEAD)).toEqual(["Cảm ơn quý anh/chị."]);
    expect(renderZaloText({ text: "  " }, LEAD)).toEqual([]);
  });

  it("splits a long answer on paragraph boundaries, every part at most 2000 characters", () => {
    const paragraphs = Array.from(
      { length: 12 },
      (_, i) => `Đoạn ${i + 1}. ${"Chỉ tiêu chuyển đổi số cấp xã. ".repeat(12).trim()}`,
    );
    const parts = splitText(paragraphs.join("\n\n"));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(ZALO_TEXT_LIMIT);
    // No paragraph is cut: each part is a run of whole paragraphs.
    expect(parts.join("\n\n")).toBe(paragraphs.join("\n\n"));
    for (const p of parts) expect(p.startsWith("Đoạn ")).toBe(true);
  });

  it("cuts a single huge paragraph between sentences, and a word longer than the limit as a last resort", () => {
    const sentence = "Mỗi xã có ít nhất một điểm hỗ trợ dịch vụ công trực tuyến.";
    const parts = splitText(Array.from({ length: 80 }, () => sentence).join(" "));
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(ZALO_TEXT_LIMIT);
      expect(p.endsWith(".")).toBe(true);
    }
    const word = "a".repeat(4_500);
    expect(splitText(word).map((p) => p.length)).toEqual([2_000, 2_000, 500]);
  });

  it("keeps the numbered list whole in the last part of a long question", () => {
    const long = Array.from(
      { length: 6 },
      (_, i) => `Mục ${i + 1}: ${"nội dung kế hoạch ".repeat(25).trim()}`,
    ).join("\n\n");
    const parts = renderZaloText({ text: long, choices }, LEAD);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(ZALO_TEXT_LIMIT);
    const last = parts.at(-1)!;
    expect(last).toContain(`${LEAD}\n1. Hỏi đáp về phong trào\n2. Đề cử\n3. Tự đánh giá`);
    expect(parts.slice(0, -1).join("")).not.toContain(LEAD);
  });

  it("never splits inside an emoji", () => {
    const parts = splitText("😀".repeat(1_500));
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(ZALO_TEXT_LIMIT);
      // A lone surrogate would mean an emoji was cut in half.
      expect(p).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });
});
