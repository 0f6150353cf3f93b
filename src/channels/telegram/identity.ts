/**
 * Who the bot is on Telegram: its id (the token's first part, known without a call) and its
 * username (from getMe, fetched once when first needed). Groups need both — a message there is
 * for us only when it mentions @username, replies to our message, or is a command not meant for
 * another bot — and so do deep links (`t.me/<username>?start=…`). Telegram being unreachable
 * never blocks: the username is then unknown and the callers fall back.
 */
import type { Api } from "grammy";
import type { Logger } from "pino";

export interface BotIdentity {
  id: number;
  username?: string;
}

export interface BotIdentitySource {
  /** The identity, asking getMe (once, bounded) if the username is not known yet. */
  get(): Promise<BotIdentity>;
}

/** How long a failed getMe is not repeated. */
const RETRY_AFTER_MS = 60_000;
const GET_ME_TIMEOUT_MS = 3_000;

/** @example const identity = createBotIdentity(api, token, logger); const { username } = await identity.get() */
export function createBotIdentity(
  api: Api,
  token: string,
  logger: Logger,
  known?: { username?: string },
): BotIdentitySource {
  const id = Number(token.split(":")[0]);
  let username = known?.username;
  let pending: Promise<void> | undefined;
  let failedAt = 0;
  return {
    async get() {
      if (username || Date.now() - failedAt < RETRY_AFTER_MS) return { id, username };
      pending ??= Promise.race([
        api.getMe().then((me) => {
          username = me.username;
        }),
        new Promise<void>((_, reject) =>
          setTimeout(() => reject(new Error("getMe timed out")), GET_ME_TIMEOUT_MS).unref(),
        ),
      ])
        .catch((err: unknown) => {
          failedAt = Date.now();
          logger.warn(
            { channel: "telegram", err: (err as Error).message },
            "getMe failed; group mentions and deep links wait for the bot's username",
          );
        })
        .finally(() => (pending = undefined));
      await pending;
      return { id, username };
    },
  };
}
