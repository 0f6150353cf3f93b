/**
 * The one sanitiser for free text a person typed, applied wherever such text is stored (flow
 * answers, information-request answers, forwarded questions, reviewer notes, captions). PostgreSQL
 * refuses NUL in text and jsonb (error 22021), and invisible controls can hide or reorder what a
 * reviewer reads; both are removed here, once, so no storage path can forget one of them.
 */

// C0/C1 controls except newline and tab; zero-width and bidi controls that hide text; lone
// surrogates (half an emoji, which PostgreSQL would store as a replacement character at best).
const CONTROL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * NFC, control characters stripped, trailing spaces before line breaks removed, trimmed; stored
 * as typed otherwise (escaping is each renderer's job).
 *
 * @example cleanText("  Nguyễn\u0000 Văn A \n") // "Nguyễn Văn A"
 */
export function cleanText(text: string): string {
  return text
    .normalize("NFC")
    .replace(CONTROL, "")
    .replace(/[ \t]+\n/g, "\n")
    .trim();
}
