/**
 * The flows' locality step reads the managed list live (ChoiceSource on "data/localities.yaml"):
 * an import or edit in the admin panel is used by the next answer, without a restart. A typed name
 * matches with or without diacritics and with or without "xã"/"phường"; one that matches nothing
 * is kept as "khác: …" for the reviewer.
 */
import type { ConversationPlugin } from "../conversation/extensions.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import { activeLocalityOptions } from "./localities.js";

/** The options file the live list replaces (flows/nomination.yaml, flows/self-report.yaml). */
export const LOCALITIES_OPTIONS_FILE = "data/localities.yaml";

/** @example engine.use(createLocalityPlugin({ db, i18n })) */
export function createLocalityPlugin(deps: { db: Db; i18n: Translator }): ConversationPlugin {
  return {
    choiceSources: {
      [LOCALITIES_OPTIONS_FILE]: async () => ({
        options: await activeLocalityOptions(deps.db),
        other: (typed, lang) => deps.i18n.t(lang, "localities.other", { text: typed }),
      }),
    },
  };
}
