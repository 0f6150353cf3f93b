/**
 * No official's words are ever presented as the plan's: every FAQ answer carries its own source
 * line and none of the plan's quote or source wording; an entry imitating that wording is refused
 * when proposed or edited, and never served if it reaches the table another way.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadLocales, LANGS } from "../../src/i18n/locales.js";
import { faqSourceLine, formatFaqAnswer, imitatesPlanQuote, planMarkers } from "../../src/faq/answer.js";
import { FaqInputError, proposeEntry } from "../../src/faq/store.js";
import type { Db } from "../../src/db/client.js";

const i18n = loadLocales(fileURLToPath(new URL("../../locales", import.meta.url)));
const markers = planMarkers(i18n);
const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");

/** The ways the bot presents the plan's own words, in every language, as they appear in a reply. */
const planWordings = LANGS.flatMap((lang) => [
  i18n.t(lang, "knowledge.quote", { quote: "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng đạt 60%" }),
  i18n.t(lang, "knowledge.source_line", { sources: i18n.t(lang, "knowledge.plan") }),
  i18n.t(lang, "knowledge.source_line", {
    sources: i18n.t(lang, "knowledge.source", { source: "Mục II.3" }),
  }),
]);

const honest = [
  "Thành viên Tổ công nghệ số cộng đồng hoạt động tình nguyện.",
  "Có, theo dự toán ngân sách của xã năm 2026.",
  "Nguồn kinh phí: ngân sách xã.",
  "Theo Kế hoạch 154, xã tự bố trí; chi tiết xem văn bản của UBND huyện.",
];
/** Official answers that smuggle in the plan's wording: as written, without diacritics, upper case, mid-sentence. */
const smuggled = planWordings.flatMap((w) => [w, fold(w), w.toUpperCase(), `Theo chúng tôi: ${w} nhé`]);

describe("FAQ answers are never presented as quotes of Plan 154", () => {
  it("knows the plan's wordings as markers in every language", () => {
    expect(markers.length).toBeGreaterThanOrEqual(2 * LANGS.length);
    for (const w of planWordings) expect(imitatesPlanQuote(markers, w), w).toBe(true);
  });

  it("gives every honest answer, in every language, its own source line and none of the plan's wording", () => {
    for (const lang of LANGS) {
      for (const answer of honest) {
        const entry = {
          question: "Câu hỏi?",
          answer,
          unit: "Sở Nội vụ tỉnh Tuyên Quang",
          answeredOn: new Date(Date.UTC(2026, 10, 20)),
        };
        const text = formatFaqAnswer(i18n, lang, entry);
        expect(text).toContain(faqSourceLine(i18n, lang, entry));
        expect(imitatesPlanQuote(markers, text), text).toBe(false);
      }
    }
    expect(
      faqSourceLine(i18n, "vi", { unit: "Sở Nội vụ", answeredOn: new Date(Date.UTC(2026, 10, 20)) }),
    ).toBe("Trả lời của Sở Nội vụ, ngày 20/11/2026, không phải trích nguyên văn Kế hoạch 154.");
  });

  it("refuses to store an entry whose question, answer or unit imitates the plan's wording", async () => {
    // Refused before any database access: a stub that fails on use proves it.
    const db = new Proxy(
      {},
      {
        get: () => {
          throw new Error("database touched");
        },
      },
    ) as unknown as Db;
    const deps = { db, signal: { bump: async () => {}, current: async () => null }, planMarkers: markers };
    const actor = { id: "00000000-0000-0000-0000-000000000000", name: "t" };
    for (const bad of smuggled) {
      for (const field of ["question", "answer", "unit"] as const) {
        const content = {
          question: "Câu hỏi?",
          answer: "Trả lời.",
          unit: "Sở Nội vụ",
          answeredOn: "2026-11-20",
          [field]: bad,
        };
        await expect(proposeEntry(deps, content, actor), `${field}: ${bad}`).rejects.toSatisfy(
          (e: unknown) => e instanceof FaqInputError && e.reason === "plan_quote",
        );
      }
    }
  });
});
