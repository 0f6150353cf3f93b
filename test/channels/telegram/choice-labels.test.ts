/**
 * Choice buttons never cut a label mid-word or drop its figure: walks every list of choices the
 * knowledge base can offer (each level's entries, in both languages) and checks that each button
 * shows either its whole label or its number, and that a number refers to a line of the message
 * that carries the label's figure.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  BUTTON_LABEL_LIMIT,
  inlineKeyboard,
  textWithChoices,
} from "../../../src/channels/telegram/keyboard.js";
import { loadKnowledge } from "../../../src/knowledge/index.js";

const knowledge = loadKnowledge({
  dir: fileURLToPath(new URL("../../../flows/knowledge/", import.meta.url)),
});

describe("Telegram choice buttons", () => {
  const lists = (["vi", "en"] as const).flatMap((lang) =>
    knowledge.levels(lang).map((l) => ({
      name: `${lang}:${l.id}`,
      text: knowledge.show(l.id, lang).text,
      choices: knowledge.entriesOf(l.id, lang).map((c, i) => ({ id: String(i), label: c.label })),
    })),
  );

  it("has long labels to test against", () => {
    expect(lists.some((l) => l.choices.some((c) => c.label.length > BUTTON_LABEL_LIMIT))).toBe(true);
  });

  for (const list of lists) {
    it(`shows every label of ${list.name} whole, on its button or in the message`, () => {
      const buttons = inlineKeyboard("t", list.choices).flat() as Array<{
        text: string;
        callback_data: string;
      }>;
      const text = textWithChoices(list.text, list.choices);
      const lines = text.split("\n");
      list.choices.forEach((c, i) => {
        const button = buttons[i]!;
        expect(button.callback_data).toBe(`t|${c.id}`);
        if (button.text === c.label) {
          // Longer than a phone's button, Telegram would cut it with "…", mid-word.
          expect([...button.text].length).toBeLessThanOrEqual(BUTTON_LABEL_LIMIT);
          return;
        }
        expect(button.text).toBe(String(i + 1));
        const line = lines.find((l) => l.startsWith(`${i + 1}. `));
        expect(line, `${c.label} has no numbered line`).toBeDefined();
        for (const figure of c.label.match(/\d+\s?%/g) ?? []) expect(line).toContain(figure);
      });
    });
  }

  it("keeps short labels on the buttons and the text unchanged", () => {
    const choices = [
      { id: "yes", label: "Có" },
      { id: "no", label: "Không" },
    ];
    expect((inlineKeyboard("t", choices).flat() as Array<{ text: string }>).map((b) => b.text)).toEqual([
      "Có",
      "Không",
    ]);
    expect(textWithChoices("Đồng ý?", choices)).toBe("Đồng ý?");
  });

  it("adds the numbered list when the text does not already number the choices", () => {
    const choices = [
      { id: "a", label: "Cấp xã: Hồ sơ công việc xử lý trên môi trường mạng (60%)" },
      { id: "b", label: "Cấp huyện: Hồ sơ công việc xử lý trên môi trường mạng (80%)" },
    ];
    const text = textWithChoices("Quý anh/chị muốn xem mục nào?", choices);
    expect(text).toContain("1. Cấp xã: Hồ sơ công việc xử lý trên môi trường mạng (60%)");
    expect(text).toContain("2. Cấp huyện: Hồ sơ công việc xử lý trên môi trường mạng (80%)");
    expect((inlineKeyboard("t", choices).flat() as Array<{ text: string }>).map((b) => b.text)).toEqual([
      "1",
      "2",
    ]);
  });
});
