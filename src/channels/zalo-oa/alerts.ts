/**
 * "OA cần cấp quyền lại": when Zalo refuses to renew the OA's token, only the OA admin can help
 * (re-consent in a browser). Every admin reviewer on Telegram gets one message per incident —
 * however many processes noticed it — and the admin panel shows a banner until the pair is replaced.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Db } from "../../db/client.js";
import type { Translator } from "../../i18n/locales.js";
import type { OutboundJob } from "../types.js";
import { redisKeys } from "../../redis/keys.js";

export interface ReauthAlertDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  i18n: Translator;
  /** The outbound queue's enqueue; absent or failing when Telegram is off (then only the log and the panel tell). */
  enqueue?: (job: OutboundJob) => Promise<void>;
  telegramEnabled: boolean;
  logger: Logger;
}

/** @example new OaTokens({ …, onReauthNeeded: createReauthAlert({ db, redis, prefix, i18n, enqueue, telegramEnabled, logger }) }) */
export function createReauthAlert(
  deps: ReauthAlertDeps,
): (incident: { since: Date; reason: string }) => Promise<void> {
  return async ({ since, reason }) => {
    // One alert per incident: the first process to notice sends it.
    const first = await deps.redis.set(
      redisKeys.zaloOaReauthAlerted(deps.prefix, since.getTime()),
      "1",
      "EX",
      30 * 86_400,
      "NX",
    );
    if (first !== "OK") return;
    deps.logger.error(
      { channel: "zalo_oa", since },
      "OA cần cấp quyền lại: the Zalo OA admin must grant access again",
    );
    if (!deps.telegramEnabled || !deps.enqueue) return;
    const admins = await deps.db.reviewer.findMany({
      where: { active: true, role: "admin", channel: "telegram", externalId: { not: null } },
      select: { externalId: true },
    });
    const text = deps.i18n.t("vi", "zalo_oa.reauth_alert", { reason: reason.slice(0, 120) });
    for (const a of admins) {
      await deps
        .enqueue({
          channel: "telegram",
          chatId: a.externalId!,
          key: `oa-reauth-${since.getTime()}-${a.externalId}`,
          replies: [{ text }],
        })
        .catch((err: unknown) =>
          deps.logger.warn({ err: String(err) }, "could not queue the OA re-authorisation alert"),
        );
    }
  };
}
