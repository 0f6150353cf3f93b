/**
 * Telegram refuses a message longer than 4096 characters. A long answer is cut into parts at the
 * last paragraph break that fits (then a line break, then a space), so every part reads on its own.
 */

/** Telegram's limit on a message's text, counted after entity parsing (i.e. on the plain text). */
export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * Splits plain text into parts of at most `limit` characters. Prefers a blank line, then a line
 * break, then a space in the second half of the window; only a single word longer than the limit
 * is cut mid-word. The separators at a cut are dropped; nothing else is.
 *
 * Split before escaping: the limit applies to the text the user sees, and cutting escaped HTML
 * could leave a broken "&amp;" behind.
 *
 * @example splitMessage(longAnswer).map(escapeHtml)
 */
export function splitMessage(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const cut =
      lastBreak(window, "\n\n", limit) ?? lastBreak(window, "\n", limit) ?? lastBreak(window, " ", limit);
    if (cut) {
      parts.push(rest.slice(0, cut.at).trimEnd());
      rest = rest.slice(cut.at + cut.length).replace(/^\n+/, "");
    } else {
      // No separator in reach: a single huge "word". Avoid splitting a surrogate pair.
      const at = isHighSurrogate(rest.charCodeAt(limit - 1)) ? limit - 1 : limit;
      parts.push(rest.slice(0, at));
      rest = rest.slice(at);
    }
  }
  if (rest.length || !parts.length) parts.push(rest);
  return parts.filter((p, i) => p.length > 0 || i === 0);
}

/** The last `sep` whose preceding text fits the limit, if it is past the window's first half (so parts are not tiny). */
function lastBreak(window: string, sep: string, limit: number): { at: number; length: number } | undefined {
  const at = window.lastIndexOf(sep, limit);
  if (at <= 0 || at < limit / 2) return undefined;
  return { at, length: sep.length };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
