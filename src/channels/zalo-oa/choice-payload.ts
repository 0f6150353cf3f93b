/**
 * Button payloads. An `oa.query.hide` button sends its payload back as a user text message (hidden
 * from the chat), so the payload must be recognisable among typed texts: `#c|<token>|<id>`. Zalo
 * expects query payloads to start with "#". The token names the question (a stale button is known
 * as stale), the id names the choice.
 */

const PREFIX = "#c|";

/** @example encodeChoicePayload("q7", "yes") // "#c|q7|yes" */
export function encodeChoicePayload(token: string, id: string): string {
  if (token.includes("|")) throw new Error(`choice token must not contain "|": ${token}`);
  return `${PREFIX}${token}|${id}`;
}

/** The choice behind a pressed button, or undefined for ordinary text. @example decodeChoicePayload("#c|q7|yes") // { token: "q7", id: "yes" } */
export function decodeChoicePayload(text: string): { token: string; id: string } | undefined {
  const t = text.trim();
  if (!t.startsWith(PREFIX)) return undefined;
  const rest = t.slice(PREFIX.length);
  const bar = rest.indexOf("|");
  if (bar <= 0 || bar === rest.length - 1) return undefined;
  return { token: rest.slice(0, bar).slice(0, 64), id: rest.slice(bar + 1).slice(0, 64) };
}
