import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../../src/channels/telegram/html.js";
import { splitMessage, TELEGRAM_TEXT_LIMIT } from "../../../src/channels/telegram/message-parts.js";
import {
  CallbackDataError,
  decodeCallbackData,
  encodeCallbackData,
} from "../../../src/channels/telegram/callback-data.js";
import { inlineKeyboard } from "../../../src/channels/telegram/keyboard.js";

describe("HTML escaping for Telegram's HTML parse mode", () => {
  it("escapes the characters Telegram's parser reads as markup", () => {
    expect(escapeHtml(`<b>Tùng & Co</b> "x"`)).toBe("&lt;b&gt;Tùng &amp; Co&lt;/b&gt; &quot;x&quot;");
  });

  it("leaves Vietnamese text and emoji untouched", () => {
    expect(escapeHtml("Chuyển đổi số 🇻🇳 ≥ 60%")).toBe("Chuyển đổi số 🇻🇳 ≥ 60%");
  });

  it("does not double-escape when a user types an entity", () => {
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });
});

describe("long text is split at 4096 characters on paragraph boundaries", () => {
  const paragraph = (n: number, len: number) => `Đoạn ${n}: ${"chữ ".repeat(len)}`.trim();

  it("keeps a short text as one part", () => {
    expect(splitMessage("xin chào")).toEqual(["xin chào"]);
  });

  it("cuts between paragraphs, never inside one, and loses no paragraph", () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => paragraph(i, 200));
    const text = paragraphs.join("\n\n");
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(parts.join("\n\n")).toBe(text);
    for (const p of parts) expect(p.startsWith("Đoạn ")).toBe(true);
  });

  it("falls back to a line break, then a space, when a paragraph alone is too long", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `- dòng ${i} ${"x".repeat(60)}`).join("\n");
    const byLine = splitMessage(lines);
    expect(byLine.length).toBe(2);
    expect(byLine.join("\n")).toBe(lines);
    const words = "từ ".repeat(2000).trim();
    const byWord = splitMessage(words);
    expect(byWord.length).toBe(2);
    for (const p of byWord) expect(p.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(byWord.join(" ")).toBe(words);
  });

  it("cuts a single enormous word only at the limit and never inside an emoji", () => {
    const text = `${"a".repeat(4095)}😀${"b".repeat(10)}`;
    const parts = splitMessage(text);
    expect(parts[0]).toBe("a".repeat(4095));
    expect(parts.join("")).toBe(text);
  });
});

describe("button payloads fit Telegram's 64-byte callback_data", () => {
  it("encodes token and choice id as token|id and reads them back", () => {
    expect(encodeCallbackData("q7", "yes")).toBe("q7|yes");
    expect(decodeCallbackData("q7|yes")).toEqual({ token: "q7", id: "yes" });
    expect(decodeCallbackData("rv|approve.DC-2026-000001")).toEqual({
      token: "rv",
      id: "approve.DC-2026-000001",
    });
  });

  it("accepts exactly 64 bytes and refuses 65", () => {
    expect(encodeCallbackData("t", "x".repeat(62))).toHaveLength(64);
    expect(() => encodeCallbackData("t", "x".repeat(63))).toThrow(CallbackDataError);
  });

  it("counts bytes, not characters", () => {
    expect(() => encodeCallbackData("t", "đ".repeat(32))).toThrow(CallbackDataError);
  });

  it("treats data without a token as a stale button", () => {
    expect(decodeCallbackData("old-button")).toEqual({ token: "", id: "old-button" });
  });

  it("renders every choice as a button whose data stays within 64 bytes", () => {
    const rows = inlineKeyboard("nom.s3", [
      { id: "1", label: "Cá nhân" },
      { id: "2", label: "Tập thể" },
      { id: "3", label: "Cơ quan, đơn vị cấp xã" },
    ]);
    const buttons = rows.flat() as Array<{ text: string; callback_data: string }>;
    expect(buttons.map((b) => b.callback_data)).toEqual(["nom.s3|1", "nom.s3|2", "nom.s3|3"]);
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
  });
});
