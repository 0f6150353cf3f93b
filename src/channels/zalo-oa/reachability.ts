/**
 * When someone the OA could not reach (Zalo's 7-day window had closed, so a decision or answer
 * was not delivered) writes again, the "unreachable" mark is cleared — the reviewers' panel stops
 * showing it — and the person is told to look up their submission, whose outcome was kept.
 */
import type { Db } from "../../db/client.js";
import type { Middleware } from "../../conversation/pipeline.js";
import { langOf } from "../../review/notifications.js";
import type { Translator } from "../../i18n/locales.js";

/** @example middlewares.push(createOaReturnNotice({ db, i18n })) */
export function createOaReturnNotice(deps: { db: Db; i18n: Translator }): Middleware {
  return async (msg, next) => {
    if (msg.channel !== "zalo_oa" || msg.platform?.anonymous === true) return next();
    // One indexed update per message; it changes a row only for someone marked unreachable.
    const cleared = await deps.db.person.updateManyAndReturn({
      where: { channel: "zalo_oa", externalId: msg.userId, unreachableAt: { not: null } },
      data: { unreachableAt: null },
      select: { language: true },
    });
    const replies = await next();
    if (!cleared.length) return replies;
    return [...replies, { text: deps.i18n.t(langOf(cleared[0]!.language), "zalo_oa.welcome_back") }];
  };
}
