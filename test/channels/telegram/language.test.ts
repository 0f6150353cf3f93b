/**
 * The language a Telegram user reads, driven through the real webhook against the fake Bot API
 * (black-box finding: "Ngôn ngữ / Language" toggled to English blindly, and typed Vietnamese no
 * longer switched back). The menu item now asks Tiếng Việt / English; a chosen language holds
 * against text that does not tell, and Vietnamese typed afterwards is answered in Vietnamese.
 */
import { describe, expect, it } from "vitest";
import { useTelegramSystem } from "./system.js";
import { TelegramUser } from "./updates.js";

describe("choosing the language on Telegram", () => {
  const tg = useTelegramSystem();

  it("asks Tiếng Việt / English from the menu, keeps English for a code, and answers typed Vietnamese in Vietnamese", async () => {
    const u = new TelegramUser(tg.t.url, tg.fake);
    await u.say("menu");
    const question = (await u.press(/Ngôn ngữ/)).join("\n");
    expect(question).toContain("Please choose a language");
    expect(u.button(/^Tiếng Việt$/)).toBeTruthy();
    expect((await u.press(/^English$/)).join("\n")).toContain("Switched to English");
    expect((await u.say("DC-2026-000001")).join("\n")).toContain("No submission DC-2026-000001 of yours");
    const vi = (await u.say("chi tieu cap xa la gi")).join("\n");
    expect(vi).toContain("Cấp xã");
    expect(vi).not.toContain("Commune level");
  });
});
