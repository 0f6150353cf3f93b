/**
 * Button payloads. Telegram gives a button at most 64 bytes of callback_data; ours is
 * `${token}|${id}`: the token names the question (so a stale button is recognised as stale), the id
 * names the choice. Both are short ASCII by contract (see Choice in ../types.ts).
 */

/** Telegram's limit on callback_data, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** A choice whose token and id do not fit in a button: a bug in a flow, caught before Telegram refuses the whole message. */
export class CallbackDataError extends Error {
  override name = "CallbackDataError";
}

/**
 * @example encodeCallbackData("q7", "yes") // "q7|yes"
 * @throws CallbackDataError when the result exceeds 64 bytes or the token contains "|"
 */
export function encodeCallbackData(token: string, id: string): string {
  if (token.includes("|")) throw new CallbackDataError(`choice token must not contain "|": ${token}`);
  const data = `${token}|${id}`;
  const bytes = Buffer.byteLength(data, "utf8");
  if (bytes > CALLBACK_DATA_MAX_BYTES || !id)
    throw new CallbackDataError(`callback_data must be 1–64 bytes, got ${bytes} for token ${token}`);
  return data;
}

/**
 * Reads a button press back. Data without a "|" (an old or foreign button) is returned with an
 * empty token, which the engine treats as a stale button.
 *
 * @example decodeCallbackData("q7|yes") // { token: "q7", id: "yes" }
 */
export function decodeCallbackData(data: string): { token: string; id: string } {
  const bar = data.indexOf("|");
  if (bar < 0) return { token: "", id: data.slice(0, 64) };
  return { token: data.slice(0, bar).slice(0, 64), id: data.slice(bar + 1).slice(0, 64) };
}
