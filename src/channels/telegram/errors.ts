/**
 * Bot API failures translated into the channel-neutral send errors, so the outbound worker can
 * decide without knowing Telegram: wait (429), give up on the person (403), skip (other 4xx) or
 * retry with backoff (5xx, network).
 */
import { GrammyError, HttpError } from "grammy";
import { PermanentSendError, RecipientUnreachableError, RetryAfterError } from "../types.js";

/** 400 descriptions that mean the person cannot be reached, not that our request was wrong. */
const UNREACHABLE_400 =
  /chat not found|user not found|user is deactivated|bot was blocked|bot was kicked|have no rights to send/i;

/**
 * @example try { await api.sendMessage(...) } catch (err) { throw toSendError(err) }
 */
export function toSendError(err: unknown): Error {
  if (err instanceof GrammyError) {
    const code = err.error_code;
    if (code === 429) return new RetryAfterError(Math.max(1, err.parameters.retry_after ?? 1) * 1000);
    if (err.parameters.migrate_to_chat_id !== undefined)
      return new ChatMigratedError(String(err.parameters.migrate_to_chat_id));
    if (code === 403 || (code === 400 && UNREACHABLE_400.test(err.description)))
      return new RecipientUnreachableError(`${err.method}: ${code} ${err.description}`);
    if (code >= 400 && code < 500) return new PermanentSendError(`${err.method}: ${code} ${err.description}`);
    return new TelegramUnavailableError(`${err.method}: ${code} ${err.description}`);
  }
  if (err instanceof HttpError) return new TelegramUnavailableError(err.message);
  return err instanceof Error ? err : new Error(String(err));
}

/** The group became a supergroup with a new id: send again there (and remember it). */
export class ChatMigratedError extends Error {
  override name = "ChatMigratedError";
  constructor(readonly newChatId: string) {
    super(`chat migrated to ${newChatId}`);
  }
}

/** Telegram answered 5xx or could not be reached: worth retrying with backoff. */
export class TelegramUnavailableError extends Error {
  override name = "TelegramUnavailableError";
}

/** Whether a Bot API error only says the edit changed nothing (harmless when an edit is repeated). */
export function isNotModified(err: unknown): boolean {
  return (
    err instanceof GrammyError && err.error_code === 400 && /message is not modified/i.test(err.description)
  );
}
