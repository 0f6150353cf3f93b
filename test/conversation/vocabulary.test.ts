/**
 * The typed words and the reply language, read from the real locales and flows: what counts as a
 * command for a middleware waiting for free text, and which language a text is written in.
 */
import { describe, expect, it } from "vitest";
import { Vocabulary } from "../../src/conversation/index.js";
import { languageOfText } from "../../src/conversation/language.js";
import { flows, i18n } from "./support.js";

const vocab = new Vocabulary(i18n, flows);
vocab.addCommandList("selfreport.words.stats");

describe("the vocabulary", () => {
  it.each([
    ["đề cử", true],
    ["/menu", true],
    ["trạng thái DC-2026-000001", true],
    ["hồ sơ của tôi", true],
    ["thống kê", true],
    ["Hướng dẫn 200 hộ dân cài đặt VNeID", false],
    ["Gửi kèm giấy khen của huyện", false],
    ["Giấy khen số 123/QĐ-UBND", false],
  ])("“%s” is a command: %s", (text, command) => {
    expect(vocab.isCommand(text)).toBe(command);
  });

  it.each([
    ["chỉ tiêu cấp xã là gì?", "vi"],
    ["chi tieu cap xa la gi", "vi"],
    ["What are the targets for communes?", "en"],
    ["I want to nominate my colleague", "en"],
    ["Nguyen Van An", undefined],
    ["2", undefined],
    ["/ngonngu", undefined],
  ])("“%s” is written in %s", (text, lang) => {
    expect(languageOfText(text, vocab)).toBe(lang);
  });
});
