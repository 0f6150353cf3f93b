/**
 * How a Reply looks on Zalo, which has no buttons and at most 2000 characters per message:
 * choices become a numbered list under a short lead-in, and long text is cut on paragraph
 * boundaries. The numbers are matched back by the conversation engine, not here.
 */
import type { Reply } from "../types.js";

/** Zalo's documented limit for sendMessage text and sendPhoto captions. */
export const ZALO_TEXT_LIMIT = 2_000;

/**
 * The messages one Reply becomes. The numbered list stays whole in the last message whenever it
 * fits, so the user sees the question and its options together.
 *
 * @example renderZaloText({ text: "Quý anh/chị muốn làm gì?", choices }, "Vui lòng trả lời bằng số:")
 * // ["Quý anh/chị muốn làm gì?\n\nVui lòng trả lời bằng số:\n1. Hỏi đáp\n2. Đề cử"]
 */
export function renderZaloText(
  reply: Pick<Reply, "text" | "choices">,
  leadIn: string,
  limit = ZALO_TEXT_LIMIT,
): string[] {
  const body = reply.text.trim();
  if (!reply.choices?.length) return splitText(body, limit);
  // A prompt that already ends with ":" introduces its list itself ("… gõ số thứ tự:"): no second lead-in.
  const introduced = body.endsWith(":");
  const list = [...(introduced ? [] : [leadIn]), ...reply.choices.map((c, i) => `${i + 1}. ${c.label}`)].join(
    "\n",
  );
  const whole = body ? `${body}${introduced ? "\n" : "\n\n"}${list}` : list;
  if (whole.length <= limit) return [whole];
  const parts = splitText(body, limit);
  const last = parts.at(-1);
  if (last !== undefined && last.length + 2 + list.length <= limit)
    parts[parts.length - 1] = `${last}\n\n${list}`;
  else parts.push(...splitText(list, limit));
  return parts;
}

/**
 * Cuts text into messages of at most `limit` characters: between paragraphs when possible, then
 * between lines, then between sentences or words, and only as a last resort inside a word.
 *
 * @example splitText(longAnswer, 2000).forEach((part) => send(part))
 */
export function splitText(text: string, limit = ZALO_TEXT_LIMIT): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (trimmed.length <= limit) return [trimmed];
  return pack(trimmed.split(/\n[ \t]*\n+/), "\n\n", limit, (paragraph) =>
    pack(paragraph.split("\n"), "\n", limit, (line) =>
      pack(sentencesOf(line), " ", limit, (sentence) =>
        pack(sentence.split(" "), " ", limit, hardCut(limit)),
      ),
    ),
  );
}

/** Greedily joins pieces with `sep` while they fit; a piece too long on its own is cut by `cut`. */
function pack(pieces: string[], sep: string, limit: number, cut: (piece: string) => string[]): string[] {
  const out: string[] = [];
  let current = "";
  for (const raw of pieces) {
    const piece = raw.trim();
    if (!piece) continue;
    const candidates = piece.length > limit ? cut(piece) : [piece];
    for (const c of candidates) {
      if (!current) current = c;
      else if (current.length + sep.length + c.length <= limit) current += sep + c;
      else {
        out.push(current);
        current = c;
      }
    }
  }
  if (current) out.push(current);
  return out;
}

function sentencesOf(line: string): string[] {
  return line.split(/(?<=[.!?…;])\s+/);
}

function hardCut(limit: number) {
  return (word: string): string[] => {
    const out: string[] = [];
    // Cut on code points so a surrogate pair (emoji) is never split in half.
    const chars = Array.from(word);
    let current = "";
    for (const ch of chars) {
      if (current.length + ch.length > limit) {
        out.push(current);
        current = "";
      }
      current += ch;
    }
    if (current) out.push(current);
    return out;
  };
}
