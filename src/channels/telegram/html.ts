/**
 * Telegram's HTML parse mode: every user-supplied string must be escaped before it is put into a
 * message, or a name such as "<Tùng & Co>" breaks the message (400 "can't parse entities") or,
 * worse, injects a link.
 */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/**
 * Escapes the four characters Telegram's HTML parser treats specially. Quotes are escaped too, so
 * the result is safe inside an attribute (`<a href="...">`) as well as in text.
 *
 * @example escapeHtml("A <b> & B") // "A &lt;b&gt; &amp; B"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ENTITIES[c]!);
}
