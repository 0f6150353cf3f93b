/** Every channel and every "not reached" reason the admin pages may show has wording in both languages. */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CHANNELS } from "../../src/channels/types.js";
import { UNREACHED_REASONS } from "../../src/announcements/announcements.js";
import { TOPICS } from "../../src/announcements/topics.js";
import { loadLocales } from "../../src/i18n/locales.js";

const i18n = loadLocales(fileURLToPath(new URL("../../locales", import.meta.url)));

describe("announcement wording", () => {
  it("names every channel, reason and topic in Vietnamese and English", () => {
    const keys = [
      ...CHANNELS.map((c) => `admin.announcements.channel.${c}`),
      ...UNREACHED_REASONS.map((r) => `admin.announcements.reason.${r}`),
      ...TOPICS.map((x) => `announcements.topic.${x}`),
    ];
    for (const key of keys)
      for (const lang of ["vi", "en"] as const)
        expect(() => i18n.t(lang, key), `${lang} ${key}`).not.toThrow();
  });
});
