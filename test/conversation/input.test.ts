import { describe, expect, it } from "vitest";
import { cleanText, matchChoice, validatePhone } from "../../src/conversation/index.js";
import { validateDate, validateText } from "../../src/conversation/input.js";

describe("typed answers", () => {
  it("normalises Vietnamese mobile numbers to +84 and refuses landlines and garbage", () => {
    for (const ok of [
      "0912345678",
      "0912 345 678",
      "0912.345.678",
      "+84 912 345 678",
      "84912345678",
      "(+84) 387-654-321",
    ])
      expect(validatePhone(ok)).toMatchObject({ ok: true });
    expect(validatePhone("0912 345 678")).toEqual({ ok: true, value: "+84912345678" });
    for (const bad of ["02073822222", "12345", "091234567", "09123456789", "abc"])
      expect(validatePhone(bad).ok).toBe(false);
  });

  it("matches a choice by number, number word, label with or without diacritics, and unique prefix", () => {
    const choices = [
      { id: "a", label: "Cấp tỉnh" },
      { id: "b", label: "Cấp huyện" },
      { id: "c", label: "Doanh nghiệp, hợp tác xã" },
    ];
    expect(matchChoice("2", choices)?.id).toBe("b");
    expect(matchChoice("số 2", choices)?.id).toBe("b");
    expect(matchChoice("so 3", choices)?.id).toBe("c");
    expect(matchChoice("hai", choices)?.id).toBe("b");
    expect(matchChoice("cap huyen", choices)?.id).toBe("b");
    expect(matchChoice("CẤP TỈNH", choices)?.id).toBe("a");
    expect(matchChoice("doanh", choices)?.id).toBe("c");
    expect(matchChoice("cap", choices)).toBeNull();
    expect(matchChoice("7", choices)).toBeNull();
  });

  it("cleans control characters, keeps the text as typed, and counts characters as people see them", () => {
    expect(cleanText("  <b>Nguyễn\u200B Văn An</b>\u0007 ")).toBe("<b>Nguyễn Văn An</b>");
    expect(validateText("Nguyễn", 2, 6)).toEqual({ ok: true, value: "Nguyễn" });
    expect(validateText("a", 2, 6)).toMatchObject({ ok: false, reason: "conversation.invalid.too_short" });
  });

  it("reads dates as day/month/year and refuses impossible ones", () => {
    const today = new Date("2026-06-01T00:00:00Z");
    expect(validateDate("15/08/2024", { past: true, future: false, today })).toEqual({
      ok: true,
      value: "2024-08-15",
    });
    expect(validateDate("31/02/2024", { past: false, future: false, today }).ok).toBe(false);
    expect(validateDate("15/08/2027", { past: true, future: false, today })).toMatchObject({
      ok: false,
      reason: "conversation.invalid.date_future",
    });
  });
});
