/**
 * How a Reply looks on the OA: text of at most 2,000 characters per message (split like the Bot
 * Platform channel), and choices as template buttons — up to 5 `oa.query.hide` buttons carrying
 * the choice token, and any further options as numbered text. Typed numbers and labels are
 * matched by the conversation engine, so they keep working alongside the buttons.
 */
import type { Reply } from "../types.js";
import { renderZaloText, splitText } from "../zalo/rendering.js";
import { encodeChoicePayload } from "./choice-payload.js";
import type { OaButton, OaMessage } from "./client.js";

export const OA_TEXT_LIMIT = 2_000;
export const OA_MAX_BUTTONS = 5;
/** Zalo's limit on a button title. */
export const OA_BUTTON_TITLE_LIMIT = 100;

export interface OaRenderText {
  /** Lead-in of a numbered list ("Vui lòng trả lời bằng số:"), used when buttons are not possible. */
  chooseByNumber: string;
  /** Lead-in of the options beyond the fifth button ("Hoặc gõ số:"). */
  moreByNumber: string;
}

/**
 * The messages one Reply becomes, in order; buttons ride on the last one.
 *
 * @example renderOaReply({ text: "Quý anh/chị muốn làm gì?", choices, choiceToken: "q1" }, words)
 * // [{ text: "Quý anh/chị muốn làm gì?", attachment: { type: "template", payload: { buttons: [...] } } }]
 */
export function renderOaReply(
  reply: Pick<Reply, "text" | "choices" | "choiceToken">,
  words: OaRenderText,
  opts: { buttons?: boolean } = {},
): OaMessage[] {
  const choices = reply.choices ?? [];
  if (!choices.length) return splitText(reply.text, OA_TEXT_LIMIT).map((text) => ({ text }));
  // Without a token a press could not be tied to its question; anonymous chats get text only.
  if (!reply.choiceToken || opts.buttons === false)
    return renderZaloText(reply, words.chooseByNumber, OA_TEXT_LIMIT).map((text) => ({ text }));
  // With more than five options the buttons carry their numbers, so the typed list continues them.
  const numbered = choices.length > OA_MAX_BUTTONS;
  const buttons: OaButton[] = choices.slice(0, OA_MAX_BUTTONS).map((c, i) => ({
    title: Array.from(numbered ? `${i + 1}. ${c.label}` : c.label)
      .slice(0, OA_BUTTON_TITLE_LIMIT)
      .join(""),
    type: "oa.query.hide",
    payload: encodeChoicePayload(reply.choiceToken!, c.id),
  }));
  const beyond = choices.slice(OA_MAX_BUTTONS).map((c, i) => `${OA_MAX_BUTTONS + i + 1}. ${c.label}`);
  const body = reply.text.trim() || words.chooseByNumber;
  // A prompt that already ends with ":" ("… hoặc gõ số thứ tự:") introduces the list itself.
  const whole = !beyond.length
    ? body
    : body.endsWith(":")
      ? `${body}\n${beyond.join("\n")}`
      : `${body}\n\n${words.moreByNumber}\n${beyond.join("\n")}`;
  const parts = splitText(whole, OA_TEXT_LIMIT);
  return parts.map((text, i) =>
    i === parts.length - 1 ? { text, attachment: { type: "template", payload: { buttons } } } : { text },
  );
}
